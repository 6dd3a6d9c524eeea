using TorchSharp;
using Workbench.Additive;
using Workbench.Studies.NeurCam;
using static TorchSharp.torch;

namespace Workbench.Tests.Studies.NeurCam;

/// <summary>The warm-up trace watches NeurCam.Fit itself: its per-epoch losses are the fit's history, and tracing does not change the training.</summary>
public class WarmupTraceTests
{
    static (Tensor X, Tensor Rep) Blobs(long seed = 0)
    {
        var gen = Workbench.Compute.Seeds.Generator(seed);
        var centres = tensor(new double[,] { { -3, 0, 1 }, { 3, 0, -1 }, { 0, 3, 0 } });
        var lab = arange(90, dtype: ScalarType.Int64) % 3;
        var x = centres.index_select(0, lab) + randn(90, 3, dtype: ScalarType.Float64, generator: gen) * 0.5;
        return (x, x.narrow(1, 0, 2) * 2);
    }

    [Theory]
    [InlineData(CentroidInit.MiniBatchKMeans)]
    [InlineData(CentroidInit.SoftMeans)]
    public void LossesEqualTheFitsWarmupHistory(CentroidInit init)
    {
        var (x, rep) = Blobs();
        Workbench.Additive.NeurCam Make() => new(3, singleChannels: 2, hidden: new[] { 8, 8 }, bases: 4, m: 1.025, epochs: 20, batchSize: 32,
            learningRate: 5e-3, init: init, lrPatience: 2, seed: 7);
        var fit = Make().Fit(x, rep);
        int warm = fit.PhaseEpochs[NeurCamPhase.Warmup];
        Assert.Equal(8, warm);                                   // 0.4 · 20
        var trace = WarmupTrace.Run(Make(), x, rep, warm);
        Assert.Equal(warm, trace.Count);
        // the same training (the trace observes the fit): equal losses; another
        // seed differs by > 1e-4, 50× more)
        for (int e = 0; e < warm; e++)
            Assert.True(Math.Abs(fit.History[e].ClusteringLoss - trace[e].ClusteringLoss) <= 1e-12 * fit.History[e].ClusteringLoss,
                $"epoch {e + 1}: fit {fit.History[e].ClusteringLoss} vs trace {trace[e].ClusteringLoss}");
        var other = WarmupTrace.Run(new Workbench.Additive.NeurCam(3, singleChannels: 2, hidden: new[] { 8, 8 }, bases: 4, m: 1.025, epochs: 20, batchSize: 32,
            learningRate: 5e-3, init: init, lrPatience: 2, seed: 8), x, rep, warm);
        double otherGap = Enumerable.Range(0, warm).Max(e => Math.Abs(other[e].ClusteringLoss - fit.History[e].ClusteringLoss) / fit.History[e].ClusteringLoss);
        Assert.True(otherGap > 1e-4, $"another seed's losses differ by only {otherGap:E2} (relative)");
        Assert.All(trace, t => Assert.Equal(90, t.Sizes.Sum()));
        Assert.All(trace, t => Assert.InRange(t.MeanMaxMembership, 1.0 / 3 - 1e-9, 1 + 1e-9));
        Assert.All(trace, t => Assert.InRange(t.Coverage, 0, 1));
        Assert.All(trace, t => Assert.InRange(t.GateSupport, 1, 3));     // D = 3 features
        Assert.Equal(0, trace[0].Epoch - 1);
    }

    [Fact]
    public void CentroidGeometryIsMeasuredInTheRepresentation()
    {
        // after one epoch the centroids have moved by at most (steps × lr) per coordinate from the k-means centroids,
        // so their smallest distance is within that of the k-means centroids' (Adam's step is ≤ lr per coordinate, up to ε)
        var (x, rep) = Blobs(1);
        var model = new Workbench.Additive.NeurCam(3, singleChannels: 2, hidden: new[] { 8, 8 }, bases: 4, epochs: 20, batchSize: 32, learningRate: 1e-3,
            init: CentroidInit.MiniBatchKMeans, seed: 3);
        var trace = WarmupTrace.Run(model, x, rep, 1);
        var km = new Workbench.Clustering.MiniBatchKMeans(3, batchSize: 1024, maxIter: 100, nInit: 10, seed: 3).Fit(rep.to(ScalarType.Float32)).Centroids.to(ScalarType.Float64);
        var cd = cdist(km, km) + eye(3, dtype: ScalarType.Float64) * 1e30;
        double steps = 3, bound = 2 * steps * 1e-3 * Math.Sqrt(2) * 1.01;   // 3 batches of 32 rows; two centroids, 2 coordinates each
        Assert.InRange(trace[0].CentroidMinDistance, cd.min().ToDouble() - bound, cd.min().ToDouble() + bound);
        Assert.Throws<ArgumentException>(() => WarmupTrace.Run(model, x, rep.narrow(0, 0, 10), 1));
    }
}
