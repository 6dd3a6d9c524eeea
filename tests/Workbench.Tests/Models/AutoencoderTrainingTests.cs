using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using Workbench.Models;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

public class AutoencoderTrainingTests
{
    public AutoencoderTrainingTests() { Progress.Enabled = false; }

    // The loop AutoencoderTraining held before it was ported onto Trainer, kept as the reference of the port:
    // Keras Adam, MSE over all elements, a seeded reshuffle per epoch, the last partial batch kept.
    static double[] FormerLoop(nn.Module<Tensor, Tensor> model, Tensor x, int epochs, int batchSize, long seed)
    {
        var g = Seeds.Generator(seed);
        var opt = optim.Adam(model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        long n = x.shape[0];
        var losses = new double[epochs];
        model.train();
        for (int e = 0; e < epochs; e++)
        {
            using var perm = randperm(n, generator: g);
            double sum = 0;
            for (long s = 0; s < n; s += batchSize)
            {
                long len = Math.Min(batchSize, n - s);
                opt.zero_grad();
                using (var scope = NewDisposeScope())
                {
                    var xb = x.index_select(0, perm.narrow(0, s, len));
                    var loss = nn.functional.mse_loss(model.forward(xb), xb);
                    loss.backward();
                    sum += loss.ToDouble() * len;
                }
                opt.step();
            }
            losses[e] = sum / n;
        }
        model.eval();
        return losses;
    }

    static double MaxStateDifference(nn.Module a, nn.Module b)
    {
        var sa = a.state_dict(); var sb = b.state_dict();
        Assert.Equal(sa.Keys.OrderBy(k => k), sb.Keys.OrderBy(k => k));
        return sa.Max(kv => kv.Value.to_type(ScalarType.Float64).sub(sb[kv.Key].to_type(ScalarType.Float64)).abs().max().ToDouble());
    }

    [Fact]
    public void TrainerPortGivesTheFormerLoopsNumbers()
    {
        // 23 series in batches of 5 (a partial last batch), BatchNorm running statistics included in the comparison.
        var x = randn([23, 1, 16], generator: Seeds.Generator(3));
        var ported = new ResNetAutoencoder1D(16, filters: [4, 6, 6], seed: 1);
        var former = new ResNetAutoencoder1D(16, filters: [4, 6, 6], seed: 1);
        Assert.Equal(0.0, MaxStateDifference(ported, former));
        var lp = AutoencoderTraining.Fit(ported, x, epochs: 3, batchSize: 5, seed: 7);
        var lf = FormerLoop(former, x, 3, 5, 7);
        Assert.Equal(0.0, MaxStateDifference(ported, former));
        for (int e = 0; e < 3; e++) Assert.Equal(lf[e], lp[e], 12);
        Assert.False(ported.training);
        // and training moved the weights (the comparison above is not between two untouched models)
        var untouched = new ResNetAutoencoder1D(16, filters: [4, 6, 6], seed: 1);
        Assert.True(MaxStateDifference(ported, untouched) > 1e-4);
    }

    [Fact]
    public void ReconstructionLossDecreases_AndTrainingIsDeterministic()
    {
        var x = rand([64, 1, 28, 28], generator: Seeds.Generator(5)).gt(0.7).to_type(ScalarType.Float32);
        var a = new ConvAutoencoder2D(seed: 2);
        var b = new ConvAutoencoder2D(seed: 2);
        var la = AutoencoderTraining.Fit(a, x, epochs: 4, batchSize: 16, seed: 0);
        var lb = AutoencoderTraining.Fit(b, x, epochs: 4, batchSize: 16, seed: 0);
        Assert.True(la[^1] < la[0], $"loss {la[0]} → {la[^1]} did not decrease");
        Assert.Equal(la, lb);
        Assert.Equal(0.0, MaxStateDifference(a, b));
        Assert.Empty(AutoencoderTraining.Fit(new ConvAutoencoder2D(seed: 2), x, epochs: 0, batchSize: 16));
    }

    [Fact]
    public void KerasInitialisationIsGlorotUniformWithZeroBiasesAndKerasBatchNorm()
    {
        var m = new ResNetAutoencoder1D(32, filters: [8, 16, 16], seed: 4);
        int kernels = 0;
        foreach (var (name, module) in m.named_modules())
        {
            Tensor? w = module switch { Conv1d c => c.weight, Linear l => l.weight, _ => null };
            Tensor? bias = module switch { Conv1d c => c.bias, Linear l => l.bias, _ => null };
            if (w is not null)
            {
                kernels++;
                double limit = Init.GlorotLimit(w.shape), max = w.abs().max().ToDouble();
                Assert.True(max <= limit, $"{name}: |w| {max} > Glorot limit {limit}");
                if (w.numel() >= 200) Assert.True(max > 0.9 * limit, $"{name}: |w| reaches only {max} of the limit {limit}");
                Assert.Equal(0.0, bias!.abs().max().ToDouble());
            }
            if (module is BatchNorm1d bn)
            {
                Assert.Equal(1e-3, bn.eps);
                Assert.Equal(0.01, bn.momentum!.Value, 12);
                Assert.Equal(1.0, bn.weight!.min().ToDouble());
                Assert.Equal(0.0, bn.bias!.abs().max().ToDouble());
            }
        }
        Assert.Equal(3 * 4 * 2 + 2 + 1, kernels); // 6 blocks × 4 convs, 2 dense layers, the output conv
        Assert.Equal(0.0, MaxStateDifference(m, new ResNetAutoencoder1D(32, filters: [8, 16, 16], seed: 4)));
        Assert.True(MaxStateDifference(m, new ResNetAutoencoder1D(32, filters: [8, 16, 16], seed: 5)) > 0);
        // Glorot fans of a kernel [out, in, k]: √(6 / ((in + out)·k))
        Assert.Equal(Math.Sqrt(6.0 / ((64 + 32) * 5)), Init.GlorotLimit([64, 32, 5]), 15);
    }
}
