using TorchSharp;
using Workbench.Clustering;
using Workbench.Evaluation;
using Workbench.Representation;
using Workbench.Studies.NeurCam;
using static TorchSharp.torch;

namespace Workbench.Tests.Representation;

/// <summary>PCA against the covariance eigendecomposition, the eigenmap on separated blobs, mini-batch k-means, ranks.</summary>
public class EmbeddingsTests
{
    [Fact]
    public void PcaScoresHaveTheCovarianceEigenvaluesAsVariances()
    {
        var g = new Generator(2);
        var x = randn(new long[] { 200, 5 }, dtype: float64, generator: g).matmul(randn(new long[] { 5, 5 }, dtype: float64, generator: g));
        var s = Embeddings.Pca(x, 3);
        var xc = x - x.mean(new long[] { 0 });
        var eig = linalg.eigvalsh(xc.T.matmul(xc) / 200).flip(0)[TensorIndex.Slice(0, 3)];
        var vars = s.square().mean(new long[] { 0 });
        Assert.True((vars - eig).abs().max().ToDouble() < 1e-9);
        var cov = s.T.matmul(s) / 200;
        Assert.True((cov - diag(vars)).abs().max().ToDouble() < 1e-9);   // uncorrelated scores
    }

    [Fact]
    public void EigenmapAndMiniBatchKMeansSeparateDistantBlobs()
    {
        var g = new Generator(4);
        var labels = arange(300, dtype: ScalarType.Int64) % 3;
        var centres = tensor(new double[,] { { 0, 0 }, { 10, 0 }, { 0, 10 } });
        var x = centres.index_select(0, labels) + randn(new long[] { 300, 2 }, dtype: float64, generator: g);
        var emb = Embeddings.LaplacianEigenmap(x, 3, neighbours: 8);
        Assert.Equal(new long[] { 300, 3 }, emb.shape);
        Assert.True(emb.isfinite().all().item<bool>());
        var km = new KMeans(3, nInit: 5, seed: 0).Fit(emb);
        Assert.Equal(1.0, ClusterMetrics.AdjustedRand(labels, km.Labels), 9);
        var mb = new MiniBatchKMeans(3, batchSize: 64, maxIter: 50, nInit: 3, seed: 0).Fit(x);
        Assert.Equal(1.0, ClusterMetrics.AdjustedRand(labels, mb.Labels), 9);
        Assert.Equal(ClusterMetrics.Inertia(x, mb.Labels, mb.Centroids), mb.Inertia, 6);
    }

    [Fact]
    public void RanksAverageTies() => Assert.Equal(new[] { 1.0, 2.5, 2.5, 4.0 }, TabularStudy.Rank(new[] { 0.1, 0.5, 0.5, 0.9 }));
}
