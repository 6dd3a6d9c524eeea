using TorchSharp;
using Workbench.Clustering;
using Workbench.Models;
using Workbench.Studies.Relu;
using Workbench.Reporting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Workbench.Tests.Models;

public class MlpTrainingTests
{
    static float[] Weights(Mlp mlp) => mlp.Linears.SelectMany(l => l.weight!.data<float>().ToArray().Concat(l.bias!.data<float>().ToArray())).ToArray();

    [Fact]
    public void TrainingIsDeterministicForASeed()
    {
        var (x, y) = BooleanStudy.Generate(1000, seed: 2);
        float[] Train(long seed)
        {
            using var mlp = new Mlp(10, [4, 2], seed: seed);
            mlp.Train(x, y, epochs: 2, activityL1: 0.02, seed: seed);
            return Weights(mlp);
        }
        Assert.Equal(Train(5), Train(5));
        Assert.NotEqual(Train(5), Train(6));
    }

    [Fact]
    public void LearnsTheBooleanFormula()
    {
        var (x, y) = BooleanStudy.Generate(6000, seed: 3);
        var (tx, ty) = BooleanStudy.Generate(2000, seed: 4);
        using var mlp = new Mlp(10, [8, 4], seed: 3);
        var before = mlp.Accuracy(tx, ty);
        var history = mlp.Train(x, y, learningRate: 0.01, epochs: 6, batchSize: 50, seed: 3);
        Assert.Equal(6, history.Count);
        Assert.True(history[^1].Loss < history[0].Loss);
        Assert.True(mlp.IsTrained);
        var after = mlp.Accuracy(tx, ty);
        Assert.True(after > 0.97, $"test accuracy {after:P2} (before training {before:P2})");
    }

    [Fact]
    public void RegularisersAddKerasStyleTermsToTheLoss()
    {
        // With a vanishing step the weights stay put, so the epoch's loss is the loss of the initial network:
        // BCE + a·Σ|h₁|/B (Keras l1 activity on layer 1) + λ·ΣW² (Keras l2 kernels).
        var (x, y) = BooleanStudy.Generate(400, seed: 8);
        using var mlp = new Mlp(10, [4, 2], init: WeightInit.Torch, seed: 8);
        using var scope = NewDisposeScope();
        var hidden = new List<Tensor>();
        var pre = mlp.Run(x, hidden);
        double bce = F.binary_cross_entropy_with_logits(pre, y.reshape(-1, 1)).item<float>();
        double l1 = hidden[0].abs().sum(1).mean().item<float>();
        double l2 = mlp.Linears.Sum(l => l.weight!.pow(2).sum().item<float>());
        var history = mlp.Train(x, y, learningRate: 1e-12, epochs: 1, batchSize: 100, activityL1: 0.5, activityLayers: [0], weightDecay: 0.1, seed: 8);
        Assert.Equal(bce + 0.5 * l1 + 0.1 * l2, history[0].Loss, 4);
        Assert.NotEqual(bce, history[0].Loss, 2);
    }

    [Fact]
    public void LinearOutputFitsARegressionTargetWithMeanSquaredError()
    {
        // y = |u₁| − u₂ is piecewise linear: a ReLU network with a linear output can fit it.
        using var gen = new torch.Generator(4);
        var x = randn(2000, 2, generator: gen);
        var y = (x[.., 0].abs() - x[.., 1]).reshape(-1, 1);
        using var mlp = new Mlp(2, [8], output: OutputActivation.Linear, seed: 4);
        Assert.Null(PiecewiseLinearNetwork.From(mlp.Network).OutputLink);
        var history = mlp.Train(x, y, learningRate: 0.02, epochs: 15, batchSize: 50, seed: 4, progress: false);
        Assert.True(double.IsNaN(history[0].Accuracy));
        Assert.True(history[^1].Loss < 0.02 * history[0].Loss, $"MSE {history[0].Loss:F4} → {history[^1].Loss:F4}");
        Assert.Throws<InvalidOperationException>(() => mlp.Predict(x));
    }

    [Fact]
    public void TrainingReportsProgressPerEpoch()
    {
        var lines = new StringWriter();
        var factory = Progress.ViewFactory;
        try
        {
            Progress.ViewFactory = () => new TextProgressView(lines);
            var (x, y) = BooleanStudy.Generate(300, seed: 1);
            using var mlp = new Mlp(10, [3], seed: 1);
            mlp.Train(x, y, epochs: 2, seed: 1);
        }
        finally { Progress.ViewFactory = factory; }
        var text = lines.ToString();
        Assert.Contains("epoch 2: loss", text);
        Assert.Contains("accuracy", text);
    }
}
