using TorchSharp;
using Workbench.Explanation;
using static TorchSharp.torch;

namespace Workbench.Tests.Explanation;

/// <summary>Antithetic permutation sampling of Shapley values with a background (<see cref="SampledShapley"/>).</summary>
public class SampledShapleyTests
{
    static double[] Row(Tensor t, long i) => t[i].to(float64).data<double>().ToArray();

    /// <summary>Additive terms a_i sin(x_i) plus every pairwise interaction B_ij x_i x_j: no interaction of order three.</summary>
    static Func<Tensor, Tensor> Pairwise(Tensor a, Tensor b) => z =>
    {
        var zd = z.to(float64);
        return zd.sin().matmul(a) + (zd.matmul(b.triu(1)) * zd).sum(1);
    };

    static Tensor Nonlinear(Tensor z) { var zd = z.to(float64); return (zd[.., 0] * zd[.., 1] * zd[.., 2]).sin() + zd.pow(2).sum(1).sqrt() + zd.amax(new long[] { 1 }); }

    [Theory]
    [InlineData(1L, 5, 1)]
    [InlineData(2L, 7, 3)]
    public void PairwiseModelsAreExactForAnyNumberOfPairs(long seed, int d, int pairs)
    {
        var g = Compute.Seeds.Generator(seed);
        var a = randn(new long[] { d }, dtype: float64, generator: g); var b = randn(new long[] { d, d }, dtype: float64, generator: g);
        var x = randn(new long[] { 6, d }, generator: g); var r = randn(new long[] { 1, d }, generator: g);   // float32 points
        var f = Pairwise(a, b);
        var est = SampledShapley.Estimate((z, _) => f(z), x, r, pairs, seed: 5);
        for (long i = 0; i < 6; i++)
        {
            var exact = Shapley.Exact(f, x[i].to(float64), r[0].to(float64));
            var got = Row(est.Values, i);
            for (int j = 0; j < d; j++) Assert.Equal(exact.Values[j], got[j], 1e-9);
        }
    }

    [Fact]
    public void EfficiencyIsExactAndTheEstimateConvergesToExactShapley()
    {
        var g = Compute.Seeds.Generator(3);
        int d = 6;
        var x = randn(new long[] { 4, d }, generator: g); var r = randn(new long[] { 1, d }, generator: g);
        var est = SampledShapley.Estimate((z, _) => Nonlinear(z), x, r, pairs: 3000, seed: 7);
        var gap = est.Fx - est.FReference;
        var sums = est.Values.sum(new long[] { 1 });
        Assert.True((sums - gap).abs().max().item<double>() < 1e-9, "Σφ = f(x) − f(r) must hold exactly");
        Assert.True((est.Fx - Nonlinear(x)).abs().max().item<double>() < 1e-12);
        Assert.True((est.FReference - Nonlinear(r).expand(4)).abs().max().item<double>() < 1e-12);
        for (long i = 0; i < 4; i++)
        {
            var exact = Shapley.Exact(Nonlinear, x[i].to(float64), r[0].to(float64)).Values;
            var got = Row(est.Values, i); var se = Row(est.StandardErrors, i);
            for (int j = 0; j < d; j++)
            {
                Assert.True(se[j] > 0 || Math.Abs(got[j] - exact[j]) < 1e-9);
                Assert.True(Math.Abs(got[j] - exact[j]) < 5 * se[j] + 1e-9, $"point {i}, feature {j}: {got[j]} ± {se[j]} vs {exact[j]}");
            }
        }
    }

    [Fact]
    public void BackgroundEstimateIsEfficientAgainstTheDrawnReferences()
    {
        var g = Compute.Seeds.Generator(4);
        int d = 5;
        var x = randn(new long[] { 3, d }, generator: g); var bg = randn(new long[] { 20, d }, generator: g);
        var est = SampledShapley.Estimate((z, _) => Nonlinear(z), x, bg, pairs: 40, seed: 1);
        Assert.True((est.Values.sum(new long[] { 1 }) - (est.Fx - est.FReference)).abs().max().item<double>() < 1e-9);
        // the references really are drawn from the background: f(reference) averages over several rows, so it is not one row's value
        var fBg = Nonlinear(bg);
        Assert.True(est.FReference.ge(fBg.min()).all().item<bool>() && est.FReference.le(fBg.max()).all().item<bool>());
        Assert.Equal(3, est.FReference.data<double>().Distinct().Count());
        // interventional Shapley of an additive model with a background: φ_i = a_i (sin x_i − mean of sin over the drawn rows)
        var a = randn(new long[] { d }, dtype: float64, generator: g);
        var add = SampledShapley.Estimate((z, _) => z.to(float64).sin().matmul(a), x, bg[..1], pairs: 2, seed: 1);
        var expected = (x.to(float64).sin() - bg[..1].to(float64).sin()) * a;
        Assert.True((add.Values - expected).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void GroupsAreThePlayersOfTheGame()
    {
        var g = Compute.Seeds.Generator(6);
        int d = 7;
        var groups = new long[] { 0, 0, 1, 2, 2, 2, 1 };
        var a = randn(new long[] { d }, dtype: float64, generator: g); var b = randn(new long[] { d, d }, dtype: float64, generator: g);
        var x = randn(new long[] { 2, d }, generator: g); var r = randn(new long[] { 1, d }, generator: g);
        var f = Pairwise(a, b);
        var est = SampledShapley.Estimate((z, _) => f(z), x, r, pairs: 2, seed: 2, groups: groups);
        Assert.Equal(new long[] { 2, 3 }, est.Values.shape);
        var gid = tensor(groups);
        for (long i = 0; i < 2; i++)
        {
            var xi = x[i].to(float64); var ri = r[0].to(float64);
            // the game over groups: u ∈ {0,1}^3 switches whole groups from r to x
            Tensor h(Tensor u) => f(where(u.index_select(1, gid).gt(0.5), xi.unsqueeze(0), ri.unsqueeze(0)));
            var exact = Shapley.Exact(h, ones(3, dtype: float64), zeros(3, dtype: float64)).Values;
            var got = Row(est.Values, i);
            for (int k = 0; k < 3; k++) Assert.Equal(exact[k], got[k], 1e-9);
            var perFeature = Row(est.FeatureValues, i);
            Assert.Equal(got[0] / 2, perFeature[0], 1e-12);
            Assert.Equal(got[2] / 3, perFeature[5], 1e-12);
            Assert.Equal(got.Sum(), perFeature.Sum(), 1e-9);
        }
    }

    [Fact]
    public void SeededAndIndependentOfTheBatchSize()
    {
        var g = Compute.Seeds.Generator(8);
        var x = randn(new long[] { 9, 6 }, generator: g); var bg = randn(new long[] { 5, 6 }, generator: g);
        var one = SampledShapley.Estimate((z, _) => Nonlinear(z), x, bg, pairs: 3, seed: 11, batchSize: 7);
        var two = SampledShapley.Estimate((z, _) => Nonlinear(z), x, bg, pairs: 3, seed: 11, batchSize: 4096);
        Assert.True((one.Values - two.Values).abs().max().item<double>() < 1e-12);
        var other = SampledShapley.Estimate((z, _) => Nonlinear(z), x, bg, pairs: 3, seed: 12);
        Assert.True((one.Values - other.Values).abs().max().item<double>() > 1e-6);
        Assert.Equal(9L * 3 * 2 * 7, one.Evaluations);
    }

    [Fact]
    public void RowsTellFWhichPointIsExplained()
    {
        var x = tensor(new float[] { 1, 2, 3, 4 }).view(2, 2);
        var w = tensor(new double[] { 1, 10 });
        // f depends on the explained row: f(z; n) = w_n · Σ z
        var est = SampledShapley.Estimate((z, rows) => z.to(float64).sum(1) * w.index_select(0, rows), x, zeros(1, 2), pairs: 1, seed: 0);
        Assert.Equal(new[] { 1.0, 2.0 }, Row(est.Values, 0));
        Assert.Equal(new[] { 30.0, 40.0 }, Row(est.Values, 1));
    }

    [Fact]
    public void PatchesCoverTheImage()
    {
        var p = SampledShapley.ImagePatches(28, 28, 4);
        Assert.Equal(784, p.Length);
        Assert.Equal(49, p.Distinct().Count());
        Assert.All(p.GroupBy(v => v), grp => Assert.Equal(16, grp.Count()));
        Assert.Equal(0, p[3]); Assert.Equal(1, p[4]); Assert.Equal(7, p[4 * 28]);
        Assert.Equal(9, SampledShapley.ImagePatches(5, 5, 2).Distinct().Count());
    }

    [Fact]
    public void BadInputIsRefused()
    {
        var x = zeros(2, 3);
        Func<Tensor, Tensor, Tensor> f = (z, _) => z.sum(1);
        Assert.Contains("[N,D]", Assert.Throws<ArgumentException>(() => SampledShapley.Estimate(f, zeros(3), zeros(1, 3), 1, 0)).Message);
        Assert.Contains("background", Assert.Throws<ArgumentException>(() => SampledShapley.Estimate(f, x, zeros(1, 4), 1, 0)).Message);
        Assert.Contains("pairs", Assert.Throws<ArgumentException>(() => SampledShapley.Estimate(f, x, zeros(1, 3), 0, 0)).Message);
        var nan = x.clone(); nan[0, 0] = float.NaN;
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => SampledShapley.Estimate(f, nan, zeros(1, 3), 1, 0)).Message);
        Assert.Contains("groups", Assert.Throws<ArgumentException>(() => SampledShapley.Estimate(f, x, zeros(1, 3), 1, 0, groups: new long[] { 0, 2, 2 })).Message);
        Assert.Contains("[B]", Assert.Throws<ArgumentException>(() => SampledShapley.Estimate((z, _) => z, x, zeros(1, 3), 1, 0)).Message);
    }
}
