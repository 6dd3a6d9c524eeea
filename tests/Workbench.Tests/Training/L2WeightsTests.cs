using TorchSharp;
using TorchSharp.Modules;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Tests.Training;

/// <summary><see cref="Regularizers.L2Weights"/>: Keras' <c>kernel_regularizer=l2(λ)</c> on chosen layers only.</summary>
[Collection("torch global state")]
public class L2WeightsTests
{
    static Sequential Net(long seed)
    {
        var net = nn.Sequential(("fc1", nn.Linear(3, 4)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(4, 2)), ("relu2", nn.ReLU()), ("out", nn.Linear(2, 1)));
        using var gen = new torch.Generator((ulong)seed);
        using (no_grad())
            foreach (var p in net.parameters()) p.copy_(randn(p.shape, generator: gen));
        return net;
    }

    static Dictionary<string, Tensor> Params(nn.Module m) => m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    // One full-batch SGD step (lr η) through the Trainer, with and without the term: the step differs by η·2λW on the named
    // layer's kernel only (Keras adds λ·ΣW², whose gradient is 2λW).
    [Theory]
    [InlineData(0.1, "fc1")]
    [InlineData(0.5, "fc2")]
    public void ChangesExactlyTheChosenLayersGradientBy2LambdaW(double lambda, string layer)
    {
        using var gen = new torch.Generator(11);
        var x = randn(16, 3, generator: gen);
        var y = randint(0, 2, [16, 1], generator: gen).to(ScalarType.Float32);
        const double lr = 0.05;
        using var plain = Net(3);
        using var penalised = Net(3);
        var before = Params(penalised);
        Trainer T(IEnumerable<LossTerm> terms) => new(Workbench.Training.Losses.BinaryCrossEntropyWithLogits, Optimizers.Sgd, lr, epochs: 1,
                                                      batchSize: 16, shuffle: false, terms: terms, progress: false, device: CPU);
        T([]).Fit(plain, x, y);
        T([Regularizers.L2Weights(lambda, layer)]).Fit(penalised, x, y);
        var a = Params(plain); var b = Params(penalised);
        foreach (var name in a.Keys)
        {
            var diff = b[name] - a[name];                                     // −η·(extra gradient)
            var expected = name == $"{layer}.weight" ? before[name] * (-lr * 2 * lambda) : zeros_like(diff);
            var err = (diff - expected).abs().max().item<float>();
            Assert.True(err < 1e-6, $"{name}: step differs from −η·2λW (or 0 for other parameters) by {err:E2}");
        }
        Assert.True(before[$"{layer}.weight"].abs().sum().item<float>() > 0);   // the check above is not trivially 0 = 0
    }

    [Fact]
    public void AddsLambdaTimesTheSumOfSquaresOfTheNamedKernels()
    {
        using var net = Net(4);
        var w1 = ((Linear)net.named_children().First(c => c.name == "fc1").module).weight!;
        var w2 = ((Linear)net.named_children().First(c => c.name == "out").module).weight!;
        var batch = new TrainingBatch(net, zeros(1, 3), zeros(1, 1), zeros(1, 1), new Dictionary<string, Tensor>(), 1);
        var added = Regularizers.L2Weights(0.1, "fc1", "out").AddTo(zeros(1), batch).item<float>();
        var expected = 0.1 * (w1.pow(2).sum().item<float>() + w2.pow(2).sum().item<float>());
        Assert.Equal(expected, added, 4);
    }

    [Fact]
    public void UnknownOrNonKernelLayersAndBadLambdaAreRefused()
    {
        using var net = Net(5);
        var batch = new TrainingBatch(net, zeros(1, 3), zeros(1, 1), zeros(1, 1), new Dictionary<string, Tensor>(), 1);
        Assert.Contains("fc9", Assert.Throws<ArgumentException>(() => Regularizers.L2Weights(0.1, "fc9").AddTo(zeros(1), batch)).Message);
        Assert.Contains("Linear and convolution", Assert.Throws<ArgumentException>(() => Regularizers.L2Weights(0.1, "relu1").AddTo(zeros(1), batch)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Regularizers.L2Weights(-1, "fc1"));
        Assert.Throws<ArgumentException>(() => Regularizers.L2Weights(0.1));
    }
}
