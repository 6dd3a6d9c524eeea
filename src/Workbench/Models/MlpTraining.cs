using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>One epoch of training an <see cref="Mlp"/>: mean loss over its batches (regularisers included, like Keras) and training accuracy.</summary>
public sealed record EpochRecord(int Epoch, double Loss, double Accuracy);

/// <summary>
/// Trains an <see cref="Mlp"/> the way the ReLU paper's Keras code did (§4, §5), with the general <see cref="Trainer"/>:
/// Adam, mini-batches, epochs, binary cross-entropy for a sigmoid output (mean squared error for a linear one), and optionally
/// Keras' activity regulariser <c>l1(a)</c> on hidden layers (<see cref="Regularizers.ActivityL1"/>; the paper's a = 0.02 on
/// the first hidden layer) and the kernel regulariser <c>l2(λ)</c> (<see cref="Regularizers.L2Kernels"/>).
/// <code>var history = mlp.Train(x, y, learningRate: 0.01, epochs: 10, batchSize: 100, activityL1: 0.02, activityLayers: [0], seed: 0);</code>
/// </summary>
public static class MlpTraining
{
    /// <summary>The <see cref="Trainer"/> configured as the paper's Keras code for <paramref name="mlp"/> (train it on <see cref="Mlp.Logits"/>).</summary>
    /// <param name="mlp">The network (decides the loss: BCE for a sigmoid output, MSE for a linear one).</param>
    /// <param name="learningRate">Adam step size (paper: 0.01).</param>
    /// <param name="epochs">Passes over the data (paper: 10).</param>
    /// <param name="batchSize">Samples per step (paper: 100).</param>
    /// <param name="activityL1">Coefficient a of the L1 activity regulariser (paper: 0.02; 0 = off).</param>
    /// <param name="activityLayers">Zero-based hidden layers the activity regulariser acts on; null = all hidden layers.</param>
    /// <param name="weightDecay">Coefficient λ of the L2 kernel regulariser <c>λ·ΣW²</c> (0 = off).</param>
    /// <param name="seed">Seed of the batch shuffling.</param>
    /// <param name="shuffle">Shuffle the samples each epoch (Keras' default).</param>
    /// <param name="progress">Show a progress bar with epoch, loss and accuracy.</param>
    /// <param name="weightDecayLayers">Zero-based Linear layers whose kernels the L2 regulariser acts on (0 … hidden count − 1
    /// the hidden layers, hidden count the output layer); null = every kernel. The authors' Titanic code: <c>[0]</c>.</param>
    /// <param name="optimizer">Optimizer factory; null = <see cref="Optimizers.Adam"/> (PyTorch's ε = 1e-8).
    /// <see cref="Optimizers.KerasAdam"/> is Keras' (ε = 1e-7).</param>
    public static Trainer KerasTrainer(Mlp mlp, double learningRate = 0.01, int epochs = 10, int batchSize = 100, double activityL1 = 0,
                                       IReadOnlyList<int>? activityLayers = null, double weightDecay = 0, long seed = 0, bool shuffle = true, bool progress = true,
                                       IReadOnlyList<int>? weightDecayLayers = null, Func<IEnumerable<TorchSharp.Modules.Parameter>, double, optim.Optimizer>? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        if (!(activityL1 >= 0)) throw new ArgumentOutOfRangeException(nameof(activityL1), activityL1, "The activity regulariser must be ≥ 0.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be ≥ 0.");
        var layers = activityLayers ?? Enumerable.Range(0, mlp.Hidden.Count).ToArray();
        foreach (var l in layers)
            if (l < 0 || l >= mlp.Hidden.Count)
                throw new ArgumentException($"activityLayers names hidden layer {l}, but the network has hidden layers 0..{mlp.Hidden.Count - 1}.");
        if (weightDecayLayers is not null)
            foreach (var l in weightDecayLayers)
                if (l < 0 || l > mlp.Hidden.Count)
                    throw new ArgumentException($"weightDecayLayers names layer {l}, but the network has Linear layers 0..{mlp.Hidden.Count} ({mlp.Hidden.Count} = the output layer).");
        bool binary = mlp.Output == OutputActivation.Sigmoid;
        var terms = new List<LossTerm>();
        if (activityL1 > 0) terms.Add(Regularizers.ActivityL1(activityL1, layers.Select(l => $"relu{l + 1}").ToArray()));
        if (weightDecay > 0)
            terms.Add(weightDecayLayers is null ? Regularizers.L2Kernels(weightDecay)
                : Regularizers.L2Weights(weightDecay, weightDecayLayers.Select(l => l == mlp.Hidden.Count ? "out" : $"fc{l + 1}").ToArray()));
        return new Trainer(binary ? Training.Losses.BinaryCrossEntropyWithLogits : Training.Losses.MeanSquaredError, optimizer ?? Optimizers.Adam, learningRate, epochs, batchSize,
                           seed, shuffle, terms, metric: binary ? Metrics.BinaryAccuracy : null, progress: progress,
                           title: $"training {mlp.Inputs}-{string.Join("-", mlp.Hidden)}-{mlp.Outputs}", device: mlp.Device);
    }

    /// <summary>
    /// Trains <paramref name="mlp"/> in place on inputs x [N, features] and targets y (0/1 labels for a sigmoid output) with
    /// <see cref="KerasTrainer"/>; returns loss and training accuracy per epoch. Deterministic for a seed on the CPU.
    /// </summary>
    /// <inheritdoc cref="KerasTrainer" path="/param"/>
    public static IReadOnlyList<EpochRecord> Train(this Mlp mlp, Tensor x, Tensor y, double learningRate = 0.01, int epochs = 10, int batchSize = 100,
                                                   double activityL1 = 0, IReadOnlyList<int>? activityLayers = null, double weightDecay = 0,
                                                   long seed = 0, bool shuffle = true, bool progress = true, IReadOnlyList<int>? weightDecayLayers = null,
                                                   Func<IEnumerable<TorchSharp.Modules.Parameter>, double, optim.Optimizer>? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        var trainer = KerasTrainer(mlp, learningRate, epochs, batchSize, activityL1, activityLayers, weightDecay, seed, shuffle, progress, weightDecayLayers, optimizer);
        ReluChecks.Input(x, mlp.Inputs, "Mlp.Train");
        long n = x.shape[0];
        if (mlp.Output == OutputActivation.Sigmoid)
        {
            if (mlp.Outputs != 1) throw new ArgumentException("Binary cross-entropy training needs a single sigmoid output unit.", nameof(mlp));
            ReluChecks.Labels(y, n, "Mlp.Train");
        }
        else ReluChecks.Targets(y, n, mlp.Outputs, "Mlp.Train");
        using var xs = mlp.Prepare(x);
        using var ys = y.to(mlp.DType, mlp.Device).reshape(n, mlp.Outputs);
        trainer.Fit(mlp.Logits, xs, ys);
        mlp.IsTrained = true;
        return trainer.History.Select(e => new EpochRecord(e.Epoch, e.Loss, e.Metric)).ToArray();
    }
}
