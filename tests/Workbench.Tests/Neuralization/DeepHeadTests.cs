using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using Workbench.Neuralization;
using Workbench.Propagation;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;

namespace Workbench.Tests.Neuralization;

/// <summary>NEON on a deep network (digest §6.7): the head decides like k-means on Ψ(x), f_c is the distance gap, Σ R = f_c.</summary>
public class DeepHeadTests
{
    static double[] Vec(Tensor t) => t.cpu().to_type(float64).data<double>().ToArray();

    static void Close(double[] e, double[] a, double tol, string what)
    {
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]}, got {a[i]}");
    }

    static (Tensor X, Tensor Mu) Points(long seed, int n, int d, int k)
    {
        var g = Seeds.Generator(seed);
        var mu = randn(new long[] { k, d }, dtype: float64, generator: g) * 2;
        var x = mu.index_select(0, randint(k, new long[] { n }, generator: g)) + randn(new long[] { n, d }, dtype: float64, generator: g);
        return (x, mu);
    }

    [Theory, InlineData(1L, 3, 2), InlineData(2L, 5, 4), InlineData(3L, 7, 6)]
    public void WithTheIdentityFeatureMapTheEngineReproducesNeuralizedKMeans(long seed, int d, int k)
    {
        var (x, mu) = Points(seed, 50, d, k);
        var deep = new NeuralizedDeepClustering(nn.Identity(), mu);
        var flat = new NeuralizedKMeans(mu);
        Assert.Equal(Vec(flat.Predict(x)), Vec(deep.Predict(x, CPU)));
        foreach (var beta in new[] { 0.0, 0.7, double.PositiveInfinity })
        {
            using var e0 = flat.Explain(x, beta);
            using var e1 = deep.Explain(x, new Composite(), beta, device: CPU);
            Close(Vec(e0.F), Vec(e1.OutputRelevance.sum(new long[] { 1 })), 1e-10, $"f_c β={beta}");
            Close(Vec(e0.Relevance), Vec(e1.Relevance), 1e-8, $"R β={beta}");
        }
    }

    [Theory, InlineData(11L, 3, 2), InlineData(12L, 5, 4)]
    public void AsAnINeuralizedClusteringItExplainsLikeNeuralizedKMeansWithTheIdentity(long seed, int d, int k)
    {
        // the contract's Explain (default composite for Ψ, heuristic β) on Ψ = identity is Prop. 1's network exactly
        var (x, mu) = Points(seed, 40, d, k);
        INeuralizedClustering deep = new NeuralizedDeepClustering(nn.Identity(), mu);
        INeuralizedClustering flat = new NeuralizedKMeans(mu);
        Assert.Equal(k, deep.K);
        Assert.Equal(Vec(flat.Predict(x)), Vec(deep.Predict(x)));
        Close(Vec(flat.F(x)), Vec(deep.F(x)), 1e-10, "f_c");
        var other = (flat.Predict(x) + 1).remainder(k);
        Close(Vec(flat.F(x, other)), Vec(deep.F(x, other)), 1e-10, "f_c of another cluster");
        foreach (var clusters in new Tensor?[] { null, other })
        {
            using var e0 = flat.Explain(x, clusters: clusters);
            using var e1 = deep.Explain(x, clusters: clusters);
            Assert.Equal(Vec(e0.Clusters), Vec(e1.Clusters));
            Close(Vec(e0.F), Vec(e1.F), 1e-10, "F");
            Close(Vec(e0.NeuronRelevance), Vec(e1.NeuronRelevance), 1e-9, "R_k");
            Close(Vec(e0.Relevance), Vec(e1.Relevance), 1e-8, "R_i");
        }
    }

    [Theory, InlineData(4L, 4, 3), InlineData(5L, 6, 5)]
    public void SoftHeadsWithTheIdentityFollowEqs2And4Literally(long seed, int d, int k)
    {
        // Props. 6–7 on a = x: h_ck = (μ_c − μ_k)ᵀa (+ b); R_k = softmin_β(h)_k f_c (absolute: × h_k / f_c);
        // R_i = Σ_k a_i w_ik / (w_kᵀa) · R_k (midpoint rule with the root 0)
        var (x, mu) = Points(seed, 40, d, k);
        foreach (var theta in new double?[] { null, 0.6 })
        {
            var deep = new NeuralizedDeepClustering(nn.Identity(), mu, soft: true, theta: theta);
            var logits = x.matmul(mu.T);
            Assert.Equal(Vec(logits.argmax(1)), Vec(deep.Predict(x, CPU)));
            double beta = theta is null ? 0.5 : 1.0;
            using var e = deep.Explain(x, new Composite(), beta, device: CPU);
            var c = logits.argmax(1);
            var w = mu.index_select(0, c).unsqueeze(1) - mu.unsqueeze(0);                   // [N,K,D]: μ_c − μ_k
            var wa = (w * x.unsqueeze(1)).sum(new long[] { 2 });                             // [N,K]
            double b = theta is { } t ? -Math.Log(k - 1) + Math.Log((1 - t) / t) : 0;
            var h = wa + b;
            var members = nn.functional.one_hot(c, k).eq(0);
            var f = theta is null ? h.masked_fill(members.logical_not(), double.PositiveInfinity).amin(new long[] { 1 })
                                  : Numerics.Lme.Pool(h, -1.0, 1, members);
            Close(Vec(f), Vec(deep.F(x, device: CPU)), 1e-10, $"f_c θ={theta}");
            var rk = MinTakeMost.Redistribute(h, members, f, beta);
            if (theta is not null) rk = rk * h / f.unsqueeze(1);
            var r = (x.unsqueeze(1) * w * (rk / wa.masked_fill(members.logical_not(), 1)).masked_fill(members.logical_not(), 0).unsqueeze(2)).sum(new long[] { 1 });
            Close(Vec(r), Vec(e.Relevance), 1e-8, $"R θ={theta}");
        }
    }

    [Fact]
    public void OnABiasFreeCnnTheHeadDecidesLikeKMeansAndPixelRelevanceSumsToF()
    {
        torch.manual_seed(3);
        var psi = nn.Sequential(("conv", nn.Conv2d(1, 4, 3, padding: 1, bias: false, dtype: float64)), ("relu", nn.ReLU()),
                                ("pool", nn.MaxPool2d(2)), ("flat", nn.Flatten()));
        psi.eval();
        var x = rand(new long[] { 12, 1, 6, 6 }, dtype: float64, generator: Seeds.Generator(8));
        Tensor feats;
        using (no_grad()) feats = psi.call(x);
        var mu = feats.index_select(0, tensor(new long[] { 0, 3, 7 }));       // three points as centroids
        var deep = new NeuralizedDeepClustering(psi, mu);
        var d2 = (feats.unsqueeze(1) - mu.unsqueeze(0)).pow(2).sum(2);         // [N,K]
        Assert.Equal(Vec(d2.argmin(1)), Vec(deep.Predict(x, CPU)));
        var sorted = d2.sort(1).Values;
        Close(Vec(sorted[.., 1] - sorted[.., 0]), Vec(deep.F(x, device: CPU)), 1e-9, "f_c = 2nd smallest − smallest");
        using var e = deep.Explain(x, Composites.Uniform(new Lrp0()), device: CPU, layers: new[] { "features.pool" });
        var f = Vec(deep.F(x, device: CPU));
        // points that are centroids have f_c = their gap to the next centroid; all inputs conserve
        Close(f, Vec(e.Relevance.flatten(1).sum(new long[] { 1 })), 1e-6, "Σ pixel relevance = f_c");
        Close(f, Vec(e.Layers["features.pool"].flatten(1).sum(new long[] { 1 })), 1e-6, "Σ relevance at the pool = f_c");
    }
}
