using TorchSharp;
using Workbench.Additive;
using Workbench.Studies.NeurCam;
using static TorchSharp.torch;

namespace Workbench.Tests.Studies.NeurCam;

/// <summary>Fig. 2's sweep (ratios, kept run, distinct pairs) and Fig. 3's charts on the XOR set, whose one useful pair is known.</summary>
public class FiguresPairSweepTests
{
    static Workbench.Additive.NeurCam Pairwise(int p, long seed) =>
        new(2, singleChannels: 0, pairChannels: p, hidden: new[] { 16, 16 }, bases: 8, epochs: 100, batchSize: 128, learningRate: 1e-2, seed: seed);

    [Fact]
    public void SweepRatiosAreInertiaOverTheBaselineAndTheXorPairIsFound()
    {
        var set = SyntheticSets.Xor(n: 800, d: 4, seed: 4);
        set = set with { Representation = set.Representation + 0.3 * randn(set.Representation.shape, dtype: ScalarType.Float64, generator: new Generator(2)) };   // k-means inertia > 0
        double baseline = FiguresPairSweep.MiniBatchKMeansInertia(set.Representation, 2, new long[] { 0, 1 });
        Assert.True(baseline > 0);
        var pts = FiguresPairSweep.Run(set.X, set.Representation, new[] { 1 }, new long[] { 0, 1 }, baseline, Pairwise);
        var pt = Assert.Single(pts);
        Assert.Equal(2, pt.Ratios.Count);
        double kept = TabularStudy.InertiaPerPoint(set.Representation, pt.Kept.Labels);
        Assert.Equal(kept / baseline, pt.MinRatio, 9);
        Assert.Equal(pt.Ratios.ToList().IndexOf(pt.MinRatio), (int)pt.KeptSeed);
        Assert.Equal(new[] { (0, 1) }, pt.Pairs);               // x̃ = 3·onehot(XOR label) + noise: only (x0,x1) explains it
        // one pair suffices: the XOR classes are found (a clustering blind to them has ratio ≈ 25 here, total variance 4.7 over noise 0.18)
        double ari = Workbench.Evaluation.ClusterMetrics.AdjustedRand(set.Labels, pt.Kept.Labels);
        Assert.True(ari > 0.85 && pt.MinRatio < 5, $"ARI {ari}, ratio {pt.MinRatio}");
        double mean = pt.Ratios.Average();
        Assert.Equal(Math.Sqrt(pt.Ratios.Sum(r => (r - mean) * (r - mean))), pt.StdRatio, 12);   // n − 1 = 1

        // Fig. 3 charts: the surface of the selected pair and the curve of an unselected feature (zero) build
        var chart = FiguresShapeGraphs.Surface(pt.Kept, 1, 0, "x1", "x0", set.X, 0, "0", points: 7);
        Assert.NotNull(chart);
        Assert.Contains("no pairwise channel", Assert.Throws<ArgumentException>(() => FiguresShapeGraphs.Surface(pt.Kept, 2, 3, "x2", "x3", set.X, 0, "0")).Message);
        Assert.NotNull(FiguresShapeGraphs.Curve(pt.Kept, 2, "x2", set.X, new[] { "a", "b" }, points: 5));
        Assert.Equal(0, pt.Kept.ShapeGraphs().Curve(2, linspace(-1, 1, 5, dtype: ScalarType.Float64)).abs().max().ToDouble());
    }

    [Fact]
    public void ModelsThatAreNotPairwiseOnlyAreRefused()
    {
        var set = SyntheticSets.Xor(n: 100, d: 3, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => FiguresPairSweep.Run(set.X, set.Representation, new[] { 1 }, new long[] { 0 }, 1.0,
            (p, s) => new Workbench.Additive.NeurCam(2, singleChannels: -1, pairChannels: p, epochs: 4, seed: s)));
        Assert.Contains("C = 0", e.Message);
        Assert.Contains("baselineInertia", Assert.Throws<ArgumentException>(() => FiguresPairSweep.Run(set.X, set.Representation, new[] { 1 }, new long[] { 0 }, 0, Pairwise)).Message);
    }
}
