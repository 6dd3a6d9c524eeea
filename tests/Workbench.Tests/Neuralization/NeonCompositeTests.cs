using TorchSharp;
using Workbench.Neuralization;
using Workbench.Propagation;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Neuralization;

/// <summary>Rules apart from the models: <see cref="NeonComposite"/> binds the pool and first-layer rules of the shallow NEON networks.</summary>
public class NeonCompositeTests
{
    [Theory]
    [InlineData(11L, 3, 4, 1e-6)]
    [InlineData(12L, 7, 2, 0.5)]
    [InlineData(13L, 1, 5, 1e-3)]
    public void EpsilonInLayerOneIsLiteralLrpEpsilonOnTheDetectionNeurons(long seed, int d, int k, double eps)
    {
        var (x, mu) = Instance(seed, 40, d, k);
        var net = new NeuralizedKMeans(mu);
        using var e = net.Explain(x, NeonComposite.Default(0.7) with { Detection = new EpsilonDetection(eps) });
        using var mid = net.Explain(x, 0.7);
        Assert.True(MaxAbs(e.NeuronRelevance - mid.NeuronRelevance) < 1e-12);       // only layer 1 changed
        var c = Longs(e.Clusters);
        for (int n = 0; n < 40; n++)
        {
            var layer = net.Layer1((int)c[n]);
            var xn = Row(x, n); var rk = Row(e.NeuronRelevance, n);
            var h = Vec(layer.Weight.matmul(x[n]) + layer.Bias);
            var expected = new double[d];
            for (int j = 0; j < k; j++)
            {
                if (j == c[n]) continue;
                var wj = Row(layer.Weight, j);
                double z = h[j] + (h[j] >= 0 ? eps : -eps);                              // zennit's stabilizer, sign(0) = +1
                for (int i = 0; i < d; i++) expected[i] += xn[i] * wj[i] / z * rk[j];      // R_i = Σ_k x_i w_ik / (h_k + ε sign h_k) · R_k
            }
            var got = Row(e.Relevance, n);
            for (int i = 0; i < d; i++)
                Assert.True(Math.Abs(got[i] - expected[i]) < 1e-9 * (1 + Math.Abs(expected[i])), $"point {n} feature {i}: {got[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [InlineData(21L, 3, 4, 2.0, 0.3)]
    [InlineData(22L, 5, 3, 0.5, 0.8)]
    public void AbsoluteSoftModelWithoutDissipationConservesFc(long seed, int d, int k, double tau, double theta)
    {
        var (x, mu) = Instance(seed, 60, d, k);
        var net = new NeuralizedSoftKMeans(mu, tau, theta);
        using var kept = net.Explain(x, NeonComposite.Default(1.0) with { Dissipate = false });
        using var dissipated = net.Explain(x, 1.0);
        // without §IV's R_k ← R_k·h_k/f_c the pool hands on all of f_c and Eq. (4) conserves it: Σ_i R_i = f_c
        Assert.True(MaxAbs(kept.Relevance.sum(1) - kept.F) < 1e-8 * (1 + MaxAbs(kept.F)));
        // with it, what reaches the input is Σ_k R_k h_k / f_c, which differs from f_c
        Assert.True(MaxAbs(dissipated.Relevance.sum(1) - kept.F) > 1e-6);
    }

    [Fact]
    public void TopRuleIsAnObjectAndTheHeuristicIsResolvedByTheModel()
    {
        var (x, mu) = Instance(31, 50, 4, 3);
        var net = new NeuralizedKMeans(mu);
        using var all = net.Explain(x, NeonComposite.Default() with { Competitors = new MinTakeMostRule(double.PositiveInfinity) });
        using var byBeta = net.Explain(x, double.PositiveInfinity);
        Assert.Equal(0.0, MaxAbs(all.Relevance - byBeta.Relevance));
        using var heuristic = net.Explain(x, NeonComposite.Default());
        using var explicitBeta = net.Explain(x, Stiffness.Heuristic(net.F(x)));
        Assert.True(MaxAbs(heuristic.Relevance - explicitBeta.Relevance) < 1e-12);
        // min-take-all puts each point's relevance on one competitor; the heuristic spreads it
        Assert.Equal(Vec(all.NeuronRelevance.ne(0).sum(1)).Distinct(), new[] { 1.0 });
        Assert.Throws<InvalidOperationException>(() => new MinTakeMostRule().Weights(x, x.gt(0)));
    }
}
