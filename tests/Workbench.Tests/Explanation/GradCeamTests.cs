using TorchSharp;
using Workbench.Explanation;
using Workbench.Models;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Tests.Explanation;

/// <summary>Conv1d(1→2, k=1, w=[1,−1], b=0) → ReLU → GAP → Dense = I₂ (digest §6 check 4).</summary>
sealed class TinyNet : IConvAutoencoder
{
    public long[] InputShape => [1, 4];
    public int SpatialDims => 1;
    public int LatentDim => 2;
    public Tensor Head(Tensor x) => cat([nn.functional.relu(x), nn.functional.relu(-x)], 1);
    public Tensor Tail(Tensor a) => a.mean([2]).matmul(eye(2, dtype: a.dtype));
    public Tensor Encode(Tensor x) => Tail(Head(x));
    public Tensor Decode(Tensor z) => throw new NotSupportedException();
}

/// <summary>A model whose "target layer" has no spatial axis (for the error).</summary>
sealed class FlatNet : IConvAutoencoder
{
    public long[] InputShape => [1, 4];
    public int SpatialDims => 1;
    public int LatentDim => 2;
    public Tensor Head(Tensor x) => x.flatten(1);
    public Tensor Tail(Tensor a) => a[.., ..2];
    public Tensor Encode(Tensor x) => Tail(Head(x));
    public Tensor Decode(Tensor z) => throw new NotSupportedException();
}

public class GradCeamTests
{
    public GradCeamTests() { Progress.Enabled = false; }

    static readonly Tensor Mu3 = tensor(new double[,] { { 0, 0, 0 }, { 1, 0.5, 2 }, { 0.1, 3, 1 } });

    static double[] D(Tensor t) => t.to_type(ScalarType.Float64).cpu().data<double>().ToArray();

    static void Close(double[] expected, double[] actual, double rel, double abs = 1e-9)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= abs + rel * Math.Abs(expected[i]), $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Eq5CentroidWeightsMatchDigest()
    {
        var cw = GradCeam.CentroidWeights(Mu3);
        Close([0, 1, 0.791667], D(cw[0]), 1e-5);
        Close([0, 1, 1], D(cw[1]), 1e-12);
        Close([0, 1, 0.222222], D(cw[2]), 1e-5);
    }

    [Fact]
    public void Eq5InvariantToTranslationAndScaling_AndSymmetricForTwoClusters()
    {
        var g = Workbench.Compute.Seeds.Generator(3);
        var mu = randn([5, 7], dtype: ScalarType.Float64, generator: g);
        var cw = D(GradCeam.CentroidWeights(mu));
        var shift = randn([1, 7], dtype: ScalarType.Float64, generator: g);
        Close(cw, D(GradCeam.CentroidWeights(mu + shift)), 1e-10, 1e-12);
        Close(cw, D(GradCeam.CentroidWeights(mu * 3.7)), 1e-10, 1e-12);
        var two = GradCeam.CentroidWeights(mu[..2]);
        Close(D(two[0]), D(two[1]), 0, 0);
    }

    [Theory]
    [InlineData(0, new[] { 4.950495, 0.9995, 0.999001 }, 3.445605, new[] { 0, 1.001, 0.790 })]
    [InlineData(1, new[] { 0.998004, 1.332445, 1.663894 }, 7.760774, new[] { 0, -1.176, 24.880 })]
    [InlineData(2, new[] { 500.0, 2000, 1000 }, 10266666.67, new[] { 0, 2.4e7, 222222.2 })]
    public void CodeLossAndGradientAtWorkedPoint(int c, double[] r, double loss, double[] grad)
    {
        var z = tensor(new[] { 0.3, 2.5, 1.2 }).reshape(1, 3).requires_grad_(true);
        Close(r, D(GradCeam.RepresentationRatios(z.detach(), Mu3, c)), 1e-6);
        var l = GradCeam.CodeLoss(z, Mu3, c);
        Close([loss], D(l.detach()), 1e-7);
        var gz = autograd.grad([l.sum()], [z])[0];
        Close(grad, D(gz), 1e-3, 1e-9);
    }

    [Fact]
    public void SampleAtItsCentroidHasMaximalRatio()
    {
        for (int c = 0; c < 3; c++)
        {
            var r = GradCeam.RepresentationRatios(Mu3[c].unsqueeze(0), Mu3, c);
            var expected = (Mu3 - Mu3[c]).abs().amax([0]) / GradCeam.RepresentationEps;
            Close(D(expected), D(r), 1e-12);
        }
    }

    [Fact]
    public void TinyNetworkHeatmap()
    {
        var net = new TinyNet();
        var mu = tensor(new double[,] { { 0.6, 0.4 }, { 0.2, 0.9 }, { 1, 0 } });
        var x = tensor(new[] { 0.5, -1, 2, -0.5 }).reshape(1, 1, 4);
        Close([0.625, 0.375], D(net.Encode(x)), 1e-15);
        Close([0, 1], D(GradCeam.CentroidWeights(mu)[0]), 1e-15);
        Close([93750], D(GradCeam.CodeLoss(net.Encode(x), mu, 0)), 1e-9);
        var cam = new GradCeam(net, mu);
        var a = cam.Activations(x);
        var w = cam.ChannelWeights(a, 0);
        Close([0, 500000], D(w), 1e-9, 1e-6);
        Close([0, 5e5, 0, 2.5e5], D(GradCeam.Cam(a, w, GradCeamVariant.Official)), 1e-9, 1e-6);
        Close([0, 1, 0, 0.5], D(cam.Heatmaps(x, 0)), 1e-9, 1e-9);
        // paper variant: W/(2D) = W/8, same heatmap (W ≥ 0 here)
        var paper = new GradCeam(net, mu, GradCeamVariant.Paper);
        Close([0, 62500], D(paper.ChannelWeights(a, 0)), 1e-9, 1e-6);
        Close([0, 1, 0, 0.5], D(paper.Heatmaps(x, 0)), 1e-9, 1e-9);
    }

    static ResNetAutoencoder1D SmallResNet() { var m = new ResNetAutoencoder1D(16, filters: [4, 6, 5], latentDim: 3, seed: 1); m.to(ScalarType.Float64); m.eval(); return m; }
    static ConvAutoencoder2D SmallCae() { var m = new ConvAutoencoder2D(1, 12, 12, filters: [3, 4], kernels: [3, 3], strides: [2, 2], latentDim: 3, seed: 1); m.to(ScalarType.Float64); m.eval(); return m; }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void AutogradMatchesFiniteDifferences(int dims)
    {
        IConvAutoencoder model = dims == 1 ? SmallResNet() : SmallCae();
        var g = Workbench.Compute.Seeds.Generator(5);
        var x = randn([2, .. model.InputShape], dtype: ScalarType.Float64, generator: g);
        var mu = randn([3, 3], dtype: ScalarType.Float64, generator: g) * 0.3;
        var cam = new GradCeam(model, mu);
        var a = cam.Activations(x) + 0.1; // away from kinks
        for (int c = 0; c < 3; c++)
        {
            var grad = D(cam.LossGradient(a, c));
            var flat = a.flatten().clone();
            var fd = new double[flat.shape[0]];
            double h = 1e-6;
            using (no_grad())
                for (long i = 0; i < flat.shape[0]; i++)
                {
                    var p = flat.clone(); p[i] += h; var m = flat.clone(); m[i] -= h;
                    double lp = GradCeam.CodeLoss(model.Tail(p.reshape(a.shape)), mu, c).sum().ToDouble();
                    double lm = GradCeam.CodeLoss(model.Tail(m.reshape(a.shape)), mu, c).sum().ToDouble();
                    fd[i] = (lp - lm) / (2 * h);
                }
            double num = Math.Sqrt(grad.Zip(fd, (u, v) => (u - v) * (u - v)).Sum()), den = Math.Sqrt(fd.Sum(v => v * v));
            Assert.True(num / den < 1e-5, $"cluster {c}: relative error {num / den:E2}");
        }
    }

    [Fact]
    public void OneDimensionalChannelWeightsHaveClosedForm()
    {
        var model = SmallResNet();
        var g = Workbench.Compute.Seeds.Generator(6);
        var x = randn([3, 1, 16], dtype: ScalarType.Float64, generator: g);
        var mu = randn([4, 3], dtype: ScalarType.Float64, generator: g) * 0.3;
        var cam = new GradCeam(model, mu);
        var a = cam.Activations(x);
        for (int c = 0; c < 4; c++)
        {
            var z = model.Tail(a).detach().requires_grad_(true);
            var gz = autograd.grad([GradCeam.CodeLoss(z, mu, c).sum()], [z])[0];
            var closed = 2 * gz.matmul(model.Dense.weight!.detach()); // W_k = 2 Σ_j Wd_jk g_j
            Close(D(closed), D(cam.ChannelWeights(a, c)), 1e-9, 1e-9);
            var paper = new GradCeam(model, mu, GradCeamVariant.Paper);
            Close(D(closed / (2 * 16)), D(paper.ChannelWeights(a, c)), 1e-9, 1e-9);
        }
    }

    [Fact]
    public void HeatmapInvariances()
    {
        var model = SmallCae();
        var g = Workbench.Compute.Seeds.Generator(7);
        var x = rand([4, 1, 12, 12], dtype: ScalarType.Float64, generator: g);
        var mu = randn([3, 3], dtype: ScalarType.Float64, generator: g) * 0.3;
        var cam = new GradCeam(model, mu);
        var h = cam.Heatmaps(x, 1);
        Close(Enumerable.Repeat(0.0, 4).ToArray(), D(h.flatten(1).amin([1])), 0, 1e-12);
        // the max is (max − min)/(max − min + 1e-8) = 1 − 1e-8/(max − min): below 1 by ~1e-6 for this model's cam range (~0.02)
        var a0 = cam.Activations(x);
        var raw0 = GradCeam.Cam(a0, cam.ChannelWeights(a0, 1), GradCeamVariant.Official).flatten(1);   // bilinear resize keeps the corner values, so the range
        var range = D(raw0.amax([1]) - raw0.amin([1]));
        Close(range.Select(r => r / (r + GradCeam.NormalizeEps)).ToArray(), D(h.flatten(1).amax([1])), 0, 0.2 * 1e-8 / range.Min());
        // relabelling the other centroids: cluster 1 becomes index 2
        var perm = new GradCeam(model, mu.index_select(0, tensor(new long[] { 0, 2, 1 })));
        Close(D(h), D(perm.Heatmaps(x, 2)), 1e-9, 1e-9);
        // positive affine change of the cam
        var a = cam.Activations(x);
        var raw = GradCeam.Cam(a, cam.ChannelWeights(a, 1), GradCeamVariant.Official);
        Close(D(GradCeam.Postprocess(raw, model.InputShape)),
              D(GradCeam.Postprocess(raw * 123.0 + 4.5, model.InputShape)), 1e-6, 1e-7);
    }

    [Fact]
    public void TailOfTargetLayerReproducesCodes_AndUnitWeightsKeepClusters()
    {
        var model = SmallResNet();
        var g = Workbench.Compute.Seeds.Generator(8);
        var x = randn([30, 1, 16], dtype: ScalarType.Float64, generator: g);
        Tensor z; using (no_grad()) z = model.Encode(x);
        var km = new Workbench.Clustering.KMeans(3, nInit: 5, seed: 0).Fit(z);
        var cam = new GradCeam(model, km.Centroids);
        Tensor z2; using (no_grad()) z2 = model.Tail(cam.Activations(x));
        Close(D(z), D(z2), 1e-6, 1e-6);
        Assert.Equal(km.Labels.data<long>().ToArray(), DiscriminationTest.Assign(z2, km.Centroids).data<long>().ToArray());
        var res = DiscriminationTest.Run(cam, x, (i, w) => ones_like(w));
        Assert.All(res.Ratios, r => Assert.Equal(1.0, r));
    }

    [Theory]
    [InlineData(1, GradCeamVariant.Official)]
    [InlineData(2, GradCeamVariant.Official)]
    [InlineData(1, GradCeamVariant.Paper)]
    [InlineData(2, GradCeamVariant.Paper)]
    public void AllClustersInOnePassEqualOneClusterAtATime(int dims, GradCeamVariant variant)
    {
        IConvAutoencoder model = dims == 1 ? SmallResNet() : SmallCae();
        var g = Workbench.Compute.Seeds.Generator(11);
        var x = dims == 1 ? randn([7, 1, 16], dtype: ScalarType.Float64, generator: g) : rand([7, 1, 12, 12], dtype: ScalarType.Float64, generator: g);
        Tensor z; using (no_grad()) z = model.Encode(x);
        var mu = z.index_select(0, tensor(new long[] { 0, 3, 5, 6 })) + 0.01 * randn([4, z.shape[1]], dtype: ScalarType.Float64, generator: g);
        // batch size 5 with K = 4: chunks of one sample, so the chunking and the concatenation are exercised
        var cam = new GradCeam(model, mu, variant, batchSize: 5);
        var zb = z.unsqueeze(0).expand(4, -1, -1) + 0.1 * randn([4, 7, z.shape[1]], dtype: ScalarType.Float64, generator: g);
        var lossAll = GradCeam.CodeLossAllClusters(zb, mu);
        var a = cam.Activations(x);
        var wAll = cam.ChannelWeightsAllClusters(a);
        var hAll = cam.HeatmapsAllClusters(x);
        Assert.Equal(new long[] { 4, 7 }.Concat(model.InputShape.Skip(1)).ToArray(), hAll.shape);
        for (int c = 0; c < 4; c++)
        {
            Close(D(GradCeam.CodeLoss(zb[c], mu, c)), D(lossAll[c]), 1e-12, 1e-9);
            Close(D(cam.ChannelWeights(a, c)), D(wAll[c]), 1e-9, 1e-9);
            Close(D(cam.Heatmaps(x, c)), D(hAll[c]), 1e-9, 1e-9);
        }
        // the clusters' maps differ, so the comparison above is not between copies of one map
        Assert.True((hAll[0] - hAll[1]).abs().max().ToDouble() > 1e-3);
        Assert.Throws<ArgumentException>(() => GradCeam.CodeLossAllClusters(zb[0], mu));
    }

    [Fact]
    public void OtherClusterBaselineAveragesTheOtherClustersWeights()
    {
        var model = SmallResNet();
        var g = Workbench.Compute.Seeds.Generator(12);
        var x = randn([40, 1, 16], dtype: ScalarType.Float64, generator: g);
        Tensor z; using (no_grad()) z = model.Encode(x);
        var km = new Workbench.Clustering.KMeans(3, nInit: 5, seed: 0).Fit(z);
        var cam = new GradCeam(model, km.Centroids);
        var all = cam.ChannelWeightsAllClusters(cam.Activations(x));
        var perWeights = Enumerable.Range(0, 3).Select(j => DiscriminationTest.Run(cam, x, (i, w) => all[j]).After).ToArray();
        var baseline = DiscriminationTest.OtherClusterBaseline(cam, x);
        for (int i = 0; i < 3; i++)
            Assert.Equal(Enumerable.Range(0, 3).Where(j => j != i).Average(j => perWeights[j][i]), baseline.After[i], 12);
        Assert.Equal(DiscriminationTest.Run(cam, x).Before, baseline.Before);
    }

    [Fact]
    public void SmoothingMatchesTheCodeLoop()
    {
        var g = Workbench.Compute.Seeds.Generator(9);
        foreach (int T in new[] { 20, 41, 60 })
        {
            var h = rand([2, T], dtype: ScalarType.Float64, generator: g);
            var s = D(GradCeam.SmoothSeries(h));
            var hv = D(h);
            int d = (int)Math.Ceiling(T / 20.0);
            for (int n = 0; n < 2; n++)
                for (int i = 0; i < T; i++)
                {   // GradCam.py:38-59 written out
                    double r = 0;
                    int start = i - d > 0 ? i - d : 0, end = i + d + 1 < T - 1 ? i + d + 1 : T;
                    for (int j = start; j < i; j++) r += 0.5 / (i - j) * hv[n * T + j];
                    for (int j = i + 1; j < end; j++) r += 0.5 / (j - i) * hv[n * T + j];
                    r += hv[n * T + i];
                    Assert.Equal(r, s[n * T + i], 12);
                }
        }
    }

    [Fact]
    public void BadInputsGetClearErrors()
    {
        var cae = new ConvAutoencoder2D();
        var e1 = Assert.Throws<ArgumentException>(() => cae.Head(zeros(2, 3, 28, 28)));
        Assert.Contains("[N, 1, 28, 28]", e1.Message);
        Assert.Throws<ArgumentException>(() => cae.Head(zeros(2, 1, 32, 32)));
        var res = new ResNetAutoencoder1D(128, filters: [4, 4, 4]);
        var e2 = Assert.Throws<ArgumentException>(() => res.Head(zeros(2, 1, 100)));
        Assert.Contains("length 128", e2.Message);
        var flat = new FlatNet();
        var mu = tensor(new double[,] { { 0, 1 }, { 1, 0 } });
        var e3 = Assert.Throws<InvalidOperationException>(() => new GradCeam(flat, mu).Heatmaps(zeros(2, 1, 4), 0));
        Assert.Contains("spatial or temporal axis", e3.Message);
        var ak = new Workbench.Clustering.AutoencoderKMeans(() => new ResNetAutoencoder1D(16, filters: [2, 2, 2]), k: 5, epochs: 0);
        var e4 = Assert.Throws<ArgumentException>(() => ak.Fit(zeros(3, 16)));
        Assert.Contains("K = 5", e4.Message);
        // K larger than the test split the clusters are fitted on (the official protocol clusters the test codes)
        var ak2 = new Workbench.Clustering.AutoencoderKMeans(() => new ResNetAutoencoder1D(16, filters: [2, 2, 2]), k: 3, epochs: 0).Fit(randn(6, 16));
        var e5 = Assert.Throws<ArgumentException>(() => ak2.FitClusters(randn(2, 16)));
        Assert.Contains("K = 3", e5.Message);
        var tiny = new GradCeam(new TinyNet(), tensor(new double[,] { { 0.6, 0.4 }, { 0.2, 0.9 }, { 1, 0 } }));
        Assert.Throws<ArgumentException>(() => DiscriminationTest.Run(tiny, zeros(2, 1, 4, dtype: ScalarType.Float64)));
    }
}
