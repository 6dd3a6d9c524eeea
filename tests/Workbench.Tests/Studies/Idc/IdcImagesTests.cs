using Workbench.Studies.Idc;
using static TorchSharp.torch;

namespace Workbench.Tests.Studies.Idc;

/// <summary>The per-cluster gate maps of notebook 51 (Figs 2–4) and the Fashion-MNIST rows of Table 4.</summary>
public class IdcImagesTests
{
    [Fact]
    public void ClusterMapsAreMeansAndOpenShares()
    {
        // Four 1×2 "images" in clusters 0, 0, 2, 2 (cluster 1 empty): means and open-gate shares per cluster by hand.
        var x = tensor(new float[,] { { 1, 0 }, { 3, 2 }, { 0, 4 }, { 2, 2 } });
        var gates = tensor(new float[,] { { 0.5f, 0 }, { 1, 0 }, { 0, 0.2f }, { 0, 0 } });
        var (mean, open, sizes) = IdcImages.ClusterMaps(x, gates, new long[] { 0, 0, 2, 2 }, k: 3, height: 1, width: 2);
        Assert.Equal(new[] { 2, 0, 2 }, sizes);
        Assert.Equal(new float[] { 2, 1, 0, 0, 1, 3 }, mean.flatten().data<float>().ToArray());
        Assert.Equal(new float[] { 1, 0, 0, 0, 0, 0.5f }, open.flatten().data<float>().ToArray());
    }

    [Fact]
    public void FashionMnistRowsAreTheTrainingSplitScaledToUnitRange()
    {
        var data = IdcImages.FashionMnist(n: 300, seed: 1);
        Assert.Equal(new long[] { 300, 784 }, data.X.shape);
        Assert.Equal(300, data.Labels.Length);
        Assert.Equal(IdcImages.FashionTrainClassCounts, data.FullClassCounts);
        Assert.True(data.X.min().item<float>() >= 0 && data.X.max().item<float>() <= 1);
        Assert.Equal(10, data.Labels.Distinct().Count());
        Assert.Equal(data.Labels, IdcImages.FashionMnist(n: 300, seed: 1).Labels);           // same seed, same rows
    }
}
