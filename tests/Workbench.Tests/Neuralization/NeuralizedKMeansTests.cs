using TorchSharp;
using Workbench.Neuralization;
using Workbench.Propagation;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Neuralization;

/// <summary>Prop. 1 and the propagation rules Eqs. (2)–(4) on many random instances.</summary>
public class NeuralizedKMeansTests
{
    public static IEnumerable<object[]> Instances()
    {
        int[] dims = { 1, 2, 3, 7, 16 }; int[] ks = { 2, 3, 5, 9 };
        long seed = 100;
        foreach (var d in dims) foreach (var k in ks) yield return new object[] { seed++, d, k };
    }

    [Theory, MemberData(nameof(Instances))]
    public void Prop1NetworkDecidesExactlyAsKMeansAndFIsTheDistanceGap(long seed, int d, int k)
    {
        var (x, mu) = Instance(seed, 200, d, k);
        var net = new NeuralizedKMeans(mu);
        var dist = (x.unsqueeze(1) - mu.unsqueeze(0)).pow(2).sum(2);        // direct ‖x − μ_k‖², [N,K]
        var assigned = Longs(dist.argmin(1));
        Assert.Equal(assigned, Longs(net.Predict(x)));
        for (int c = 0; c < k; c++)
        {
            var f = Vec(net.F(x, tensor((long)c)));
            var dd = dist.cpu().data<double>().ToArray();
            for (int n = 0; n < 200; n++)
            {
                double own = dd[n * k + c], min = double.PositiveInfinity;
                for (int j = 0; j < k; j++) if (j != c) min = Math.Min(min, dd[n * k + j]);
                double closed = min - own;                                       // Prop. 1 proof, last line
                Assert.True(Math.Abs(f[n] - closed) < 1e-9 * (1 + Math.Abs(closed)), $"f_c {f[n]} vs {closed}");
                Assert.Equal(assigned[n] == c, f[n] > 0);
            }
        }
    }

    [Theory, MemberData(nameof(Instances))]
    public void ExplicitLayer1EqualsBatchedLayer1(long seed, int d, int k)
    {
        var (x, mu) = Instance(seed, 50, d, k);
        var net = new NeuralizedKMeans(mu);
        for (int c = 0; c < k; c++)
        {
            var layer = net.Layer1(c);
            var explicitH = x.matmul(layer.Weight.T) + layer.Bias;                // h_k = w_kᵀx + b_k
            var batched = net.Layer1Forward(x, full(50, (long)c));
            Assert.True(MaxAbs(explicitH - batched) < 1e-10);
            Assert.False(layer.Competitors[c].item<bool>());
            // layer 1 vanishes at the midpoints m_k = (μ_c + μ_k)/2
            for (int j = 0; j < k; j++) if (j != c)
                Assert.True(Math.Abs((layer.Weight[j].dot((mu[c] + mu[j]) / 2) + layer.Bias[j]).item<double>()) < 1e-10);
        }
    }

    [Theory, MemberData(nameof(Instances))]
    public void ConservationAndLiteralEquations2And4(long seed, int d, int k)
    {
        var (x, mu) = Instance(seed, 120, d, k);
        var net = new NeuralizedKMeans(mu);
        double betaAuto = Stiffness.Heuristic(net.F(x));
        foreach (var beta in new[] { 0.0, 0.3, betaAuto, 5.0, double.PositiveInfinity })
        {
            using var e = net.Explain(x, beta);
            Assert.True(MaxAbs(e.Relevance.sum(1) - e.F) < 1e-9, $"Σ_i R_i ≠ f_c at β = {beta}");  // conservation
            Assert.True(MaxAbs(e.NeuronRelevance.sum(1) - e.F) < 1e-9);
            // literal per-point Eqs. (2) and (4)
            var c = Longs(e.Clusters); var f = Vec(e.F);
            var muA = mu.cpu().data<double>().ToArray();
            for (int n = 0; n < 120; n += 7)
            {
                var xn = Row(x, n);
                var h = new double[k]; var w = new double[k, d]; var m = new double[k, d];
                for (int j = 0; j < k; j++)
                {
                    double dot = 0;
                    for (int i = 0; i < d; i++)
                    {
                        w[j, i] = 2 * (muA[c[n] * d + i] - muA[j * d + i]);
                        m[j, i] = (muA[c[n] * d + i] + muA[j * d + i]) / 2;
                        dot += w[j, i] * (xn[i] - m[j, i]);
                    }
                    h[j] = dot;
                }
                var rk = new double[k];
                double hmin = Enumerable.Range(0, k).Where(j => j != c[n]).Min(j => h[j]);
                if (double.IsPositiveInfinity(beta))
                    rk[Enumerable.Range(0, k).Where(j => j != c[n]).First(j => h[j] == hmin)] = f[n];
                else
                {
                    double z = Enumerable.Range(0, k).Where(j => j != c[n]).Sum(j => Math.Exp(-beta * (h[j] - hmin)));
                    for (int j = 0; j < k; j++) if (j != c[n]) rk[j] = Math.Exp(-beta * (h[j] - hmin)) / z * f[n];
                }
                var expected = Tests.Propagation.MidpointReference.Relevance(xn, w, m, rk);
                var got = Row(e.Relevance, n);
                for (int i = 0; i < d; i++) Assert.True(Math.Abs(expected[i] - got[i]) < 1e-9 * (1 + Math.Abs(expected[i])));
                var gotRk = Row(e.NeuronRelevance, n);
                for (int j = 0; j < k; j++) Assert.True(Math.Abs(rk[j] - gotRk[j]) < 1e-9 * (1 + Math.Abs(rk[j])));
            }
        }
    }

    [Theory]
    [InlineData(1L, 3, 4)]
    [InlineData(2L, 8, 6)]
    [InlineData(3L, 1, 3)]
    public void InvariantToTranslatingDataAndCentroidsTogether(long seed, int d, int k)
    {
        var (x, mu) = Instance(seed, 150, d, k);
        var t = randn(d, dtype: float64, generator: Compute.Seeds.Generator(seed + 1)) * 5;
        using var a = new NeuralizedKMeans(mu).Explain(x, 0.7);
        using var b = new NeuralizedKMeans(mu + t).Explain(x + t, 0.7);
        Assert.Equal(Longs(a.Clusters), Longs(b.Clusters));
        Assert.True(MaxAbs(a.F - b.F) < 1e-9);
        Assert.True(MaxAbs(a.Relevance - b.Relevance) < 1e-9);
    }

    [Fact]
    public void BetaZeroSplitsUniformlyAndLargeBetaGivesTheNearestCompetitor()
    {
        var (x, mu) = Instance(9, 300, 4, 6);
        var net = new NeuralizedKMeans(mu);
        using var uni = net.Explain(x, 0);
        var expected = (uni.F / 5).unsqueeze(1).expand(300, 6);
        var comp = arange(6).unsqueeze(0).ne(uni.Clusters.unsqueeze(1));
        Assert.True(MaxAbs((uni.NeuronRelevance - expected).masked_fill(comp.logical_not(), 0)) < 1e-12);
        using var fw = net.Forward(x);
        var nearest = fw.H.masked_fill(fw.Competitors.logical_not(), double.PositiveInfinity).argmin(1);
        using var all = net.Explain(x, double.PositiveInfinity);
        using var stiff = net.Explain(x, 1e6);
        var oneHot = zeros(300, 6, dtype: float64).scatter_(1, nearest.unsqueeze(1), ones(300, 6, dtype: float64)) * fw.F.unsqueeze(1);
        Assert.True(MaxAbs(all.NeuronRelevance - oneHot) < 1e-12);
        Assert.True(MaxAbs(all.Relevance - stiff.Relevance) < 1e-6 * (1 + MaxAbs(all.Relevance)));
    }

    [Fact]
    public void ExplanationIsContinuousWhenTheNearestCompetitorChanges()
    {
        // three centroids in 2-D; walk inside cluster 0 across the line where competitors 1 and 2 are equally near
        var mu = tensor(new double[,] { { 0, 0 }, { 4, 1 }, { 3.5, -2 } });
        var net = new NeuralizedKMeans(mu);
        int steps = 2001;
        var ys = linspace(-0.5, 0.5, steps, dtype: float64);
        var x = stack(new[] { full(steps, 1.0, dtype: float64), ys }, 1);
        using var soft = net.Explain(x, 2.0, tensor(0L));
        using var hard = net.Explain(x, double.PositiveInfinity, tensor(0L));
        var jumpSoft = MaxAbs(soft.Relevance[1..] - soft.Relevance[..^1]);
        var jumpHard = MaxAbs(hard.Relevance[1..] - hard.Relevance[..^1]);
        double dy = 1.0 / (steps - 1);
        Assert.True(jumpSoft < 100 * dy, $"largest step {jumpSoft} for a path step {dy}");   // Lipschitz-small steps
        Assert.True(jumpHard > 0.5, $"min-take-all should jump at the switch; largest step {jumpHard}");
        // the competitor with the larger share changes along the path
        Assert.NotEqual(soft.NeuronRelevance[0, 1].item<double>() > soft.NeuronRelevance[0, 2].item<double>(),
                        soft.NeuronRelevance[steps - 1, 1].item<double>() > soft.NeuronRelevance[steps - 1, 2].item<double>());
    }

    [Fact]
    public void Float32ExplanationsAgreeWithFloat64()
    {
        var (x, mu) = Instance(12, 500, 10, 5);
        using var e64 = new NeuralizedKMeans(mu).Explain(x, 0.5);
        using var e32 = new NeuralizedKMeans(mu.to_type(float32)).Explain(x.to_type(float32), 0.5);
        Assert.Equal(ScalarType.Float32, e32.Relevance.dtype);
        Assert.Equal(Longs(e64.Clusters), Longs(e32.Clusters));
        Assert.True(MaxAbs(e64.Relevance - e32.Relevance.to_type(float64)) < 1e-3 * (1 + MaxAbs(e64.Relevance)));
    }

    [Fact]
    public void BetaHeuristicIsTheInverseMeanOutput()
    {
        var (x, mu) = Instance(13, 100, 3, 4);
        var f = new NeuralizedKMeans(mu).F(x);
        Assert.Equal(1.0 / f.mean().item<double>(), Stiffness.Heuristic(f), 1e-12);
        Assert.Throws<ArgumentException>(() => Stiffness.Heuristic(-f));
    }
}
