using TorchSharp;
using Workbench.Additive;
using Workbench.Evaluation;
using Workbench.Gating;
using Workbench.Studies.NeurCam;
using static TorchSharp.torch;

namespace Workbench.Tests.Additive;

/// <summary>NeurCAM: losses, annealing, additivity, feature selection on synthetic sets, bad input (digest §6.3–6.6).</summary>
public class NeurCamTests
{
    static double MaxAbs(Tensor t) => t.abs().max().ToDouble();

    static NeurCam Small(int k, int c = -1, int p = 0, int epochs = 60, long seed = 1, double lr = 1e-2, int batch = 128, CentroidInit init = CentroidInit.SoftMeans) =>
        new(k, c, p, hidden: new[] { 16, 16 }, bases: 8, epochs: epochs, batchSize: batch, learningRate: lr, init: init, seed: seed);

    [Fact]
    public void ClusteringLossWithOneHotWeightsIsTheInertiaForAnyM()
    {
        var g = new Generator(5);
        var rep = randn(new long[] { 12, 3 }, generator: g);
        var z = randn(new long[] { 4, 3 }, generator: g);
        var lab = randint(0, 4, new long[] { 12 }, generator: g);
        var w = nn.functional.one_hot(lab, 4).to(ScalarType.Float32);
        double inertia = ClusterMetrics.Inertia(rep, lab, z);
        foreach (var m in new[] { 1.0, 1.05, 2.0 })
            Assert.Equal(inertia, NeurCam.ClusteringLoss(w, rep, z, m).ToDouble() * 12 * 4, 3);
    }

    [Fact]
    public void KlIsBatchMeanAndZeroAtTheTarget()
    {
        var target = tensor(new double[,] { { .7, .2, .1 }, { .25, .25, .5 } });
        var w = tensor(new double[,] { { .5, .3, .2 }, { .1, .6, .3 } });
        double byHand = (.7 * Math.Log(.7 / .5) + .2 * Math.Log(.2 / .3) + .1 * Math.Log(.1 / .2)
                       + .25 * Math.Log(.25 / .1) + .25 * Math.Log(.25 / .6) + .5 * Math.Log(.5 / .3)) / 2;
        Assert.Equal(byHand, NeurCam.KlDivergence(target, w.log()).ToDouble(), 12);
        Assert.Equal(0, NeurCam.KlDivergence(target, target.log()).ToDouble(), 12);
    }

    [Theory]
    [InlineData(0.3)] [InlineData(1.0)] [InlineData(0.05)] [InlineData(2.5)]
    public void FrozenGatesAreHardByTheDigestEpoch(double gap)
    {
        int ea = 50; double tmin = 1e-5;
        var logits = tensor(new[] { 0.4, 0.4 - gap, -0.7 - gap });
        int first = -1;
        for (int e = 0; e < ea && first < 0; e++)
            if (Entmax.IsOneHot(Entmax.Entmax15(logits / Annealing.Temperature(AnnealSchedule.LogScale, e, ea, tmin, 0))).item<bool>()) first = e;
        Assert.Equal(Annealing.FirstHardEpoch(gap, ea, tmin), first);
        Assert.True(first <= (int)Math.Ceiling(ea * Math.Log10(2 / gap) / 5) || gap >= 2);
        // the multiplicative schedule with ε = T_min^{1/E_a} is the same schedule
        for (int e = 0; e < ea; e++)
            Assert.Equal(Annealing.Temperature(AnnealSchedule.LogScale, e, ea, tmin, 0),
                Annealing.Temperature(AnnealSchedule.Multiplicative, e, ea, tmin, Math.Pow(tmin, 1.0 / ea)), 12);
    }

    [Fact]
    public void BlobsSelectTheInformativeFeaturesAndTheModelIsExactlyAdditive()
    {
        var set = SyntheticSets.Blobs(n: 450, d: 6, seed: 3);
        var model = Small(3, c: 2, epochs: 80, batch: 64, init: CentroidInit.MiniBatchKMeans).Fit(set.X, set.Representation);
        var picked = model.SelectedFeatures.data<long>().OrderBy(v => v).ToArray();
        Assert.Equal(new long[] { 0, 1 }, picked);
        Assert.True(model.AllGatesHardAtLock);
        double ari = ClusterMetrics.AdjustedRand(set.Labels, model.Labels);
        Assert.True(ari >= 0.95, $"ARI {ari}");
        // locked logits never changed after locking
        Assert.Equal(0, MaxAbs(model.Network.SingleLogits - model.SingleLogitsAtLock));
        // prediction = sum of the shape functions, grouped and centred
        var logits = model.DecisionFunction(set.X);
        Assert.True(MaxAbs(model.ChannelContributions(set.X).sum(new long[] { 1 }) - logits) < 1e-5);
        var sg = model.ShapeGraphs();
        Assert.True(MaxAbs(sg.TermContributions(set.X).sum(new long[] { 1 }) - logits) < 1e-5);
        var (f0, centred) = sg.Centred(set.X, set.X);
        Assert.True(MaxAbs(centred.sum(new long[] { 1 }) + f0.unsqueeze(0) - logits) < 1e-4);
        // curve of a selected feature at the data = its term contribution
        var t0 = sg.Terms.ToList().IndexOf(new AdditiveTerm(0, -1));
        Assert.True(MaxAbs(sg.Curve(0, set.X[.., 0]) - sg.TermContributions(set.X)[.., t0, ..]) < 1e-5);
        // perturbing an unselected feature leaves the logits unchanged; at most C features are used
        var xp = set.X.clone(); xp[.., 4] = xp[.., 4] * 7 + 3;
        Assert.Equal(0, MaxAbs(model.DecisionFunction(xp) - logits));
        Assert.True(sg.Terms.Count <= 2);
        // rerun with the same seed gives the same labels
        var again = Small(3, c: 2, epochs: 80, batch: 64, init: CentroidInit.MiniBatchKMeans).Fit(set.X, set.Representation);
        Assert.True(again.Labels.eq(model.Labels).all().item<bool>());
    }

    [Fact]
    public void XorNeedsThePairwiseChannel()
    {
        var set = SyntheticSets.Xor(n: 800, d: 4, seed: 4);
        var single = Small(2, epochs: 60).Fit(set.X, set.Representation);
        double ariSingle = ClusterMetrics.AdjustedRand(set.Labels, single.Labels);
        Assert.True(ariSingle < 0.2, $"NCAM ARI {ariSingle}");
        var pair = Small(2, c: 0, p: 1, epochs: 100).Fit(set.X, set.Representation);
        var chosen = pair.SelectedPairs.data<long>().OrderBy(v => v).ToArray();
        Assert.Equal(new long[] { 0, 1 }, chosen);
        double ariPair = ClusterMetrics.AdjustedRand(set.Labels, pair.Labels);
        Assert.True(ariPair > 0.9, $"N2CAM ARI {ariPair}");
        var logits = pair.DecisionFunction(set.X);
        Assert.True(MaxAbs(pair.ShapeGraphs().TermContributions(set.X).sum(new long[] { 1 }) - logits) < 1e-5);
    }

    [Fact]
    public void PaperPresetHoldsThePapersSettings()
    {
        var p = NeurCam.Paper(26, pairChannels: 16);
        Assert.Equal(new[] { 128, 128 }, p.Hidden);
        Assert.Equal((-1, 16, 64, 1.05, 5000, 512, 2e-3), (p.SingleChannels, p.PairChannels, p.Bases, p.M, p.Epochs, p.BatchSize, p.LearningRate));
        Assert.Equal((0.4, 0.1, 0.1, 1e-5, 1.0, true), (p.WarmupRatio, p.SingleAnnealRatio, p.PairAnnealRatio, p.MinTemperature, p.KlWeight, p.ClusteringLossAfterWarmup));
        Assert.Equal((AnnealSchedule.LogScale, CentroidInit.MiniBatchKMeans, 100, 50), (p.Schedule, p.Init, p.Patience, p.LrPatience));
        var text = NeurCam.Paper(7, singleChannels: 128, pairChannels: 128, m: 1.025);
        Assert.Equal((128, 128, 1.025), (text.SingleChannels, text.PairChannels, text.M));
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var g = new Generator(1);
        var x = randn(new long[] { 20, 3 }, dtype: ScalarType.Float64, generator: g);
        var constant = x.clone(); constant[.., 1] = 2.0;
        Assert.Contains("constant", Assert.Throws<ArgumentException>(() => Small(2, epochs: 4).Fit(constant)).Message);
        var nan = x.clone(); nan[3, 2] = double.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Small(2, epochs: 4).Fit(nan)).Message);
        Assert.Contains("at least 30 rows", Assert.Throws<ArgumentException>(() => Small(30, epochs: 4).Fit(x)).Message);
        Assert.Contains("representation has", Assert.Throws<ArgumentException>(() => Small(2, epochs: 4).Fit(x, x[TensorIndex.Slice(0, 10)])).Message);
        Assert.Contains("distinct pairs", Assert.Throws<ArgumentException>(() => Small(2, p: 4, epochs: 4).Fit(x)).Message);
        Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => Small(2).Predict(x)).Message);
    }
}
