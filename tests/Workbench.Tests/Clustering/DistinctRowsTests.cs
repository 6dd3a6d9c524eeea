using Workbench.Clustering;
using static TorchSharp.torch;

namespace Workbench.Tests.Clustering;

/// <summary>K clusters need K distinct points: the library refuses fewer, saying how many there are.</summary>
public class DistinctRowsTests
{
    [Fact]
    public void CountsDistinctRowsExactly()
    {
        var x = tensor(new double[,] { { 1, 2 }, { 1, 2 }, { 0, 0 }, { 1, 2 }, { 0.0, 0 }, { 3, 1 } });
        Assert.Equal(3, DistinctRows.Count(x));
        Assert.Equal(3, DistinctRows.Count(x, atLeast: 3));
        Assert.True(DistinctRows.Count(x, atLeast: 1) >= 1);    // stops early once enough are found
        var many = cat([zeros(40, 2, dtype: float64), ones(1, 2, dtype: float64)]);
        Assert.Equal(2, DistinctRows.Count(many, atLeast: 2)); // the distinct row lies beyond the first 4K rows
    }

    [Fact]
    public void KMeansWithFewerDistinctPointsThanKIsAnError()
    {
        var x = tensor(new double[,] { { 1, 1 }, { 1, 1 }, { 2, 2 }, { 2, 2 }, { 1, 1 } });
        var e = Assert.Throws<ArgumentException>(() => new KMeans(3, nInit: 1).Fit(x));
        Assert.Contains("only 2 distinct", e.Message);
        var (centroids, _, _) = new KMeans(2, nInit: 1).Fit(x).Centroids.unique(dim: 0);
        Assert.Equal(2, centroids.shape[0]);
    }
}
