using TorchSharp;
using Workbench.Clustering;
using Workbench.Models;
using Workbench.Studies.Relu;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>Bad input gets an exception that names the problem.</summary>
public class ReluErrorTests
{
    [Fact]
    public void InputWidthMustMatchTheFirstLayer()
    {
        using var seq = AffineMapTests.RandomStack([3, 4, 1], seed: 1);
        var net = PiecewiseLinearNetwork.From(seq);
        var e = Assert.Throws<ArgumentException>(() => net.Patterns(zeros(5, 4, ScalarType.Float64)));
        Assert.Contains("4 features", e.Message);
        Assert.Contains("takes 3", e.Message);
        Assert.Throws<ArgumentException>(() => net.AffineMaps(zeros(5, ScalarType.Float64)));
    }

    [Fact]
    public void NonFiniteInputsAreRefused()
    {
        using var mlp = new Mlp(3, [4]);
        var x = zeros(6, 3);
        x[4, 1] = tensor(double.NaN);
        var e = Assert.Throws<ArgumentException>(() => mlp.Train(x, zeros(6), epochs: 1));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("row 4", e.Message);
        x[4, 1] = tensor(double.PositiveInfinity);
        Assert.Throws<ArgumentException>(() => PiecewiseLinearNetwork.From(mlp.Network).Patterns(x));
    }

    [Fact]
    public void UntrainedMlpIsRefused()
    {
        using var mlp = new Mlp(3, [4]);
        var e = Assert.Throws<InvalidOperationException>(() => new ActivationClustering(mlp));
        Assert.Contains("not been trained", e.Message);
    }

    [Fact]
    public void NonPiecewiseLinearLayersAreRefused()
    {
        using var tanh = nn.Sequential(("fc1", nn.Linear(3, 4)), ("tanh", nn.Tanh()), ("out", nn.Linear(4, 1)));
        var e = Assert.Throws<ArgumentException>(() => PiecewiseLinearNetwork.From(tanh));
        Assert.Contains("piecewise-linear", e.Message);
        Assert.Contains("'tanh'", e.Message);
        using var midSigmoid = nn.Sequential(("fc1", nn.Linear(3, 4)), ("s", nn.Sigmoid()), ("out", nn.Linear(4, 1)));
        Assert.Contains("very last", Assert.Throws<ArgumentException>(() => PiecewiseLinearNetwork.From(midSigmoid)).Message);
    }

    [Fact]
    public void TrainingModeBatchNormAndDropoutAreRefused()
    {
        using var bn = nn.Sequential(("fc1", nn.Linear(3, 4)), ("bn", nn.BatchNorm1d(4)), ("relu", nn.ReLU()), ("out", nn.Linear(4, 1)));
        bn.train();
        Assert.Contains("eval()", Assert.Throws<ArgumentException>(() => PiecewiseLinearNetwork.From(bn)).Message);
        using var drop = nn.Sequential(("fc1", nn.Linear(3, 4)), ("relu", nn.ReLU()), ("drop", nn.Dropout(0.3)), ("out", nn.Linear(4, 1)));
        drop.train();
        Assert.Contains("eval()", Assert.Throws<ArgumentException>(() => PiecewiseLinearNetwork.From(drop)).Message);
        drop.eval();
        Assert.Equal(4, PiecewiseLinearNetwork.From(drop).UnitCount);
    }

    [Fact]
    public void LabelsMustBeBinary()
    {
        using var mlp = new Mlp(2, [3]);
        var e = Assert.Throws<ArgumentException>(() => mlp.Train(zeros(4, 2), tensor(new float[] { 0, 1, 2, 0 }), epochs: 1));
        Assert.Contains("0 or 1", e.Message);
    }
}
