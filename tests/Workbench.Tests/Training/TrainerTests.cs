using TorchSharp;
using Workbench.Training;
using static TorchSharp.torch;
using Workbench.Tests.Fixtures;

namespace Workbench.Tests.Training;

[Collection("torch global state")]   // seeds torch's global generator; runs alone (see Relu/TorchGlobalState.cs)
public class TrainerTests
{
    // Three Gaussian blobs in 2-D, class = blob.
    static (Tensor X, Tensor Y) Blobs(int n, long seed)
    {
        using var gen = new torch.Generator((ulong)seed);
        var y = randint(0, 3, [n], generator: gen);
        var centres = tensor(new float[,] { { 0, 3 }, { 3, -2 }, { -3, -2 } });
        var x = centres.index_select(0, y) + randn(n, 2, generator: gen);
        return (x, y);
    }

    static nn.Module<Tensor, Tensor> Net(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(("fc1", nn.Linear(2, 16)), ("relu1", nn.ReLU()), ("drop", nn.Dropout(0.2)), ("out", nn.Linear(16, 3)));
    }

    static float[] Weights(nn.Module m) => m.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void TrainingIsDeterministicForASeedOnTheCpu()
    {
        var (x, y) = Blobs(600, 1);
        float[] Train(long seed)
        {
            using var net = Net(7);
            new Trainer(Workbench.Training.Losses.CrossEntropy, epochs: 3, batchSize: 32, learningRate: 1e-2, seed: seed, progress: false, device: CPU).Fit(net, x, y);
            return Weights(net);
        }
        Assert.Equal(Train(5), Train(5));        // same batches and dropout masks
        Assert.NotEqual(Train(5), Train(6));
    }

    [Fact]
    public void LearnsSeparableClassesAndReportsMetrics()
    {
        var (x, y) = Blobs(900, 2);
        var (vx, vy) = Blobs(300, 3);
        using var net = Net(1);
        var trainer = new Trainer(Workbench.Training.Losses.CrossEntropy, epochs: 8, batchSize: 32, learningRate: 1e-2, seed: 0,
                                  metric: Metrics.Accuracy, progress: false, device: CPU).Fit(net, x, y, vx, vy);
        Assert.Equal(8, trainer.History.Count);
        Assert.True(trainer.History[^1].Loss < trainer.History[0].Loss);
        Assert.True(trainer.History[^1].ValidationMetric > 0.9, $"validation accuracy {trainer.History[^1].ValidationMetric:P1}");
        Assert.False(net.training);
        var (loss, acc) = trainer.Evaluate(net, vx, vy);
        Assert.Equal(trainer.History[^1].ValidationLoss, loss, 6);
        Assert.Equal(trainer.History[^1].ValidationMetric, acc, 12);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestEpoch()
    {
        // A step size that makes the validation loss blow up after the first epoch: training must stop after
        // `patience` epochs without improvement and end on the best epoch's weights.
        var (x, y) = Blobs(300, 4);
        var (vx, vy) = Blobs(100, 5);
        using var net = Net(2);
        var trainer = new Trainer(Workbench.Training.Losses.CrossEntropy, Optimizers.Sgd, learningRate: 50, epochs: 30, batchSize: 300, seed: 0,
                                  patience: 2, progress: false, device: CPU).Fit(net, x, y, vx, vy);
        Assert.True(trainer.StoppedEarly);
        Assert.True(trainer.History.Count < 30);
        var best = trainer.History.MinBy(e => e.ValidationLoss)!;
        Assert.Equal(best.Epoch, trainer.BestEpoch);
        Assert.Equal(trainer.BestEpoch + 2, trainer.History.Count);
        Assert.Equal(best.ValidationLoss, trainer.Evaluate(net, vx, vy).Loss, 5);
    }

    [Fact]
    public void CheckpointRoundTrips()
    {
        var (x, y) = Blobs(200, 6);
        var path = Path.Combine(Path.GetTempPath(), $"wb-trainer-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var net = Net(3);
            new Trainer(Workbench.Training.Losses.CrossEntropy, epochs: 2, seed: 0, checkpoint: path, progress: false, device: CPU).Fit(net, x, y);
            using var other = Net(4);
            Assert.NotEqual(Weights(net), Weights(other));
            Trainer.LoadCheckpoint(other, path);
            Assert.Equal(Weights(net), Weights(other));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ActivityRegulariserAddsKerasTermToTheLoss()
    {
        // A vanishing step leaves the weights put: the epoch's loss is CE + a·Σ|h|/B of the initial network (one batch).
        var (x, y) = Blobs(64, 7);
        using var net = nn.Sequential(("fc1", nn.Linear(2, 5)), ("relu1", nn.ReLU()), ("out", nn.Linear(5, 3)));
        double ce, l1;
        using (no_grad())
        {
            var h = ((nn.Module<Tensor, Tensor>)net.named_children().First().module).call(x).relu();
            ce = nn.functional.cross_entropy(net.call(x), y).item<float>();
            l1 = h.abs().sum().item<float>() / 64;
        }
        var trainer = new Trainer(Workbench.Training.Losses.CrossEntropy, learningRate: 1e-12, epochs: 1, batchSize: 64, seed: 0,
                                  terms: [Regularizers.ActivityL1(0.5, "relu1")], progress: false, device: CPU).Fit(net, x, y);
        Assert.Equal(ce + 0.5 * l1, trainer.History[0].Loss, 4);
        Assert.True(0.5 * l1 > 1e-2);
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var (x, y) = Blobs(20, 8);
        using var net = Net(0);
        var t = new Trainer(Workbench.Training.Losses.CrossEntropy, epochs: 1, progress: false, device: CPU);
        Assert.Contains("one target per sample", Assert.Throws<ArgumentException>(() => t.Fit(net, x, y[..10])).Message);
        var bad = x.clone(); bad[3, 1] = tensor(float.NaN);
        Assert.Contains("sample 3", Assert.Throws<ArgumentException>(() => t.Fit(net, bad, y)).Message);
        Assert.Contains("validation data", Assert.Throws<ArgumentException>(() =>
            new Trainer(Workbench.Training.Losses.CrossEntropy, patience: 1, progress: false).Fit(net, x, y)).Message);
        Assert.Contains("children are", Assert.Throws<ArgumentException>(() =>
            new Trainer(Workbench.Training.Losses.CrossEntropy, terms: [Regularizers.ActivityL1(0.1, "nope")], progress: false).Fit(net, x, y)).Message);
    }
}
