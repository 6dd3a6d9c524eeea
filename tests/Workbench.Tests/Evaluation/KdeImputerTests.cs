using TorchSharp;
using Workbench.Compute;
using Workbench.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>NEON App. G: the leave-one-out bandwidth (Eqs. 40–42) and the conditional sampler (Eqs. 43–44).</summary>
public class KdeImputerTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(3, 2.5)]
    [InlineData(13, 0.3)]
    public void TwoPointsGiveSquaredDistanceOverD(int d, double dist)
    {
        var x = zeros(2, d, dtype: float64);
        x[1, 0] = dist;
        var (sigma, _) = KdeImputer.Bandwidth(x);
        Assert.Equal(dist * dist / d, sigma * sigma, 12);
    }

    [Fact]
    public void RegularSimplexGivesSquaredDistanceOverD()
    {
        // 4 corners of a regular simplex (scaled unit vectors): every pairwise squared distance is 2s², so σ² = 2s²/d.
        const double s = 1.7; const int d = 4;
        var x = eye(d, dtype: float64) * s;
        var (sigma, _) = KdeImputer.Bandwidth(x);
        Assert.Equal(2 * s * s / d, sigma * sigma, 12);
    }

    [Fact]
    public void FixedPointIsTheLeaveOneOutMinimum()
    {
        var g = Seeds.Generator(21);
        var mu = randn(new long[] { 4, 5 }, dtype: float64, generator: g) * 3;
        var x = mu.index_select(0, randint(4, new long[] { 120 }, generator: g)) + randn(new long[] { 120, 5 }, dtype: float64, generator: g);
        var (sigma, iters) = KdeImputer.Bandwidth(x);
        Assert.True(iters < 1000);
        // brute force on a log grid over two decades
        var grid = Enumerable.Range(0, 4001).Select(i => sigma * Math.Pow(10, -1 + i / 2000.0)).ToArray();
        var best = grid.MinBy(s => KdeImputer.LeaveOneOutLoss(x, s));
        Assert.InRange(best / sigma, 1 - 2e-3, 1 + 2e-3);
        // ∂ℒ/∂σ ≈ 0 at the fixed point (central difference, relative to the loss scale)
        double h = 1e-5 * sigma;
        double grad = (KdeImputer.LeaveOneOutLoss(x, sigma + h) - KdeImputer.LeaveOneOutLoss(x, sigma - h)) / (2 * h);
        double slope = (KdeImputer.LeaveOneOutLoss(x, 1.1 * sigma) - KdeImputer.LeaveOneOutLoss(x, sigma)) / (0.1 * sigma);
        Assert.True(slope > 0);
        Assert.True(Math.Abs(grad) < 1e-4 * slope, $"dL/dσ = {grad} at the fixed point; secant slope over +10%: {slope}");
    }

    [Fact]
    public void WeightsAreUniformWithNothingGiven()
    {
        var kde = new KdeImputer(randn(new long[] { 10, 3 }, dtype: float64, generator: Seeds.Generator(1)));
        var a = kde.Weights(zeros(2, 10, dtype: float64));
        Assert.True(a.allclose(full(2, 10, 0.1, dtype: float64)));
    }

    [Fact]
    public void SamplerMomentsMatchAlpha()
    {
        var data = randn(new long[] { 8, 3 }, dtype: float64, generator: Seeds.Generator(31)) * 2;
        var kde = new KdeImputer(data, sigma: 0.7);
        var z = tensor(new double[] { 0.3, -0.2, 0.5 }).reshape(1, 3);
        var given = tensor(new[] { true, false, false }).reshape(1, 3);
        const int m = 200_000;
        var draws = kde.SampleConditional(z.expand(m, 3), given.expand(m, 3), Seeds.Generator(32));
        // α_n ∝ exp(−(z_0 − x_n0)²/(2σ²)) by hand
        var d0 = (data[.., 0] - 0.3).pow(2);
        var alpha = softmax(-d0 / (2 * 0.49), 0);
        var mean = (alpha.unsqueeze(1) * data[.., 1..]).sum(new long[] { 0 });
        var varA = (alpha.unsqueeze(1) * (data[.., 1..] - mean).pow(2)).sum(new long[] { 0 }) + 0.49;
        var emean = draws[.., 1..].mean(new long[] { 0 }); var evar = draws[.., 1..].var(new long[] { 0 });
        for (int i = 0; i < 2; i++)
        {
            double se = Math.Sqrt(varA[i].ToDouble() / m);
            Assert.InRange(emean[i].ToDouble(), mean[i].ToDouble() - 5 * se, mean[i].ToDouble() + 5 * se);
            Assert.InRange(evar[i].ToDouble() / varA[i].ToDouble(), 0.98, 1.02);
        }
        Assert.True(draws[.., 0].eq(0.3).all().ToBoolean());   // the given feature is z's
        // component frequencies match α
        var idx = KdeImputer.SampleIndices(alpha.unsqueeze(0).expand(m, 8), Seeds.Generator(33));
        var freq = bincount(idx, minlength: 8).to_type(float64) / m;
        Assert.True((freq - alpha).abs().max().ToDouble() < 5 * Math.Sqrt(0.25 / m));
    }

    [Fact]
    public void TinySigmaWithAllButOneGivenDrawsFromOwnRow()
    {
        var data = randn(new long[] { 40, 4 }, dtype: float64, generator: Seeds.Generator(41));
        var kde = new KdeImputer(data, sigma: 1e-4);
        var given = ones(40, 4, dtype: @bool); given[.., 2] = false;
        var draws = kde.SampleConditional(data, given, Seeds.Generator(42));
        Assert.True(draws.allclose(data, atol: 1e-3));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => KdeImputer.Bandwidth(zeros(1, 3, dtype: float64)));
        Assert.Throws<ArgumentException>(() => KdeImputer.Bandwidth(zeros(5, 3, dtype: float64)));
        Assert.Throws<ArgumentException>(() => new KdeImputer(zeros(5, 3, dtype: float64), sigma: -1));
    }
}
