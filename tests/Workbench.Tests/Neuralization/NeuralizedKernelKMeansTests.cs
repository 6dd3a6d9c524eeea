using TorchSharp;
using Workbench.Neuralization;
using Workbench.Numerics;
using Workbench.Propagation;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Neuralization;

/// <summary>Prop. 5 (four-layer network), App. D (LME identities), Prop. 4 (g_c), and the kernel propagation rules.</summary>
public class NeuralizedKernelKMeansTests
{
    /// <summary>K clusters with unequal numbers of support vectors, points around them.</summary>
    static (Tensor X, Tensor U, Tensor L) KernelInstance(long seed, int n, int d, int k, int maxM)
    {
        var g = Compute.Seeds.Generator(seed);
        var centres = randn(new long[] { k, d }, dtype: float64, generator: g) * 2;
        var counts = randint(1, maxM + 1, new long[] { k }, generator: g);
        var lab = arange(k).repeat_interleave(counts);
        var u = centres.index_select(0, lab) + randn(new long[] { lab.shape[0], d }, dtype: float64, generator: g);
        var x = centres.index_select(0, randint(k, new long[] { n }, generator: g)) + 1.5 * randn(new long[] { n, d }, dtype: float64, generator: g);
        return (x, u, lab);
    }

    public static IEnumerable<object[]> Instances()
    {
        long seed = 500;
        foreach (var d in new[] { 1, 2, 5 }) foreach (var k in new[] { 2, 3, 5 }) foreach (var m in new[] { 1, 4 }) foreach (var gamma in new[] { 0.2, 2.0 })
            yield return new object[] { seed++, d, k, m, gamma };
    }

    static double LmeDistance(double[] x, double[,] u, long[] lab, long cluster, double gamma)
    {
        var dists = new List<double>();
        for (int s = 0; s < lab.Length; s++) if (lab[s] == cluster)
            dists.Add(Enumerable.Range(0, x.Length).Sum(i => (x[i] - u[s, i]) * (x[i] - u[s, i])));
        return Lme.Pool(dists, -gamma);
    }

    [Theory, MemberData(nameof(Instances))]
    public void Prop5NetworkDecidesAsEquation6AndFIsTheLmeGap(long seed, int d, int k, int m, double gamma)
    {
        var (x, u, lab) = KernelInstance(seed, 80, d, k, m);
        var net = new NeuralizedKernelKMeans(u, lab, gamma);
        var uA = new double[u.shape[0], d];
        for (int s = 0; s < u.shape[0]; s++) for (int i = 0; i < d; i++) uA[s, i] = u[s, i].item<double>();
        var labA = Longs(lab);
        var assigned = Longs(net.Predict(x));
        for (int c = 0; c < k; c++)
        {
            var f = Vec(net.F(x, tensor((long)c)));
            using var layers = net.Layers(x, tensor((long)c));
            Assert.True(MaxAbs(layers.F - tensor(f)) < 1e-9);                                  // explicit layers = batched
            for (int n = 0; n < 80; n++)
            {
                var xn = Row(x, n);
                double own = LmeDistance(xn, uA, labA, c, gamma);
                double min = Enumerable.Range(0, k).Where(j => j != c).Min(j => LmeDistance(xn, uA, labA, j, gamma));
                Assert.True(Math.Abs(f[n] - (min - own)) < 1e-9 * (1 + Math.Abs(min - own)));  // Eq. (20)
                Assert.Equal(assigned[n] == c, f[n] > 0);
            }
        }
    }

    [Theory, MemberData(nameof(Instances))]
    public void ExplicitLayerOneWeightsAndBatchedExplanationFollowFootnote1Eq10AndEq4(long seed, int d, int k, int m, double gamma)
    {
        var (x, u, lab) = KernelInstance(seed, 30, d, k, m);
        var net = new NeuralizedKernelKMeans(u, lab, gamma);
        using var e = net.Explain(x, 0.8);
        CheckAgainstLiteralPropagation(net, x, u, lab, e, beta: 0.8, softMin: gamma, softMax: gamma, epsilon: null);
    }

    /// <summary>A composite with other stiffnesses in the two support pools and LRP-ε in layer 1 gives the literal per-pair propagation with those rules.</summary>
    [Theory]
    [InlineData(900L, 2, 3, 4, 0.5, 0.1, 3.0, null)]
    [InlineData(901L, 5, 4, 3, 2.0, 4.0, 0.05, 1e-3)]
    [InlineData(902L, 3, 2, 4, 1.0, 0.0, 1.0, 1e-6)]
    public void CompositeSwapsTheSupportPoolsAndTheFirstLayerRule(long seed, int d, int k, int m, double gamma, double softMin, double softMax, double? epsilon)
    {
        var (x, u, lab) = KernelInstance(seed, 30, d, k, m);
        var net = new NeuralizedKernelKMeans(u, lab, gamma);
        var composite = NeonComposite.Default(0.8) with
        {
            SupportMin = new MinTakeMostRule(softMin),
            SupportMax = new MinTakeMostRule(softMax, Max: true),
            Detection = epsilon is { } eps ? new EpsilonDetection(eps) : MidpointRule.Default,
        };
        using var e = net.Explain(x, composite);
        CheckAgainstLiteralPropagation(net, x, u, lab, e, beta: 0.8, softMin, softMax, epsilon);
        // the default composite is the paper's rules: the same numbers as Explain(x, β)
        using var byBeta = net.Explain(x, 0.8);
        using var byDefault = net.Explain(x, NeonComposite.Default(0.8) with { SupportMin = new MinTakeMostRule(gamma), SupportMax = new MinTakeMostRule(gamma, Max: true) });
        Assert.Equal(0.0, MaxAbs(byBeta.Relevance - byDefault.Relevance));
    }

    [Fact]
    public void CompositeWithoutDissipationIsRefusedWithTheReason()
    {
        var (x, u, lab) = KernelInstance(7, 10, 2, 2, 3);
        var net = new NeuralizedKernelKMeans(u, lab, 1.0);
        var ex = Assert.Throws<ArgumentException>(() => net.Explain(x, NeonComposite.Default() with { Dissipate = false }));
        Assert.Contains("Eq. (10)", ex.Message);
        Assert.Throws<ArgumentException>(() => net.Explain(x, NeonComposite.Default() with { SupportMin = new MinTakeMostRule(1.0, Max: true) }));
    }

    /// <summary>
    /// Literal per-pair propagation (layer 4 Eq. 2 with β, layer 3 soft min with <paramref name="softMin"/>, layer 2 soft
    /// max with <paramref name="softMax"/>, Eq. 10, then Eq. 4 or, with <paramref name="epsilon"/>, LRP-ε over R_k/h_k),
    /// checked against the batched explanation <paramref name="e"/> of every point.
    /// </summary>
    static void CheckAgainstLiteralPropagation(NeuralizedKernelKMeans net, Tensor x, Tensor u, Tensor lab, NeonExplanation e,
                                               double beta, double softMin, double softMax, double? epsilon)
    {
        using var layers = net.Layers(x);
        var c = Longs(e.Clusters);
        long n0 = x.shape[0], d = x.shape[1]; int k = net.K;
        for (int n = 0; n < n0; n++)
        {
            var (layer, I, J) = net.Layer1((int)c[n]);
            var h1 = x[n].unsqueeze(0).matmul(layer.Weight.T).squeeze(0) + layer.Bias;        // h_ijk = w_ijᵀx + b_ij
            var h1Layers = layers.H1[n];
            for (int p = 0; p < I.Length; p++)
                Assert.True(Math.Abs(h1[p].item<double>() - h1Layers[I[p], J[p]].item<double>()) < 1e-9);
            var h3 = Row(layers.H3, n); var h2 = Row(layers.H2, n); var f = layers.F[n].item<double>();
            var comps = Enumerable.Range(0, k).Where(j => j != c[n]).ToArray();
            double hmin = comps.Min(j => h3[j]);
            double z4 = comps.Sum(j => Math.Exp(-beta * (h3[j] - hmin)));
            var labA = Longs(lab);
            var xn = Row(x, n);
            var w = new double[I.Length, d]; var mid = new double[I.Length, d]; var rPair = new double[I.Length];
            var expectedEps = new double[d];
            double dissipated = 0;
            for (int p = 0; p < I.Length; p++)
            {
                long i = I[p], j = J[p], kk = labA[j];
                double rk = Math.Exp(-beta * (h3[kk] - hmin)) / z4 * f;
                var jsInK = Enumerable.Range(0, labA.Length).Where(s => labA[s] == kk).ToArray();
                double wj = Math.Exp(-softMin * h2[j]) / jsInK.Sum(s => Math.Exp(-softMin * h2[s]));              // soft min over j
                var isInC = Enumerable.Range(0, labA.Length).Where(s => labA[s] == c[n]).ToArray();
                double hij = h1Layers[i, j].item<double>();
                double wi = Math.Exp(softMax * hij) / isInC.Sum(s => Math.Exp(softMax * h1Layers[s, j].item<double>())); // soft max over i
                double rijk = wi * wj * rk;
                rPair[p] = rijk * hij / h3[kk];                                                   // Eq. (10)
                dissipated += rPair[p];
                for (int a = 0; a < d; a++)
                {
                    w[p, a] = 2 * (u[i, a].item<double>() - u[j, a].item<double>());
                    mid[p, a] = (u[i, a].item<double>() + u[j, a].item<double>()) / 2;
                }
                if (epsilon is { } eps)                                                          // LRP-ε: x_a w_a · R_ijk / (h_k + ε sign h_k)
                    for (int a = 0; a < d; a++) expectedEps[a] += xn[a] * w[p, a] * rijk / (h3[kk] + (h3[kk] >= 0 ? eps : -eps));
            }
            var expected = epsilon is null ? Tests.Propagation.MidpointReference.Relevance(xn, w, mid, rPair) : expectedEps;   // Eq. (4) or LRP-ε
            var got = Row(e.Relevance, n);
            for (int a = 0; a < d; a++)
                Assert.True(Math.Abs(expected[a] - got[a]) < 1e-8 * (1 + Math.Abs(expected[a])), $"point {n} feature {a}: {expected[a]} vs {got[a]}");
            if (epsilon is null) Assert.True(Math.Abs(got.Sum() - dissipated) < 1e-8 * (1 + Math.Abs(dissipated)));
        }
    }

    [Fact]
    public void AppendixDLmeIdentities()
    {
        var g = Compute.Seeds.Generator(42);
        for (int trial = 0; trial < 200; trial++)
        {
            int na = 1 + trial % 7, nb = 1 + trial % 5;
            double gamma = 0.05 + 3 * rand(1, generator: g, dtype: float64).item<double>();
            var a = (randn(new long[] { na }, dtype: float64, generator: g) * 3).data<double>().ToArray();
            var b = (randn(new long[] { nb }, dtype: float64, generator: g) * 3).data<double>().ToArray();
            double shift = randn(new long[] { 1 }, dtype: float64, generator: g).item<double>() * 5;
            // LME commutes with additive scalars
            Assert.Equal(Lme.Pool(a, gamma) + shift, Lme.Pool(a.Select(v => v + shift).ToArray(), gamma), 1e-10);
            Assert.Equal(Lme.Pool(a, -gamma) + shift, Lme.Pool(a.Select(v => v + shift).ToArray(), -gamma), 1e-10);
            // Eq. (19): a difference of soft minima is a soft min (outer, over j) of soft maxima (inner, over i) of differences.
            // (The supplement prints the indices of the two pools swapped; Eq. (22) uses this order.)
            double lhs = Lme.Pool(a, -gamma) - Lme.Pool(b, -gamma);
            double rhs = Lme.Pool(a.Select(aj => Lme.Pool(b.Select(bi => aj - bi).ToArray(), gamma)).ToArray(), -gamma);
            Assert.Equal(lhs, rhs, 1e-9);
            // the tensor pool agrees with the scalar one
            Assert.Equal(Lme.Pool(a, -gamma), Lme.Pool(tensor(a), -gamma, 0).item<double>(), 1e-12);
            // the soft min lies between min and min + log(n)/γ, and tends to the hard min
            Assert.InRange(Lme.Pool(a, -gamma), a.Min() - 1e-12, a.Min() + Math.Log(na) / gamma + 1e-12);
            Assert.Equal(a.Min(), Lme.Pool(a, -1e6), 1e-4);
        }
    }

    [Theory]
    [InlineData(1L, 1, 6, 0.5)]
    [InlineData(2L, 2, 7, 1.0)]
    [InlineData(3L, 5, 10, 0.1)]
    public void Prop4LmeDistanceIsGcOfTheFeatureSpaceDistance(long seed, int d, int m, double gamma)
    {
        var g = Compute.Seeds.Generator(seed);
        var u = randn(new long[] { m, d }, dtype: float64, generator: g);
        var x = randn(new long[] { 300, d }, dtype: float64, generator: g) * 1.5;
        var lme = Lme.Pool(Workbench.Clustering.Distances.Squared(x, u), -gamma, 1);                       // Eq. (6) distance
        foreach (var z in new[] { (double)m, KernelFeatureSpace.SphericalZ(u, gamma), 0.7 * m })
        {
            var xi = KernelFeatureSpace.SquaredDistanceToMean(x, u, gamma, z);                   // ‖Φ(x) − μ_c‖²
            var gc = KernelFeatureSpace.G(xi, gamma, KernelFeatureSpace.MeanNormSquared(u, gamma, z), m, z);
            Assert.True(MaxAbs(lme - gc) < 1e-8 * (1 + MaxAbs(lme)), $"Z = {z}: {MaxAbs(lme - gc)}");
            // g_c is increasing: ordering by feature-space distance = ordering by LME distance
            var o1 = Longs(xi.argsort()); var o2 = Longs(lme.argsort());
            Assert.Equal(o1, o2);
        }
    }

    [Fact]
    public void RejectsMissingClustersAndBadGamma()
    {
        var u = randn(4, 2, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => new NeuralizedKernelKMeans(u, tensor(new long[] { 0, 0, 2, 2 }), 1.0));
        Assert.Contains("cluster 1 has no support vector", e.Message);
        Assert.Throws<ArgumentException>(() => new NeuralizedKernelKMeans(u, tensor(new long[] { 0, 0, 0, 0 }), 1.0));
        Assert.Throws<ArgumentException>(() => new NeuralizedKernelKMeans(u, tensor(new long[] { 0, 1, 0, 1 }), -1.0));
    }
}
