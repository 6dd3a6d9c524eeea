using Workbench.Evaluation;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>IDC's metrics on the digest's fixtures (§6.5) and the synthetic F1 references (§6.4).</summary>
public class InterpretabilityMetricsTests
{
    [Fact]
    public void GreedyAccuracyIsBelowHungarianOnTheDigestFixture()
    {
        // cluster 0: 5 × label 0 and 4 × label 1; cluster 1: 4 × label 0.
        var truth = Enumerable.Repeat(0L, 5).Concat(Enumerable.Repeat(1L, 4)).Concat(Enumerable.Repeat(0L, 4)).ToArray();
        var pred = Enumerable.Repeat(0L, 9).Concat(Enumerable.Repeat(1L, 4)).ToArray();
        Assert.Equal(5.0 / 13, InterpretabilityMetrics.GreedyAccuracy(truth, pred), 9);
        Assert.Equal(8.0 / 13, ClusterMetrics.Accuracy(truth, pred), 9);
        Assert.Equal(0.3846, InterpretabilityMetrics.GreedyAccuracy(truth, pred), 4);
    }

    [Fact]
    public void GreedyEqualsHungarianWhenMajoritiesAreDistinct()
    {
        var truth = new long[] { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
        var pred = new long[] { 2, 2, 1, 0, 0, 0, 1, 1, 2 };
        Assert.Equal(ClusterMetrics.Accuracy(truth, pred), InterpretabilityMetrics.GreedyAccuracy(truth, pred), 12);
    }

    [Fact]
    public void UniquenessFixture()
    {
        var x = tensor(new double[,] { { 0, 0 }, { 1, 0 }, { 5, 0 } });
        var w = tensor(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 1 } });
        Assert.Equal(0.942809, InterpretabilityMetrics.UniquenessCode(x, w), 6);
        Assert.Equal(0.0, InterpretabilityMetrics.UniquenessPaper(x, w, eps: 5), 12);   // pair (1,2): same w
        Assert.Equal(Math.Sqrt(2), InterpretabilityMetrics.UniquenessPaper(x, w, eps: 1), 12);
    }

    [Fact]
    public void UniquenessIsExactBeyondTwentyFiveRows()
    {
        // w = 3x: every pair's ratio is exactly 3. torch's default cdist (‖a‖² + ‖b‖² − 2ab above 25 rows) left self
        // distances at rounding noise, which made the nearest "neighbour" the row itself and the ratio noise / noise.
        var g = Compute.Seeds.Generator(2);
        var x = rand(new long[] { 60, 40 }, dtype: float64, generator: g) * 5 + 100;
        Assert.Equal(3.0, InterpretabilityMetrics.UniquenessCode(x, 3 * x), 1e-9);
        Assert.Equal(3.0, InterpretabilityMetrics.UniquenessPaper(x, 3 * x, eps: 1e9), 1e-9);
        // a duplicated row is skipped, not a zero-distance neighbour
        var dup = cat(new[] { x, x[..1] }, 0);
        Assert.Equal(3.0, InterpretabilityMetrics.UniquenessCode(dup, 3 * dup), 1e-9);
    }

    [Fact]
    public void DiversityFixture()
    {
        // S₀ = {1, 2}, S₁ = {2, 3} over features 0…3, as medians of gate values.
        var gates = tensor(new double[,] { { 0, 1, 1, 0 }, { 0, 0.5, 0.2, 0 }, { 0, 0, 1, 1 }, { 0, 0, 0.3, 0.4 } });
        var s = InterpretabilityMetrics.ClusterSupports(gates, new long[] { 0, 0, 1, 1 }, 2);
        Assert.Equal(new[] { false, true, true, false }, s[0]);
        Assert.Equal(new[] { false, false, true, true }, s[1]);
        Assert.Equal(66.666667, InterpretabilityMetrics.DiversityPaper(s), 5);
        Assert.Equal(-33.333333, InterpretabilityMetrics.DiversityCode(s), 5);
        // Disjoint supports: paper 100, code 100(1 − 1/(K − 1)).
        var disjoint = Enumerable.Range(0, 10).Select(c => Enumerable.Range(0, 10).Select(d => d == c).ToArray()).ToArray();
        Assert.Equal(100.0, InterpretabilityMetrics.DiversityPaper(disjoint), 9);
        Assert.Equal(88.888889, InterpretabilityMetrics.DiversityCode(disjoint), 5);
    }

    [Fact]
    public void GateRecoveryReferences()
    {
        // Synthetic: 13 features, support {x1, x2} or {x1, x3}.
        var support = zeros(new long[] { 4, 13 }, dtype: ScalarType.Bool);
        support[.., 0] = true; support[..2, 1] = true; support[2.., 2] = true;
        Assert.Equal(0.267, InterpretabilityMetrics.Recovery(ones(4, 13), support).MacroF1, 3);
        var three = zeros(4, 13); three[.., ..3] = 1;
        var r = InterpretabilityMetrics.Recovery(three, support);
        Assert.Equal(0.8, r.MacroF1, 9);
        Assert.Equal(0.8, r.MicroF1, 9);
        Assert.Equal(1.0, r.MicroRecall, 9);
    }

    [Fact]
    public void FaithfulnessDropsWhenTheImportantFeatureGoes()
    {
        // Cluster = sign of feature 0; gates open feature 0 everywhere and feature 1 on half the rows.
        var gen = new TorchSharp.torch.Generator(3);
        var x = randn(new long[] { 200, 4 }, dtype: ScalarType.Float64, generator: gen);
        var truth = x[.., 0].gt(0).to(ScalarType.Int64).data<long>().ToArray();
        var gates = zeros(200, 4); gates[.., 0] = 1; gates[..100, 1] = 1; gates[..20, 2] = 1;
        var f = InterpretabilityMetrics.Faithfulness(x, gates, xs => xs[.., 0].gt(0).to(ScalarType.Int64), truth);
        Assert.Equal(new[] { 0, 1, 2 }, f.Order);
        Assert.Equal(new[] { 200.0, 100, 20 }, f.Importance);
        Assert.True(f.Accuracy.All(a => a < 0.75), string.Join(" ", f.Accuracy));        // feature 0 is removed first: ACC falls to the larger class share
        Assert.Equal(3, f.RandomAccuracy.Length);
    }
}
