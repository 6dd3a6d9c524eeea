using TorchSharp;
using Workbench.Neuralization;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Neuralization;

/// <summary>App. E (soft k-means, relative and absolute) and Props. 6–7 (deep soft clustering on top of Ψ).</summary>
public class SoftClusteringTests
{
    public static IEnumerable<object[]> Instances()
    {
        long seed = 300;
        foreach (var d in new[] { 1, 3, 8 }) foreach (var k in new[] { 2, 4, 7 }) foreach (var tau in new[] { 0.1, 1.0 })
            yield return new object[] { seed++, d, k, tau };
    }

    [Theory, MemberData(nameof(Instances))]
    public void SoftKMeansRelativeIsTheLogLikelihoodRatioOfLemma3(long seed, int d, int k, double tau)
    {
        var (x, mu) = Instance(seed, 150, d, k);
        var net = new NeuralizedSoftKMeans(mu, tau);
        var logp = (-tau * (x.unsqueeze(1) - mu.unsqueeze(0)).pow(2).sum(2)).log_softmax(1);   // direct
        var assigned = logp.argmax(1);
        for (int c = 0; c < k; c++)
        {
            var f = net.F(x, tensor((long)c));
            var others = logp.index_select(1, tensor(Enumerable.Range(0, k).Where(j => j != c).Select(j => (long)j).ToArray()));
            var llr = logp[.., c] - others.amax(new long[] { 1 });                                  // Eq. (25)
            Assert.True(MaxAbs(f - llr) < 1e-9);
            Assert.Equal(Longs(assigned.eq(c)).Select(v => v == 1), Vec(f).Select(v => v > 0));
        }
        using var e = net.Explain(x, 1.0);
        Assert.True(MaxAbs(e.Relevance.sum(1) - e.F) < 1e-9);                                       // conservation
        // τ-scaled k-means network gives the same relative explanation up to the factor τ
        using var hard = new NeuralizedKMeans(mu).Explain(x, tau * 1.0);
        Assert.True(MaxAbs(e.Relevance - tau * hard.Relevance) < 1e-9);
    }

    [Theory, MemberData(nameof(Instances))]
    public void SoftKMeansAbsoluteIsTheShiftedLogOddsOfLemma4(long seed, int d, int k, double tau)
    {
        var (x, mu) = Instance(seed, 150, d, k);
        foreach (var theta in new[] { 0.2, 0.5, 0.9 })
        {
            var net = new NeuralizedSoftKMeans(mu, tau, theta);
            var logp = (-tau * (x.unsqueeze(1) - mu.unsqueeze(0)).pow(2).sum(2)).log_softmax(1);
            for (int c = 0; c < k; c++)
            {
                var f = net.F(x, tensor((long)c));
                var lp = logp[.., c];
                // Eq. (29) with 1 − p_c = Σ_{k≠c} p_k (summed in log space: 1 − p_c underflows when p_c ≈ 1)
                var others = logp.index_select(1, tensor(Enumerable.Range(0, k).Where(j => j != c).Select(j => (long)j).ToArray()));
                var expected = lp - others.logsumexp(1) + Math.Log((1 - theta) / theta);
                Assert.True(MaxAbs(f - expected) < 1e-8 * (1 + MaxAbs(expected)));
                Assert.Equal(Vec(lp.exp()).Select(p => p > theta), Vec(f).Select(v => v > 0));
            }
            using var e = net.Explain(x, 1.0);
            // after R_k ← R_k·h_k/f_c, Eq. (4) conserves what reaches layer 1
            Assert.True(MaxAbs(e.Relevance.sum(1) - e.NeuronRelevance.sum(1)) < 1e-8 * (1 + MaxAbs(e.NeuronRelevance)));
        }
    }

    [Theory]
    [InlineData(1L, 4, 6, 3)]
    [InlineData(2L, 2, 5, 5)]
    [InlineData(3L, 7, 3, 2)]
    public void DeepSoftClusteringProps6And7OnTopOfAFeatureMap(long seed, int d, int hidden, int k)
    {
        var g = Compute.Seeds.Generator(seed);
        var lin = nn.Linear(d, hidden, dtype: float64);
        using (no_grad())
        {
            lin.weight.copy_(randn(new long[] { hidden, d }, dtype: float64, generator: g));
            lin.bias!.copy_(randn(new long[] { hidden }, dtype: float64, generator: g));
        }
        var psi = nn.Sequential(("lin", lin), ("tanh", nn.Tanh()));                     // Ψ (no dead units, so no exact ties)
        psi.eval();
        var mu = randn(new long[] { k, hidden }, dtype: float64, generator: g) * 0.5;
        var x = randn(new long[] { 200, d }, dtype: float64, generator: g);
        Tensor a;
        using (no_grad()) a = psi.call(x);
        var logp = a.matmul(mu.T).log_softmax(1);
        var rel = new global::Workbench.Neuralization.NeuralizedDeepClustering(psi, mu, soft: true);
        Assert.True(MaxAbs(rel.LogProba(x, CPU) - logp) < 1e-12);
        for (int c = 0; c < k; c++)
        {
            var f = rel.F(x, tensor((long)c), CPU);
            var others = logp.index_select(1, tensor(Enumerable.Range(0, k).Where(j => j != c).Select(j => (long)j).ToArray()));
            Assert.True(MaxAbs(f - (logp[.., c] - others.amax(new long[] { 1 }))) < 1e-9);     // Prop. 6
            Assert.Equal(Longs(logp.argmax(1).eq(c)).Select(v => v == 1), Vec(f).Select(v => v > 0));
        }
        var psiRules = Workbench.Propagation.Lrp.Composites.Uniform(new Workbench.Propagation.Lrp.Rules.Epsilon());
        using (var e = rel.Explain(x, psiRules, 1.0, layers: new[] { "features" }, device: CPU))
            Assert.True(MaxAbs(e.Layers["features"].sum(1) - e.OutputRelevance.sum(1)) < 1e-9);   // conserved on a = Ψ(x)
        foreach (var theta in new[] { 0.3, 0.6 })
        {
            var abs = new global::Workbench.Neuralization.NeuralizedDeepClustering(psi, mu, soft: true, theta: theta);
            Assert.Equal(Longs(logp.argmax(1)), Longs(abs.Predict(x, CPU)));
            for (int c = 0; c < k; c++)
            {
                var f = abs.F(x, tensor((long)c), CPU);
                var lp = logp[.., c];
                var others = logp.index_select(1, tensor(Enumerable.Range(0, k).Where(j => j != c).Select(j => (long)j).ToArray()));
                var expected = lp - others.logsumexp(1) + Math.Log((1 - theta) / theta);    // Prop. 7
                Assert.True(MaxAbs(f - expected) < 1e-8 * (1 + MaxAbs(expected)));
                Assert.Equal(Vec(lp.exp()).Select(p => p > theta), Vec(f).Select(v => v > 0));
            }
            // layer L+1 explicit weights: h_ck = (μ_c − μ_k)ᵀa + b, b = −log(K−1) + log((1−θ)/θ)
            Assert.Equal(-Math.Log(k - 1) + Math.Log((1 - theta) / theta), abs.Head.Offset, 12);
            using var e = abs.Explain(x, psiRules, 1.0, layers: new[] { "features", "head.detect" }, device: CPU);
            Assert.True(MaxAbs(e.Layers["features"].sum(1) - e.Layers["head.detect"].sum(1)) < 1e-9);   // Σ_i R_i = Σ_k R_k h_k / f_c
        }
    }
}
