using TorchSharp;
using Workbench.Explanation;
using Workbench.Neuralization;
using Workbench.Propagation;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Explanation;

/// <summary>Exact and sampled Shapley values, App. B Lemmas 1–2, Props. 2–3.</summary>
public class ShapleyTests
{
    /// <summary>Textbook Shapley: average marginal contribution over all d! orders, one evaluation per call (d ≤ 6).</summary>
    static double[] ByAllPermutations(Func<double[], double> f, double[] x, double[] r)
    {
        int d = x.Length; var phi = new double[d]; int count = 0;
        foreach (var perm in Permutations(Enumerable.Range(0, d).ToArray()))
        {
            var cur = (double[])r.Clone(); double prev = f(cur);
            foreach (var i in perm) { cur[i] = x[i]; double now = f(cur); phi[i] += now - prev; prev = now; }
            count++;
        }
        return phi.Select(v => v / count).ToArray();
    }

    static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return new[] { items[i] }.Concat(rest).ToArray();
    }

    static Tensor Nonlinear(Tensor b) => (b[.., 0] * b[.., 1]).sin() + b.pow(2).sum(1).sqrt() * b[.., ^1] + b.amax(new long[] { 1 });

    [Theory]
    [InlineData(1L, 2)]
    [InlineData(2L, 4)]
    [InlineData(3L, 6)]
    public void ExactMatchesTheTextbookDefinition(long seed, int d)
    {
        var g = Compute.Seeds.Generator(seed);
        var x = randn(new long[] { d }, dtype: float64, generator: g);
        var r = randn(new long[] { d }, dtype: float64, generator: g);
        var exact = Shapley.Exact(Nonlinear, x, r, batchSize: 5);      // small batches exercise the batching
        var slow = ByAllPermutations(v => Nonlinear(tensor(v).unsqueeze(0)).item<double>(), Vec(x), Vec(r));
        for (int i = 0; i < d; i++) Assert.Equal(slow[i], exact.Values[i], 1e-12);
        double gap = Nonlinear(x.unsqueeze(0)).item<double>() - Nonlinear(r.unsqueeze(0)).item<double>();
        Assert.Equal(gap, exact.Values.Sum(), 1e-12);                 // efficiency
        Assert.Equal(1L << d, exact.Evaluations);
    }

    [Fact]
    public void Lemma1MinWithReferenceZeroSplitsEvenly()
    {
        var g = Compute.Seeds.Generator(8);
        for (int d = 1; d <= 12; d++)
        {
            var x = rand(new long[] { d }, dtype: float64, generator: g) + 0.1;
            var s = Shapley.Exact(b => b.amin(new long[] { 1 }), x, zeros(d, dtype: float64));
            double f = x.min().item<double>();
            foreach (var v in s.Values) Assert.Equal(f / d, v, 1e-13);
        }
    }

    [Fact]
    public void Lemma2LinearModel()
    {
        var g = Compute.Seeds.Generator(9);
        int d = 14;
        var w = randn(new long[] { d }, dtype: float64, generator: g); var x = randn(new long[] { d }, dtype: float64, generator: g);
        var r = randn(new long[] { d }, dtype: float64, generator: g);
        var s = Shapley.Exact(b => b.matmul(w) + 0.3, x, r);
        var expected = Vec(w * (x - r));
        for (int i = 0; i < d; i++) Assert.Equal(expected[i], s.Values[i], 1e-12);
    }

    [Theory]
    [InlineData(2L, 3)]
    [InlineData(3L, 5)]
    [InlineData(4L, 8)]
    [InlineData(5L, 13)]
    public void Prop2UniformMinTakeMostIsTheShapleyValueOfTheMinPoolWithReferenceZero(long seed, int k)
    {
        var (x, mu) = Instance(seed, 40, 4, k);
        var net = new NeuralizedKMeans(mu);
        using var fw = net.Forward(x);
        using var e = net.Explain(x, beta: 0);
        var c = Longs(fw.Clusters);
        for (int n = 0; n < 40; n += 5)
        {
            var comp = Enumerable.Range(0, k).Where(j => j != c[n]).Select(j => (long)j).ToArray();
            var h = fw.H[n].index_select(0, tensor(comp));                          // competitor activations h_k > 0
            var s = Shapley.Exact(b => b.amin(new long[] { 1 }), h, zeros_like(h)); // f_c(h) = min_k h_k, reference h̃ = 0
            var rk = Row(e.NeuronRelevance, n);
            for (int j = 0; j < comp.Length; j++) Assert.True(Math.Abs(s.Values[j] - rk[comp[j]]) < 1e-10);
        }
    }

    [Theory]
    [InlineData(6L, 1)]
    [InlineData(7L, 3)]
    [InlineData(8L, 9)]
    [InlineData(9L, 16)]
    public void Prop3TwoClustersNeonIsTheShapleyValueWithTheMidpointReference(long seed, int d)
    {
        var (x, mu) = Instance(seed, 30, d, 2);
        var net = new NeuralizedKMeans(mu);
        foreach (var beta in new[] { 0.0, 1.0, double.PositiveInfinity })
        {
            using var e = net.Explain(x, beta);
            var c = Longs(e.Clusters);
            for (int n = 0; n < 30; n += 6)
            {
                var cl = tensor(c[n]);
                var mid = (mu[0] + mu[1]) / 2;                                        // m_k
                var s = Shapley.Exact(b => net.F(b, cl.expand(b.shape[0])), x[n], mid);
                var r = Row(e.Relevance, n);
                for (int i = 0; i < d; i++) Assert.True(Math.Abs(s.Values[i] - r[i]) < 1e-10, $"{s.Values[i]} vs {r[i]}");
            }
        }
    }

    [Fact]
    public void SamplingAgreesWithExactWithinItsStandardError()
    {
        var g = Compute.Seeds.Generator(10);
        int d = 9;
        var x = randn(new long[] { d }, dtype: float64, generator: g); var r = randn(new long[] { d }, dtype: float64, generator: g);
        var exact = Shapley.Exact(Nonlinear, x, r);
        var est = Shapley.Sample(Nonlinear, x, r, permutations: 4000, seed: 3);
        for (int i = 0; i < d; i++)
        {
            Assert.True(est.StandardErrors[i] > 0);
            Assert.True(Math.Abs(est.Values[i] - exact.Values[i]) < 5 * est.StandardErrors[i] + 1e-12,
                $"feature {i}: {est.Values[i]} ± {est.StandardErrors[i]} vs {exact.Values[i]}");
        }
        // every permutation is efficient, so the sum is exact
        Assert.Equal(exact.Values.Sum(), est.Values.Sum(), 1e-9);
        var small = Shapley.Sample(Nonlinear, x, r, permutations: 400, seed: 3);
        Assert.True(small.StandardErrors.Average() > 2 * est.StandardErrors.Average());   // ~√10 larger
        var again = Shapley.Sample(Nonlinear, x, r, permutations: 400, seed: 3);
        Assert.Equal(small.Values, again.Values);
    }

    [Fact]
    public void SamplingScalesBeyondExactEnumeration()
    {
        int d = 40;
        var g = Compute.Seeds.Generator(11);
        var w = randn(new long[] { d }, dtype: float64, generator: g); var x = randn(new long[] { d }, dtype: float64, generator: g);
        var est = Shapley.Sample(b => b.matmul(w), x, zeros(d, dtype: float64), permutations: 50, seed: 1);
        var expected = Vec(w * x);
        for (int i = 0; i < d; i++) { Assert.Equal(expected[i], est.Values[i], 1e-10); Assert.True(est.StandardErrors[i] < 1e-10); }
        Assert.Throws<ArgumentException>(() => Shapley.Exact(b => b.sum(1), x, zeros(d, dtype: float64)));
    }
}
