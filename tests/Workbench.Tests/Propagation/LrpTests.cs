using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;
using Gamma = Workbench.Propagation.Lrp.Rules.Gamma;

namespace Workbench.Tests.Propagation;

/// <summary>
/// The LRP engine against the definitions: the digest's hand example (000-neon-rest §6.2), LRP-0 = gradient × input,
/// conservation per layer, γ = 0 = LRP-0, BatchNorm canonization, and zennit's rule formulas on dense layers.
/// </summary>
public class LrpTests
{
    static double[] Vec(Tensor t) => t.cpu().to_type(float64).data<double>().ToArray();

    static void Close(double[] expected, double[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    static void SetLinear(Linear l, double[,] w, double[]? b = null)
    {
        using var _ = no_grad();
        l.weight.copy_(tensor(w, dtype: float64));
        if (b is not null) l.bias!.copy_(tensor(b, dtype: float64));
    }

    /// <summary>The hand example: x = (1, 2), W₁ = [[1, 1], [−1, 2]], ReLU, v = (2, 1); z = (3, 3), y = 9.</summary>
    static Sequential HandNet()
    {
        var l1 = nn.Linear(2, 2, hasBias: false, dtype: float64); SetLinear(l1, new double[,] { { 1, 1 }, { -1, 2 } });
        var l2 = nn.Linear(2, 1, hasBias: false, dtype: float64); SetLinear(l2, new double[,] { { 2, 1 } });
        var net = nn.Sequential(("l1", l1), ("relu", nn.ReLU()), ("l2", l2));
        net.eval();
        return net;
    }

    static LrpResult ExplainHand(IRule first, IRule second)
    {
        var comp = new Composite().Then("l1", l => l.Name == "l1", first).Then("l2", l => l.Name == "l2", second)
                                  .Then("relu", l => l.IsActivation, new Pass());
        var x = tensor(new double[,] { { 1, 2 } }, dtype: float64);
        return Lrp.Explain(HandNet(), x, comp, y => y, new[] { "relu" }, CPU);
    }

    [Fact]
    public void MaxPoolAsAverageSharesAWindowsRelevanceInProportionToItsInputs()
    {
        // One 2×2 window x = (1, 2, 3, 4), R_out = max = 4: R_i = x_i / Σx · 4 (Norm on the window's average).
        var net = nn.Sequential(("pool", nn.MaxPool2d(2)));
        net.eval();
        var comp = new Composite().Then("pool", l => l.Name == "pool", new AveragePool(stabilizer: 1e-300));
        var x = tensor(new double[] { 1, 2, 3, 4 }, dtype: float64).reshape(1, 1, 2, 2);
        using var r = Lrp.Explain(net, x, comp, y => y, null, CPU);
        Close(new[] { 0.4, 0.8, 1.2, 1.6 }, Vec(r.Relevance), 1e-12, "R_x");
    }

    [Fact]
    public void HandExampleLrp0()
    {
        using var r = ExplainHand(new Lrp0(), new Lrp0());
        Assert.Equal(9.0, r.Output.item<double>(), 12);
        Close(new[] { 6.0, 3.0 }, Vec(r.Layers["relu"]), 1e-12, "R_h");
        Close(new[] { 1.0, 8.0 }, Vec(r.Relevance), 1e-12, "R_x");
    }

    [Fact]
    public void HandExampleEpsilonOne()
    {
        using var r = ExplainHand(new Epsilon(1), new Epsilon(1));
        Close(new[] { 5.4, 2.7 }, Vec(r.Layers["relu"]), 1e-12, "R_h");
        Close(new[] { 0.675, 5.4 }, Vec(r.Relevance), 1e-12, "R_x");
        Assert.Equal(6.075, Vec(r.Relevance).Sum(), 12);
    }

    [Fact]
    public void HandExampleGammaHalf()
    {
        using var r = ExplainHand(new Gamma(0.5), new Lrp0());
        Close(new[] { 6.0, 3.0 }, Vec(r.Layers["relu"]), 1e-12, "R_h");
        Close(new[] { 1.4, 7.6 }, Vec(r.Relevance), 1e-6, "R_x");   // stabilizer 1e-6 on z′ = (4.5, 5)
    }

    [Fact]
    public void HandExampleZBox()
    {
        using var r = ExplainHand(new ZBox(0.0, 3.0), new Lrp0());
        Close(new[] { 3.0, 6.0 }, Vec(r.Relevance), 1e-6, "R_x");
    }

    [Fact]
    public void HandExampleGammaZeroIsLrp0()
    {
        using var r = ExplainHand(new Gamma(0), new Lrp0());
        Close(new[] { 1.0, 8.0 }, Vec(r.Relevance), 1e-6, "R_x");
    }

    /// <summary>A small CNN with biases and every layer kind the engine covers.</summary>
    static Sequential Cnn(long seed, bool bias, bool batchNorm = false)
    {
        torch.manual_seed(seed);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv1", nn.Conv2d(2, 4, 3, padding: 1, bias: bias, dtype: float64)),
        };
        if (batchNorm) layers.Add(("bn1", nn.BatchNorm2d(4, dtype: float64)));
        layers.AddRange(new (string, nn.Module<Tensor, Tensor>)[]
        {
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(4, 6, 3, padding: 1, bias: bias, dtype: float64)),
            ("relu2", nn.LeakyReLU(0.0)),
            ("pool2", nn.AvgPool2d(2)),
            ("drop", nn.Dropout(0.3)),
            ("flat", nn.Flatten()),
            ("fc1", nn.Linear(6 * 2 * 2, 8, hasBias: bias, dtype: float64)),
            ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(8, 3, hasBias: bias, dtype: float64)),
        });
        var net = nn.Sequential(layers.ToArray());
        // Weights from the test's own generator (PyTorch's default bounds, 1/√fan-in): torch.manual_seed alone is not
        // enough, since tests running in parallel share torch's global generator.
        var g = Seeds.Generator(seed);
        double bound = 1;
        using (no_grad())
            foreach (var (name, p) in net.named_parameters())
            {
                if (name.EndsWith("weight") && p.dim() > 1) bound = 1 / Math.Sqrt(p.shape.Skip(1).Aggregate(1L, (a, b) => a * b));
                else if (name.EndsWith("weight")) continue;                               // BatchNorm's scale keeps its default 1
                p.copy_((rand(p.shape, dtype: float64, generator: g) * 2 - 1) * bound);
            }
        net.eval();
        return net;
    }

    static Tensor Images(long seed, int n = 5, double low = -1, double high = 1)
    {
        var g = Seeds.Generator(seed);
        return low + (high - low) * rand(new long[] { n, 2, 8, 8 }, dtype: float64, generator: g);
    }

    [Theory, InlineData(1L), InlineData(2L), InlineData(3L)]
    public void Lrp0IsGradientTimesInputOnReluNetsWithBiases(long seed)
    {
        var net = Cnn(seed, bias: true);
        var x = Images(seed + 10);
        // reference: plain autograd, no hooks
        var xg = x.clone().requires_grad_(true);
        var y = net.call(xg);
        var c = y.argmax(1);
        var sel = y.gather(1, c.unsqueeze(1)).sum();
        var grad = autograd.grad(new List<Tensor> { sel }, new List<Tensor> { xg })[0];
        var expected = Vec(x * grad);
        // The identity is exact only without stabilizers: the average pool's Norm rule defaults to ε = 1e-6, which moves R
        // by ε/z wherever a pooled value z is small (the random weights depend on torch's global generator, which parallel
        // tests share, so such a z turns up in some runs). ε = 1e-300 only guards 0/0.
        using var r = Lrp.Explain(net, x, Composites.Uniform(new Lrp0()).Override<TorchSharp.Modules.AvgPool2d>(new Norm(1e-300)), device: CPU);
        Close(expected, Vec(r.Relevance), 1e-9, "R_x");
    }

    public static IEnumerable<object[]> ConservingComposites() => new[]
    {
        new object[] { "LRP-0" }, new object[] { "gamma" }, new object[] { "zbox+gamma" }, new object[] { "zplus" },
    };

    static Composite Named(string which) => which switch
    {
        "LRP-0" => Composites.Uniform(new Lrp0()),
        "gamma" => Composites.Uniform(new Gamma(0.25)),
        "zbox+gamma" => Composites.EpsilonGammaBox(tensor(-1.0), tensor(1.0), epsilon: 0, gamma: 0.25),
        "zplus" => Composites.EpsilonPlus(epsilon: 0),
        _ => throw new ArgumentException(which),
    };

    [Theory, MemberData(nameof(ConservingComposites))]
    public void RelevanceIsConservedLayerByLayerWithoutBiases(string which)
    {
        var net = Cnn(7, bias: false);
        var x = Images(17);
        var names = new[] { "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flat", "fc1", "relu3" };
        using var r = Lrp.Explain(net, x, Named(which), layers: names, device: CPU);
        var total = Vec(r.OutputRelevance.sum(new long[] { 1 }));
        foreach (var n in names)
            Close(total, Vec(r.Layers[n].flatten(1).sum(new long[] { 1 })), 1e-5, $"{which}: Σ R at {n}");
        Close(total, Vec(r.Relevance.flatten(1).sum(new long[] { 1 })), 1e-5, $"{which}: Σ R at the input");
    }

    [Fact]
    public void GammaZeroReproducesLrp0OnACnn()
    {
        var net = Cnn(11, bias: true);
        var x = Images(21).clamp(min: 0);
        using var a = Lrp.Explain(net, x, Composites.Uniform(new Gamma(0)), device: CPU);
        using var b = Lrp.Explain(net, x, Composites.Uniform(new Lrp0()), device: CPU);
        Close(Vec(b.Relevance), Vec(a.Relevance), 1e-5, "γ=0 vs LRP-0");
    }

    // ---- zennit's definitions, one dense layer with bias and signed inputs ----

    static (double[] X, double[,] W, double[] B, double[] R) Dense(long seed, int j = 6, int k = 4)
    {
        var rng = new Random((int)seed);
        double N() => rng.NextDouble() * 2 - 1;
        var x = Enumerable.Range(0, j).Select(_ => N()).ToArray();
        var w = new double[k, j]; for (int a = 0; a < k; a++) for (int i = 0; i < j; i++) w[a, i] = N();
        var b = Enumerable.Range(0, k).Select(_ => 0.5 * N()).ToArray();
        var r = Enumerable.Range(0, k).Select(_ => N()).ToArray();
        return (x, w, b, r);
    }

    static double[] EngineDense(double[] x, double[,] w, double[] b, double[] rOut, IRule rule)
    {
        var lin = nn.Linear(x.Length, rOut.Length, dtype: float64); SetLinear(lin, w, b);
        var net = nn.Sequential(("dense", lin)); net.eval();
        var comp = new Composite().Then("dense", l => l.IsAffine, rule);
        var rt = tensor(rOut, dtype: float64).unsqueeze(0);
        using var res = Lrp.Explain(net, tensor(x, dtype: float64).unsqueeze(0), comp, _ => rt, device: CPU);
        return Vec(res.Relevance);
    }

    [Theory, InlineData(1L), InlineData(2L), InlineData(3L), InlineData(4L)]
    public void RulesMatchZennitDefinitionsOnADenseLayer(long seed)
    {
        var (x, w, b, r) = Dense(seed);
        Close(LrpReference.Epsilon(x, w, b, r, 1e-6), EngineDense(x, w, b, r, new Epsilon()), 1e-9, "ε");
        Close(LrpReference.Epsilon(x, w, b, r, 0.3), EngineDense(x, w, b, r, new Epsilon(0.3)), 1e-9, "ε=0.3");
        Close(LrpReference.Gamma(x, w, b, r, 0.25), EngineDense(x, w, b, r, new Gamma()), 1e-9, "γ");
        Close(LrpReference.Gamma(x, w, b, r, 1.5), EngineDense(x, w, b, r, new Gamma(1.5)), 1e-9, "γ=1.5");
        Close(LrpReference.AlphaBeta(x, w, b, r, 1, 0), EngineDense(x, w, b, r, new ZPlus()), 1e-9, "z⁺");
        Close(LrpReference.AlphaBeta(x, w, b, r, 2, 1), EngineDense(x, w, b, r, new AlphaBeta()), 1e-9, "α2β1");
        var low = x.Select(v => v - 1.0).ToArray(); var high = x.Select(v => v + 0.5).ToArray();
        Close(LrpReference.ZBox(x, w, b, r, low, high),
              EngineDense(x, w, b, r, new ZBox(tensor(low, dtype: float64), tensor(high, dtype: float64))), 1e-9, "z^B");
        Close(LrpReference.WSquare(w, b, r), EngineDense(x, w, b, r, new WSquare()), 1e-9, "w²");
        Close(LrpReference.Flat(r.Length, x.Length, r), EngineDense(x, w, b, r, new Flat()), 1e-9, "flat");
    }

    [Theory, InlineData(1L), InlineData(2L), InlineData(3L)]
    public void GammaOnNonNegativeInputsMatchesZennitWhenRelevanceReachesNegativeOutputs(long seed)
    {
        // x ≥ 0 takes the one-node path (W↑ forward, W↓ only in the backward, when relevance reaches z < 0): here every
        // output has relevance, so both maps run, and the result must still be zennit's two-pair formula.
        var (x, w, b, r) = Dense(seed);
        var xp = x.Select(Math.Abs).ToArray();
        Close(LrpReference.Gamma(xp, w, b, r, 0.25), EngineDense(xp, w, b, r, new Gamma()), 1e-9, "γ, x ≥ 0");
        Close(LrpReference.Gamma(xp, w, b, r, 1.5), EngineDense(xp, w, b, r, new Gamma(1.5)), 1e-9, "γ=1.5, x ≥ 0");
        double Z(int k) => Enumerable.Range(0, xp.Length).Sum(i => w[k, i] * xp[i]) + b[k];
        var onlyPositive = r.Select((v, k) => Z(k) > 0 ? v : 0).ToArray();
        Close(LrpReference.Gamma(xp, w, b, onlyPositive, 0.25), EngineDense(xp, w, b, onlyPositive, new Gamma()), 1e-9, "γ, relevance only on z > 0");
    }

    [Fact]
    public void ProfilingTraceLeavesTheRelevanceUnchangedAndTimesEveryLeaf()
    {
        var net = Cnn(5, bias: true);
        var x = Images(6);
        var comp = Composites.EpsilonGammaBox(tensor(-1.0), tensor(1.0));
        using var plain = Lrp.Explain(net, x, comp, device: CPU);
        var trace = new LrpTrace();
        LrpTrace.Current = trace;
        try
        {
            using var traced = Lrp.Explain(net, x, comp, device: CPU);
            Close(Vec(plain.Relevance), Vec(traced.Relevance), 0, "relevance with the trace's markers");
        }
        finally { LrpTrace.Current = null; }
        Assert.Equal(LayerInfo.Leaves(net).Select(l => l.Name), trace.Rows.Select(r => r.Name));
        Assert.All(trace.Rows, r => Assert.True(r.BackwardCpu >= 0 && r.ForwardCpu >= 0 && r.RuleCpu >= 0, r.Name));
        Assert.Equal(new[] { "z^B", "γ=0.25" }, trace.Rows.Where(r => r.Module == "Conv2d").Select(r => r.Rule).Distinct());
        Assert.Equal(6, trace.Rows.First(r => r.Rule == "z^B").Maps);         // its own, two for the bounds' denominator, three for the map
    }

    // ---- canonization ----

    [Fact]
    public void MergedBatchNormGivesTheSameOutputAndRelevanceAsTheExplicitModel()
    {
        var net = Cnn(5, bias: true, batchNorm: true);
        var bn = (BatchNorm2d)net.named_children().First(c => c.name == "bn1").module;
        var conv = (Conv2d)net.named_children().First(c => c.name == "conv1").module;
        var g = Seeds.Generator(9);
        using (no_grad())
        {
            bn.running_mean!.copy_(randn(4, dtype: float64, generator: g));
            bn.running_var!.copy_(rand(4, dtype: float64, generator: g) + 0.5);
            bn.weight!.copy_(randn(4, dtype: float64, generator: g));
            bn.bias!.copy_(randn(4, dtype: float64, generator: g));
        }
        // the explicit model: conv1 with BN folded in by hand, no BN layer, the other layers shared
        var s = bn.weight!.detach() / (bn.running_var!.detach() + bn.eps).sqrt();
        var merged = nn.Conv2d(2, 4, 3, padding: 1, dtype: float64);
        using (no_grad())
        {
            merged.weight.copy_(conv.weight.detach() * s.reshape(-1, 1, 1, 1));
            merged.bias!.copy_((conv.bias!.detach() - bn.running_mean!.detach()) * s + bn.bias!.detach());
        }
        var rest = net.named_children().Where(c => c.name != "conv1" && c.name != "bn1").Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module));
        var explicitNet = nn.Sequential(new[] { ("conv1", (nn.Module<Tensor, Tensor>)merged) }.Concat(rest).ToArray());
        explicitNet.eval();

        var x = Images(31);
        var comp = Composites.EpsilonGammaBox(tensor(-1.0), tensor(1.0));
        using var a = Lrp.Explain(net, x, comp, device: CPU);
        using var b = Lrp.Explain(explicitNet, x, comp, device: CPU);
        Close(Vec(net.call(x)), Vec(explicitNet.call(x)), 1e-10, "outputs");
        Close(Vec(b.Output), Vec(a.Output), 1e-10, "outputs under LRP");
        Close(Vec(b.Relevance), Vec(a.Relevance), 1e-8, "relevance");
        // the model is left as it was
        Close(Vec(explicitNet.call(x)), Vec(net.call(x)), 1e-10, "outputs after");
    }

    [Fact]
    public void ExplainingLeavesTheModelUnchanged()
    {
        var net = Cnn(3, bias: true);
        var x = Images(4);
        var before = Vec(net.call(x));
        var w = Vec(net.parameters().First());
        using (Lrp.Explain(net, x, Composites.EpsilonGammaBox(tensor(-1.0), tensor(1.0)), device: CPU)) { }
        Close(before, Vec(net.call(x)), 0, "output");
        Close(w, Vec(net.parameters().First()), 0, "first weight");
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        var net = Cnn(3, bias: true);
        var x = Images(4);
        var e = Assert.Throws<ArgumentException>(() => Lrp.Explain(net, x, Composites.Uniform(new Lrp0()), layers: new[] { "nope" }, device: CPU));
        Assert.Contains("no module named 'nope'", e.Message);
        net.train();
        Assert.Throws<InvalidOperationException>(() => Lrp.Explain(net, x, Composites.Uniform(new Lrp0()), device: CPU));
        net.eval();
        Assert.Throws<ArgumentException>(() => Lrp.Explain(net, x, Composites.Uniform(new Lrp0()), targets: tensor(new long[] { 9, 0, 0, 0, 0 }), device: CPU));
        var onPool = Composites.Uniform(new Lrp0()).Override("pool1", new Gamma());
        Assert.Throws<InvalidOperationException>(() => Lrp.Explain(net, x, onPool, device: CPU));
    }
}
