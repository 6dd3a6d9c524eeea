using TorchSharp;
using TorchSharp.Modules;
using Workbench.Clustering;
using Workbench.Models;
using Workbench.Studies.Relu;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>ReLU Thm 1 / Eqs. (1)–(3): on each input's cluster the network equals Ω u + b.</summary>
public class AffineMapTests
{
    /// <summary>A random float64 stack Linear → ReLU → … → Linear with the given widths.</summary>
    internal static Sequential RandomStack(int[] widths, long seed, Func<int, nn.Module<Tensor, Tensor>>? activation = null)
    {
        using var gen = new torch.Generator((ulong)seed);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            var fc = nn.Linear(widths[i], widths[i + 1], dtype: ScalarType.Float64);
            using (no_grad())
            {
                // (nn.init.uniform_ ignores its generator in TorchSharp 0.107, so draw with rand)
                fc.weight!.copy_(rand(fc.weight!.shape, ScalarType.Float64, generator: gen) * 2 - 1);
                fc.bias!.copy_(rand(fc.bias!.shape, ScalarType.Float64, generator: gen) - 0.5);
            }
            layers.Add(($"fc{i + 1}", fc));
            if (i + 2 < widths.Length) layers.Add(($"act{i + 1}", activation?.Invoke(widths[i + 1]) ?? nn.ReLU()));
        }
        var seq = nn.Sequential(layers.ToArray());
        seq.eval();
        return seq;
    }

    internal static Tensor RandomInputs(long n, long d, long seed)
    {
        using var gen = new torch.Generator((ulong)seed);
        return randn(n, d, ScalarType.Float64, generator: gen);
    }

    /// <summary>max_n |Ω_n u_n + b_n − f(u_n)| over all samples.</summary>
    internal static double MaxAffineError(PiecewiseLinearNetwork net, Tensor x)
    {
        using var scope = NewDisposeScope();
        var (omega, bias) = net.AffineMaps(x);
        var affine = omega.matmul(x.to(ScalarType.Float64).unsqueeze(2)).squeeze(2) + bias;
        var pre = net.PreOutput(x).to(ScalarType.Float64);
        return (affine - pre).abs().max().item<double>();
    }

    public static TheoryData<int[]> Architectures => new()
    {
        new[] { 3, 5, 1 },                // depth 1 (one hidden layer)
        new[] { 10, 4, 2, 1 },            // the paper's 10-4-2-1
        new[] { 6, 8, 8, 8, 2 },          // depth 3, two outputs
        new[] { 4, 16, 3, 7, 5, 1 },      // depth 4
        new[] { 7, 9, 9, 9, 9, 9, 3 },    // depth 5
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void AffineMapReproducesRandomNetworks(int[] widths)
    {
        using var seq = RandomStack(widths, seed: widths.Sum());
        var net = PiecewiseLinearNetwork.From(seq);
        var x = RandomInputs(500, widths[0], seed: 7);
        Assert.Equal(widths.Length - 2, net.Gates.Count);
        Assert.Equal(widths[1..^1].Sum(), net.UnitCount);
        Assert.True(MaxAffineError(net, x) < 1e-10);
        // the inputs really fall into several linear regions, so the test exercises different masks
        Assert.True(new ActivationClustering(net).Fit(x).Count > 2);
    }

    [Fact]
    public void BiasFollowsEquation3LiterallyAndOmegaEquation2()
    {
        // b(p) = Σ_i (Π_{t=p+1}^{i+1} Ŵ_t) b_i with Ŵ_{p+1} = I; Ω(p) = Π_{i=p}^{1} Ŵ_i — computed here by explicit products.
        using var seq = RandomStack([5, 6, 4, 3, 2], seed: 3);
        var net = PiecewiseLinearNetwork.From(seq);
        var x = RandomInputs(20, 5, seed: 11);
        var patterns = net.Patterns(x);
        var affines = net.Steps.OfType<AffineStep>().ToList();
        for (int n = 0; n < 20; n++)
        {
            var active = patterns[n].data<bool>().ToArray();
            // masked weights Ŵ_i = diag(m_{i}) W_i for hidden layers, W_p for the output layer
            var masked = new List<Tensor>();
            int offset = 0;
            for (int i = 0; i < affines.Count; i++)
            {
                var w = affines[i].Weight; var b = affines[i].Bias;
                if (i < affines.Count - 1)
                {
                    var m = tensor(active.Skip(offset).Take(affines[i].OutWidth).Select(a => a ? 1.0 : 0.0).ToArray());
                    offset += affines[i].OutWidth;
                    masked.Add(cat([diag(m).matmul(w), diag(m).matmul(b).unsqueeze(1)], 1));
                }
                else masked.Add(cat([w, b.unsqueeze(1)], 1));
            }
            int p = masked.Count;
            Tensor W(int i) => masked[i - 1].narrow(1, 0, masked[i - 1].shape[1] - 1);
            Tensor B(int i) => masked[i - 1].select(1, masked[i - 1].shape[1] - 1);
            var omega = W(1);
            for (int i = 2; i <= p; i++) omega = W(i).matmul(omega);
            var bias = zeros(2, ScalarType.Float64);
            for (int i = 1; i <= p; i++)
            {
                var prod = eye(B(i).shape[0], dtype: ScalarType.Float64);
                for (int t = i + 1; t <= p; t++) prod = W(t).matmul(prod);
                bias += prod.matmul(B(i));
            }
            var (o, bb) = net.AffineMap(active);
            Assert.True((o - omega).abs().max().item<double>() < 1e-12);
            Assert.True((bb - bias).abs().max().item<double>() < 1e-12);
        }
    }

    [Fact]
    public void LeakyReluSlopeEntersTheMask()
    {
        using var seq = RandomStack([4, 6, 5, 1], seed: 5, activation: _ => nn.LeakyReLU(0.2));
        var net = PiecewiseLinearNetwork.From(seq);
        Assert.All(net.Gates, g => Assert.Equal(0.2, g.NegativeSlope, 12));
        Assert.True(MaxAffineError(net, RandomInputs(300, 4, 1)) < 1e-10);
        // with slope 0 in the mask instead (plain ReLU maps), the same inputs would not be reproduced
        using var relu = RandomStack([4, 6, 5, 1], seed: 5);
        var x = RandomInputs(300, 4, 1);
        using var leakyOut = net.PreOutput(x);
        using var reluOut = PiecewiseLinearNetwork.From(relu).PreOutput(x);
        Assert.True((leakyOut - reluOut).abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void BatchNormIdentityDropoutAndNestedStacksFoldIntoTheMap()
    {
        using var gen = new torch.Generator(42);
        var bn = nn.BatchNorm1d(6, dtype: ScalarType.Float64);
        using (no_grad())
        {
            bn.running_mean!.copy_(randn(6, ScalarType.Float64, generator: gen));
            bn.running_var!.copy_(rand(6, ScalarType.Float64, generator: gen) + 0.5);
            bn.weight!.copy_(randn(6, ScalarType.Float64, generator: gen));
            bn.bias!.copy_(randn(6, ScalarType.Float64, generator: gen));
        }
        var inner = RandomStack([6, 5, 3], seed: 9);
        using var seq = nn.Sequential(
            ("fc1", nn.Linear(4, 6, dtype: ScalarType.Float64)), ("bn1", bn), ("relu1", nn.ReLU()),
            ("drop", nn.Dropout(0.5)), ("id", nn.Identity()), ("block", inner), ("lrelu", nn.LeakyReLU(0.1)),
            ("out", nn.Linear(3, 1, dtype: ScalarType.Float64)), ("sigmoid", nn.Sigmoid()));
        seq.eval();
        var net = PiecewiseLinearNetwork.From(seq);
        Assert.Equal("sigmoid", net.OutputLink);
        Assert.Equal(6 + 5 + 3, net.UnitCount);
        var x = RandomInputs(400, 4, 3);
        Assert.True(MaxAffineError(net, x) < 1e-10);
        // the pre-output value really is the logit of the whole network's output
        using var full = seq.call(x);
        using var pre = net.PreOutput(x);
        Assert.True((pre.sigmoid() - full).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void TrainedMlpIsReproducedOnEverySampleAndEachClusterHasOneMap()
    {
        var (x, y) = BooleanStudy.Generate(3000, seed: 1);
        using var mlp = new Mlp(10, [4, 2], seed: 1);
        mlp.Train(x, y, learningRate: 0.01, epochs: 2, batchSize: 100, activityL1: 0.02, activityLayers: [0], seed: 1);
        var net = PiecewiseLinearNetwork.From(mlp);
        Assert.True(MaxAffineError(net, x) < 1e-4);   // float32 network against float64 maps
        var clustering = new ActivationClustering(mlp).Fit(x);
        var (omega, bias) = net.AffineMaps(x);
        for (int n = 0; n < 3000; n += 37)
        {
            var c = clustering.Clusters[(int)clustering.Labels[n].item<long>()];
            for (int j = 0; j < 10; j++) Assert.Equal(c.Omega[0, j], omega[n, 0, j].item<double>(), 12);
            Assert.Equal(c.Bias[0], bias[n, 0].item<double>(), 12);
        }
    }
}
