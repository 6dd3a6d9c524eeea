using Workbench.Compute;
using Workbench.Gating;
using static TorchSharp.torch;

namespace Workbench.Tests.Gating;

/// <summary>IDC §3 Eqs. (2)–(3) and the code's constants: the digest's worked numbers (§6.1).</summary>
public class StochasticGatesTests
{
    static readonly double[] Mu = { -1, -0.5, 0, 0.5 };

    [Fact]
    public void PaperRegulariserEqualsDigestValueAndMonteCarloOpenCount()
    {
        var mu = tensor(Mu);
        Assert.Equal(2.477250, StochasticGates.Regulariser(mu, GateConvention.Paper).item<double>(), 6);
        // Monte-Carlo: 10⁶ draws of each gate, count z > 0, sum over the four features.
        var big = mu.unsqueeze(0).expand(1_000_000, 4);
        var z = StochasticGates.Sample(big, StochasticGates.PaperSigma, Seeds.Generator(1));
        Assert.True(z.min().item<double>() >= 0 && z.max().item<double>() <= 1);
        double open = z.gt(0).to(ScalarType.Float64).mean(new long[] { 0 }).sum().item<double>();
        Assert.InRange(open, 2.477250 - 0.003, 2.477250 + 0.003);
    }

    [Fact]
    public void CodeConventionRegularisesPhiOfHalfButOpensPhiOfTwo()
    {
        // μ = 0: the code's regulariser is Φ(0.5) while the gate (noise std 0.25) is open with probability Φ(2).
        var mu = zeros(1000, 100, dtype: ScalarType.Float64);
        Assert.Equal(0.691462, StochasticGates.Regulariser(mu, GateConvention.Code).item<double>(), 6);
        var z = StochasticGates.Sample(mu, StochasticGates.NoiseStd(GateConvention.Code), Seeds.Generator(2));
        Assert.InRange(z.gt(0).to(ScalarType.Float64).mean().item<double>(), 0.977250 - 0.003, 0.977250 + 0.003);
    }

    [Fact]
    public void SigmaToZeroLimit()
    {
        var mu = tensor(new[] { -0.9, -0.6, -0.4, 0.2, 0.7 });
        var z = StochasticGates.Sample(mu, 1e-9, Seeds.Generator(3));
        Assert.True(z.allclose(StochasticGates.Deterministic(mu), atol: 1e-8));
        Assert.Equal(new[] { 0.0, 0.0, 0.1, 0.7, 1.0 }, StochasticGates.Deterministic(mu).data<double>().Select(v => Math.Round(v, 12)).ToArray());
        // Φ((μ + 0.5)/σ) → 1[μ > −0.5]: the expected open count tends to the count of μ above −0.5.
        Assert.Equal(3.0, StochasticGates.Regulariser(mu, GateConvention.Paper, sigma: 1e-6).item<double>(), 9);
    }

    [Fact]
    public void RegulariserGradientIsTheGaussianDensity()
    {
        double sigma = 0.5;
        var mu = tensor(Mu, requires_grad: true);
        StochasticGates.Regulariser(mu, GateConvention.Paper, sigma).backward();
        var expected = Mu.Select(m => Math.Exp(-0.5 * Math.Pow((m + 0.5) / sigma, 2)) / Math.Sqrt(2 * Math.PI) / sigma).ToArray();
        var grad = mu.grad!.data<double>().ToArray();
        for (int i = 0; i < Mu.Length; i++) Assert.Equal(expected[i], grad[i], 10);
    }

    [Fact]
    public void CosineRampGoesFromZeroToLambda()
    {
        Assert.Equal(0.0, StochasticGates.Ramp(10, 10, 30, 2.0));
        Assert.Equal(1.0, StochasticGates.Ramp(20, 10, 30, 2.0), 12);
        Assert.Equal(2.0, StochasticGates.Ramp(30, 10, 30, 2.0), 12);
        Assert.Equal(2.0, StochasticGates.Ramp(40, 10, 30, 2.0));
        Assert.True(StochasticGates.Ramp(15, 10, 30, 2.0) < StochasticGates.Ramp(16, 10, 30, 2.0));
    }
}
