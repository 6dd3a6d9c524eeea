using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Evaluation;
using Workbench.Neuralization;
using Xunit;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>NEON Table I baselines: the K = 2 identities, NEON → NCA, Σ NCA = f_c and autograd against finite differences.</summary>
public class BaselineTests
{
    static (Tensor X, ExplainedModel Model, NeuralizedKMeans Net) KMeansModel(int k, long seed, int n = 60, int d = 5)
    {
        var g = Seeds.Generator(seed);
        var mu = randn(new long[] { k, d }, dtype: float64, generator: g) * 2;
        var x = randn(new long[] { n, d }, dtype: float64, generator: g) * 2;
        var net = new NeuralizedKMeans(mu);
        return (x, ExplainedModel.From(net), net);
    }

    static Tensor R(RelevanceMethod m, Tensor x, Tensor c) => m.Explain(x, c, Seeds.Generator(0));

    [Fact]
    public void TwoClustersGiveLinearIdentities()
    {
        var (x, model, net) = KMeansModel(2, 1);
        var c = model.Predict(x);
        var mu = net.Centroids;
        var w = 2 * (mu.index_select(0, c) - mu.index_select(0, 1 - c));                  // w = 2(μ_c − μ_k)
        var wx = w * x;
        Assert.True(R(RelevanceMethods.PdaZero(model, PdaTarget.Surrogate), x, c).allclose(wx, rtol: 1e-10, atol: 1e-10));
        Assert.True(R(RelevanceMethods.IntegratedGradients(model), x, c).allclose(wx, rtol: 1e-10, atol: 1e-10));
        Assert.True(R(RelevanceMethods.GradientSquared(model), x, c).allclose(w.pow(2), rtol: 1e-10, atol: 1e-10));
        var nca = R(RelevanceMethods.Nca(model), x, c);
        foreach (var beta in new[] { 0.0, 0.3, 1.0, 50.0 })
            Assert.True(R(RelevanceMethods.Neon(model, beta), x, c).allclose(nca, rtol: 1e-10, atol: 1e-10), $"β = {beta}");
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(6, 3)]
    public void NcaSumsToFAndIsNeonsStiffLimit(int k, long seed)
    {
        var (x, model, net) = KMeansModel(k, seed, n: 200);
        var c = model.Predict(x);
        var nca = R(RelevanceMethods.Nca(model), x, c);
        Assert.True(nca.sum(1).allclose(model.F(x, c), rtol: 1e-10, atol: 1e-10));
        double beta = 1e6 * model.HeuristicBeta(x);
        var neon = R(RelevanceMethods.Neon(model, beta), x, c);
        // points with no near-tied competitor: the gap between the two smallest h_k is large against 1/β
        using var fw = net.Forward(x, c);
        var h = fw.H.masked_fill(fw.Competitors.logical_not(), double.PositiveInfinity);
        var (two, _) = h.topk(2, 1, largest: false);
        var clear = (two[.., 1] - two[.., 0]).gt(50 / beta);
        Assert.True(clear.sum().ToInt64() > 100);
        var diff = (neon - nca).abs().amax(new long[] { 1 }).masked_select(clear);
        Assert.True(diff.max().ToDouble() < 1e-9, $"max |NEON − NCA| = {diff.max().ToDouble()}");
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var (x, _, _) = KMeansModel(4, 5, n: 40, d: 3);
        var kk = new KernelKMeans(3, supportPerCluster: 4, maxIter: 10, nInit: 1, seed: 1).Fit(x);
        var models = new[] { KMeansModel(4, 5, n: 40, d: 3).Model, ExplainedModel.From(new NeuralizedKernelKMeans(kk.Support, kk.SupportLabels, kk.Gamma)) };
        foreach (var model in models)
        {
            var c = model.Predict(x);
            var grad = RelevanceMethods.Gradient(model, x, c);
            const double h = 1e-6;
            for (int i = 0; i < 3; i++)
            {
                var e = zeros(1, 3, dtype: float64); e[0, i] = h;
                var fd = (model.F(x + e, c) - model.F(x - e, c)) / (2 * h);
                Assert.True(fd.allclose(grad[.., i], rtol: 1e-5, atol: 1e-6), $"{model.Name}, feature {i}: max gap {(fd - grad[.., i]).abs().max().ToDouble()}");
            }
        }
    }

    [Fact]
    public void ConditionalPdaUsesTheKdeAndRandomIsRedrawn()
    {
        var (x, model, _) = KMeansModel(3, 7);
        var c = model.Predict(x);
        var kde = new KdeImputer(x);
        var m = RelevanceMethods.PdaConditional(model, kde, target: PdaTarget.Surrogate);
        Assert.True(m.Stochastic);
        var r1 = m.Explain(x, c, Seeds.Generator(1)); var r2 = m.Explain(x, c, Seeds.Generator(1));
        Assert.True(r1.eq(r2).all().ToBoolean());                                                      // seeded
        Assert.False(r1.allclose(R(RelevanceMethods.PdaZero(model, PdaTarget.Surrogate), x, c)));
        var g = Seeds.Generator(2);
        var rand = RelevanceMethods.Random();
        Assert.False(rand.Explain(x, c, g).eq(rand.Explain(x, c, g)).all().ToBoolean());
        Assert.Throws<ArgumentException>(() => RelevanceMethods.Create(model, kde, 1.0, new[] { "shap" }));
    }

    [Fact]
    public void KernelModelHasNoNca()
    {
        var (x, _, _) = KMeansModel(3, 9);
        var kk = new KernelKMeans(3, supportPerCluster: 3, maxIter: 5, nInit: 1, seed: 1).Fit(x);
        var model = ExplainedModel.From(new NeuralizedKernelKMeans(kk.Support, kk.SupportLabels, kk.Gamma));
        var methods = RelevanceMethods.Create(model, new KdeImputer(x), 1.0);
        Assert.DoesNotContain(methods, m => m.Name == "nca");
        Assert.Equal(7, methods.Count);
        Assert.Throws<InvalidOperationException>(() => RelevanceMethods.Nca(model).Explain(x, model.Predict(x), Seeds.Generator(0)));
    }
}
