using TorchSharp;
using Workbench.Clustering;
using Workbench.Reporting;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Clustering;

public class KMeansTests
{
    public KMeansTests() { Progress.Enabled = false; }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(2, 5, 4)]
    [InlineData(3, 13, 6)]
    public void RecoversSeparatedBlobs(long seed, int d, int k)
    {
        var (x, truth, _) = Blobs(seed, 40, d, k);
        var km = new KMeans(k, nInit: 5, seed: seed).Fit(x);
        Assert.True(SamePartition(Longs(truth), Longs(km.Labels)));
        Assert.Equal(Longs(km.Labels), Longs(km.Predict(x)));
    }

    [Fact]
    public void LloydFixedPointInertiaAndRestarts()
    {
        var (x, _) = Instance(7, 300, 4, 5);
        var km = new KMeans(5, nInit: 4, tol: 0, seed: 3).Fit(x);
        // converged Lloyd: every centroid is the mean of its points
        var lab = Longs(km.Labels);
        for (int k = 0; k < 5; k++)
        {
            var idx = tensor(Enumerable.Range(0, lab.Length).Where(i => lab[i] == k).Select(i => (long)i).ToArray());
            var mean = x.index_select(0, idx).mean(new long[] { 0 });
            Assert.True(MaxAbs(mean - km.Centroids[k]) < 1e-10);
        }
        // inertia = Σ ‖x − μ_label‖², computed directly
        double direct = (x - km.Centroids.index_select(0, km.Labels)).pow(2).sum().item<double>();
        Assert.Equal(direct, km.Inertia, 1e-8);
        Assert.Equal(km.RestartObjectives.Min(), km.Inertia);
        Assert.Equal(4, km.RestartObjectives.Count);
    }

    [Fact]
    public void SameSeedSameResultAndFloat32Works()
    {
        var (x, _) = Instance(11, 200, 3, 4);
        var a = new KMeans(4, nInit: 3, seed: 5).Fit(x);
        var b = new KMeans(4, nInit: 3, seed: 5).Fit(x);
        Assert.Equal(Vec(a.Centroids.flatten()), Vec(b.Centroids.flatten()));
        var f = new KMeans(4, nInit: 3, seed: 5).Fit(x.to_type(float32));
        Assert.Equal(ScalarType.Float32, f.Centroids.dtype);
        Assert.Equal(a.Inertia, f.Inertia, 1e-3 * a.Inertia);
    }

    [Fact]
    public void KMeansPlusPlusPicksDistinctDataPoints()
    {
        var (x, _, _) = Blobs(4, 30, 2, 5);
        var c = KMeansPlusPlus.Init(x, 5, Compute.Seeds.Generator(1));
        // every centre is a data point, and with well separated blobs one per blob
        var d = Distances.Squared(c, x).min(1).values;
        Assert.True(MaxAbs(d) < 1e-9);
        var blob = Longs(Distances.Squared(c, Blobs(4, 30, 2, 5).Means).argmin(1));
        Assert.Equal(5, blob.Distinct().Count());
    }

    [Fact]
    public void BadInputIsRejectedWithReason()
    {
        var x = randn(10, 3, dtype: float64);
        x[4, 1] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => new KMeans(2).Fit(x));
        Assert.Contains("row 4, column 1", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new KMeans(20).Fit(randn(10, 3, dtype: float64)));
        Assert.Contains("at least 20 rows", e2.Message);
    }

    [Fact]
    public void SoftKMeansConvergesToWeightedMeans()
    {
        var (x, _) = Instance(5, 200, 3, 3);
        var sk = new SoftKMeans(3, stiffness: 0.5, nInit: 2, tol: 0, maxIter: 500, seed: 1).Fit(x);
        var p = sk.PredictProba(x);
        Assert.True(MaxAbs(p.sum(1) - 1) < 1e-12);
        var means = p.T.matmul(x) / p.sum(new long[] { 0 }).unsqueeze(1);       // EM fixed point
        Assert.True(MaxAbs(means - sk.Centroids) < 1e-6);
        Assert.Equal(Longs(p.argmax(1)), Longs(sk.Labels));
    }
}
