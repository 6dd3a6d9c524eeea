using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Evaluation;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using Workbench.Studies.Neon;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>
/// NEON Table I deep rows (digest §6.7): the deep model decides like k-means on Ψ(x), Σ channel relevance = f_c on a bias-free
/// network, keeping every map leaves the decision and zeroing every map changes it, and the batched map removal equals a
/// plain loop.
/// </summary>
public class DeepEvaluationTests
{
    /// <summary>Units a [N,4,6,6] and a bias-free Ψ_upper (conv → ReLU → max-pool → conv → ReLU), float64.</summary>
    static (Tensor A, TorchSharp.Modules.Sequential Upper) Setup(long seed, int n = 40, bool bias = false)
    {
        torch.manual_seed(seed);
        var upper = nn.Sequential(("0", nn.Conv2d(4, 6, 3, padding: 1, bias: bias, dtype: float64)), ("1", nn.ReLU()), ("2", nn.MaxPool2d(2, 2)),
                                  ("3", nn.Conv2d(6, 5, 3, padding: 1, bias: bias, dtype: float64)), ("4", nn.ReLU()));
        upper.eval();
        var g = Seeds.Generator(seed);
        var a = rand(new long[] { n, 4, 6, 6 }, dtype: float64, generator: g) * rand(new long[] { n, 4, 1, 1 }, dtype: float64, generator: g) * 3;
        return (a, upper);
    }

    static (DeepUnitModel Model, KMeans KMeans, Tensor Psi) Fit(Tensor a, TorchSharp.Modules.Sequential upper, int k)
    {
        var psi = DeepTableOne.Forward(upper, a).flatten(1);
        var km = new KMeans(k, nInit: 3, seed: 0).Fit(psi);
        return (new DeepUnitModel(upper, km.Centroids), km, psi);
    }

    [Theory, InlineData(1L, 3), InlineData(2L, 5)]
    public void TheDeepHeadDecidesLikeKMeansOnPsiAndFIsTheDistanceGap(long seed, int k)
    {
        var (a, upper) = Setup(seed, bias: true);
        var (model, km, psi) = Fit(a, upper, k);
        Assert.Equal(km.Labels.data<long>().ToArray(), model.Predict(a).data<long>().ToArray());
        var c = model.Predict(a);
        var (d, _) = Distances.Squared(psi, km.Centroids).sort(1);
        var gap = d[.., 1] - d[.., 0];                                                  // f_c = 2nd-smallest − smallest squared distance
        var f = model.F(a, c);
        Assert.True((f - gap).abs().max().ToDouble() < 1e-9 * (1 + gap.abs().max().ToDouble()));
        var fNet = model.Neuralized.Outputs(a).gather(1, c.unsqueeze(1)).squeeze(1);    // the neuralized network NEON explains
        Assert.True((fNet - gap).abs().max().ToDouble() < 1e-9 * (1 + gap.abs().max().ToDouble()));
        Assert.Equal(c.data<long>().ToArray(), model.Neuralized.Predict(a).data<long>().ToArray());
    }

    [Theory, InlineData(0.0), InlineData(0.1), InlineData(1.0)]
    public void OnABiasFreeNetworkChannelRelevanceSumsToF(double gamma)
    {
        var (a, upper) = Setup(3);
        var (model, _, _) = Fit(a, upper, 4);
        var c = model.Predict(a);
        double beta = model.HeuristicBeta(a);
        var r = ChannelRelevanceMethods.Neon(model, beta, gamma).Explain(a, c, Seeds.Generator(0));
        Assert.Equal(new long[] { a.shape[0], 4 }, r.shape);
        var f = model.F(a, c);
        // conserved up to LRP's stabilizer (ε = 1e-6 added to every denominator)
        double gap = (r.sum(1) - f).abs().max().ToDouble() / f.abs().max().ToDouble();
        Assert.True(gap < 1e-3, $"Σ_C R = f_c: relative gap {gap}");
        // with a bias the sum differs: the bias terms absorb relevance
        var (a2, upper2) = Setup(3, bias: true);
        var (model2, _, _) = Fit(a2, upper2, 4);
        var c2 = model2.Predict(a2);
        var r2 = ChannelRelevanceMethods.Neon(model2, model2.HeuristicBeta(a2), gamma).Explain(a2, c2, Seeds.Generator(0));
        var f2 = model2.F(a2, c2);
        double gap2 = (r2.sum(1) - f2).abs().max().ToDouble() / f2.abs().max().ToDouble();
        Assert.True(gap2 > 10 * gap && gap2 > 1e-3, $"with biases Σ_C R ≠ f_c: relative gap {gap2} (bias-free {gap})");
    }

    [Fact]
    public void KeepingEveryMapLeavesTheDecisionAndZeroingEveryMapChangesIt()
    {
        var (a, upper) = Setup(4, bias: true);
        var (model, _, _) = Fit(a, upper, 4);
        var c = model.Predict(a);
        var relevance = rand(new long[] { a.shape[0], 4 }, dtype: float64, generator: Seeds.Generator(1));
        var curves = ChannelFlipping.Curves(model.Predict, a, c, relevance);
        Assert.True(curves[.., -1].eq(1).all().ToBoolean(), "the last step keeps every map: g_c = 1");
        long zeroCluster = model.Predict(zeros_like(a.narrow(0, 0, 1)))[0].ToInt64();
        var outside = c.ne(zeroCluster);
        Assert.True(outside.any().ToBoolean(), "the test data must have points outside the all-zero cluster");
        // zeroing all maps sends every point to the all-zero input's cluster: the decision changes for every point outside it
        var none = model.Predict(zeros_like(a));
        Assert.True(none.eq(zeroCluster).all().ToBoolean());
        Assert.True(none.masked_select(outside).ne(c.masked_select(outside)).all().ToBoolean());
    }

    [Fact]
    public void BatchedMapRemovalEqualsAPlainLoop()
    {
        var (a, upper) = Setup(5, n: 12, bias: true);
        var (model, _, _) = Fit(a, upper, 3);
        var c = model.Predict(a);
        var relevance = randn(new long[] { 12, 4 }, dtype: float64, generator: Seeds.Generator(2));
        relevance[0].copy_(tensor(new[] { 1.0, 1.0, 0.0, 0.0 }));                         // a tie: broken by map index
        var batched = ChannelFlipping.Curves(model.Predict, a, c, relevance, maxBatch: 7);
        Assert.Equal(batched.data<double>().ToArray(), ChannelFlipping.Curves(model.Predict, a, c, relevance).data<double>().ToArray());
        for (int i = 0; i < 12; i++)
        {
            var order = Enumerable.Range(0, 4).OrderByDescending(j => relevance[i, j].ToDouble()).ThenBy(j => j).ToArray();
            for (int step = 1; step <= 4; step++)
            {
                var keep = zeros(4, dtype: float64);
                foreach (var j in order.Take(step)) keep[j].fill_(1);
                var x = a[i].unsqueeze(0) * keep.reshape(1, 4, 1, 1);
                double expected = model.Predict(x)[0].ToInt64() == c[i].ToInt64() ? 1 : 0;
                Assert.Equal(expected, batched[i, step - 1].ToDouble());
            }
        }
    }

    [Fact]
    public void PdaZeroAndIntegratedGradientsFollowTheirDefinitions()
    {
        var (a, upper) = Setup(6, n: 10, bias: true);
        var (model, _, _) = Fit(a, upper, 3);
        var c = model.Predict(a);
        var g = Seeds.Generator(0);
        var pda = ChannelRelevanceMethods.PdaZero(model, maxBatch: 9).Explain(a, c, g);
        var f0 = model.F(a, c);
        for (int i = 0; i < 4; i++)
        {
            var removed = a.clone(); removed[.., i].fill_(0);
            Assert.True((pda[.., i] - (f0 - model.F(removed, c))).abs().max().ToDouble() < 1e-10);
        }
        // IG: Σ_C IG ≈ f_c(a) − f_c(0) as the number of steps grows (completeness); with 10 steps it is the Riemann sum
        var ig = ChannelRelevanceMethods.IntegratedGradients(model, steps: 400).Explain(a, c, g);
        var fZero = model.F(zeros_like(a), c);
        Assert.True((ig.sum(1) - (f0 - fZero)).abs().max().ToDouble() < 0.02 * (1 + f0.abs().max().ToDouble()));
        var sq = ChannelRelevanceMethods.Squared().Explain(a, c, g);
        Assert.True((sq - a.pow(2).sum(new long[] { 2, 3 })).abs().max().ToDouble() < 1e-12);
    }
}
