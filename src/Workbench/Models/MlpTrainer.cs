using TorchSharp;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Workbench.Models;

/// <summary>One epoch of training: mean loss over its batches (regularisers included, like Keras) and training accuracy.</summary>
public sealed record EpochRecord(int Epoch, double Loss, double Accuracy);

/// <summary>
/// Trains an <see cref="Mlp"/> the way the ReLU paper's Keras code did (§4, §5): Adam, mini-batches, epochs,
/// binary cross-entropy for a sigmoid output (mean squared error for a linear one), and optionally
/// <list type="bullet">
/// <item>a Keras-style activity regulariser <c>l1(a)</c> on hidden activations: adds <c>a · Σ|h| / batch size</c>
/// (the paper's <c>a = 0.02</c>, placed on the first hidden layer in the authors' code);</item>
/// <item>L2 weight decay as Keras' <c>kernel_regularizer=l2(λ)</c>: adds <c>λ · Σ W²</c> over the kernels (not the biases).</item>
/// </list>
/// Deterministic for a seed: batches are shuffled by a generator seeded with <see cref="Seed"/>, on the CPU.
/// </summary>
public sealed class MlpTrainer
{
    /// <param name="learningRate">Adam step size (paper: 0.01).</param>
    /// <param name="epochs">Passes over the data (paper: 10).</param>
    /// <param name="batchSize">Samples per step (paper: 100).</param>
    /// <param name="activityL1">Coefficient a of the L1 activity regulariser (paper: 0.02; 0 = off).</param>
    /// <param name="activityLayers">Zero-based hidden layers the activity regulariser acts on; null = all hidden layers.</param>
    /// <param name="weightDecay">Coefficient λ of the L2 kernel regulariser (0 = off).</param>
    /// <param name="seed">Seed of the batch shuffling.</param>
    /// <param name="shuffle">Shuffle the samples each epoch (Keras' default).</param>
    /// <param name="progress">Show a progress bar with epoch, loss and accuracy.</param>
    public MlpTrainer(double learningRate = 0.01, int epochs = 10, int batchSize = 100, double activityL1 = 0,
                      IReadOnlyList<int>? activityLayers = null, double weightDecay = 0, long seed = 0, bool shuffle = true, bool progress = true)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive number.");
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train for at least one epoch.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (!(activityL1 >= 0)) throw new ArgumentOutOfRangeException(nameof(activityL1), activityL1, "The activity regulariser must be ≥ 0.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be ≥ 0.");
        LearningRate = learningRate; Epochs = epochs; BatchSize = batchSize; ActivityL1 = activityL1;
        ActivityLayers = activityLayers?.ToArray(); WeightDecay = weightDecay; Seed = seed; Shuffle = shuffle; ShowProgress = progress;
    }

    public double LearningRate { get; }
    public int Epochs { get; }
    public int BatchSize { get; }
    public double ActivityL1 { get; }
    public IReadOnlyList<int>? ActivityLayers { get; }
    public double WeightDecay { get; }
    public long Seed { get; }
    public bool Shuffle { get; }
    public bool ShowProgress { get; }

    /// <summary>Loss and training accuracy per epoch of the last <see cref="Fit"/>.</summary>
    public IReadOnlyList<EpochRecord> History { get; private set; } = Array.Empty<EpochRecord>();

    /// <summary>Trains <paramref name="mlp"/> in place on inputs x [N, features] and targets y (0/1 labels for a sigmoid output).</summary>
    public MlpTrainer Fit(Mlp mlp, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        ReluChecks.Input(x, mlp.Inputs, "MlpTrainer.Fit");
        long n = x.shape[0];
        bool binary = mlp.Output == OutputActivation.Sigmoid;
        if (binary)
        {
            if (mlp.Outputs != 1) throw new ArgumentException("Binary cross-entropy training needs a single sigmoid output unit.", nameof(mlp));
            ReluChecks.Labels(y, n, "MlpTrainer.Fit");
        }
        else ReluChecks.Targets(y, n, mlp.Outputs, "MlpTrainer.Fit");
        var layers = ActivityLayers ?? Enumerable.Range(0, mlp.Hidden.Count).ToArray();
        foreach (var l in layers)
            if (l < 0 || l >= mlp.Hidden.Count)
                throw new ArgumentException($"activityLayers names hidden layer {l}, but the network has hidden layers 0..{mlp.Hidden.Count - 1}.");

        var xs = mlp.Prepare(x).detach();
        var ys = y.to(mlp.DType, mlp.Device).reshape(n, mlp.Outputs).detach();
        using var optimizer = optim.Adam(mlp.Network.parameters(), lr: LearningRate);
        using var gen = Seeds.Generator(Seed);
        var history = new List<EpochRecord>();
        long batches = (n + BatchSize - 1) / BatchSize;
        mlp.Network.train();
        try
        {
            using var bar = ShowProgress ? Progress.Start($"training {mlp.Inputs}-{string.Join("-", mlp.Hidden)}-{mlp.Outputs}", Epochs) : null;
            for (int epoch = 1; epoch <= Epochs; epoch++)
            {
                // optimizer.step() runs outside every dispose scope of this loop, so nothing Adam creates or keeps
                // (state, cached scalars) can be disposed by a scope here; the epoch's own tensors are disposed explicitly.
                using var order = Shuffle ? randperm(n, generator: gen).to(mlp.Device) : arange(n, device: mlp.Device);
                using var lossSum = zeros(1, ScalarType.Float64, device: mlp.Device);   // summed on the device: one sync per epoch
                using var hits = zeros(1, ScalarType.Int64, device: mlp.Device);
                for (long b = 0; b < batches; b++)
                {
                    optimizer.zero_grad();
                    using (var step = NewDisposeScope())
                    {
                        long start = b * BatchSize, count = Math.Min(BatchSize, n - start);
                        var idx = order.narrow(0, start, count);
                        var xb = xs.index_select(0, idx);
                        var yb = ys.index_select(0, idx);
                        var hidden = new List<Tensor>();
                        var pre = mlp.Run(xb, hidden);
                        var loss = binary ? F.binary_cross_entropy_with_logits(pre, yb) : F.mse_loss(pre, yb);
                        if (ActivityL1 > 0)
                            foreach (var l in layers)
                                loss = loss + hidden[l].abs().sum() * (ActivityL1 / count); // Keras l1 activity: a·Σ|h| / batch
                        if (WeightDecay > 0)
                            foreach (var fc in mlp.Linears)
                                loss = loss + fc.weight!.pow(2).sum() * WeightDecay;     // Keras l2 kernel: λ·ΣW²
                        loss.backward();
                        using (no_grad())
                        {
                            lossSum.add_(loss.detach().to(ScalarType.Float64) * count);
                            if (binary) hits.add_(pre.gt(0).eq(yb.gt(0.5)).sum());
                        }
                    }
                    optimizer.step();
                }
                var record = new EpochRecord(epoch, lossSum.item<double>() / n, binary ? (double)hits.item<long>() / n : double.NaN);
                history.Add(record);
                bar?.Report(epoch, binary ? $"epoch {epoch}: loss {record.Loss:F4}, accuracy {record.Accuracy:P2}" : $"epoch {epoch}: loss {record.Loss:F4}");
            }
        }
        finally
        {
            mlp.Network.eval();
        }
        History = history;
        mlp.IsTrained = true;
        return this;
    }
}
