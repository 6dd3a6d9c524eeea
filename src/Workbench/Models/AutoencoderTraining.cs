using TorchSharp;
using TorchSharp.Modules;
using Workbench.Training;
using Training = Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// Reconstruction training of an autoencoder as Grad-CeAM's official code does it (Eq. 11, Keras <c>fit</c>), on the
/// general <see cref="Trainer"/>: MSE averaged over all elements, Keras <c>Adam()</c> defaults (lr 1e-3,
/// β = (0.9, 0.999), ε = 1e-7), a full reshuffle every epoch (seeded), the last partial batch kept. Deterministic on
/// the CPU for a given seed.
/// </summary>
public static class AutoencoderTraining
{
    /// <summary>Keras's Adam ε (PyTorch's default is 1e-8).</summary>
    public const double KerasAdamEps = 1e-7;

    /// <summary>Keras's <c>Adam()</c>: β = (0.9, 0.999), ε = 1e-7, as a <see cref="Trainer"/> optimizer factory.</summary>
    public static optim.Optimizer KerasAdam(IEnumerable<Parameter> parameters, double learningRate) =>
        optim.Adam(parameters, lr: learningRate, beta1: 0.9, beta2: 0.999, eps: KerasAdamEps);

    /// <summary>
    /// Trains <paramref name="model"/> to reconstruct <paramref name="x"/> ([N, …input shape]) and returns the mean
    /// training loss of each epoch (none when <paramref name="epochs"/> is 0). Leaves the model in eval mode.
    /// </summary>
    public static double[] Fit(nn.Module<Tensor, Tensor> model, Tensor x, int epochs, int batchSize, double learningRate = 1e-3,
        long seed = 0, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (epochs < 0) throw new ArgumentException($"epochs must be ≥ 0; got {epochs}.");
        if (epochs == 0) { model.eval(); return []; }
        // Eq. 11: the target is the input; Trainer casts, moves, checks for NaN/∞ and shuffles with Seeds.Generator(seed).
        var trainer = new Trainer(Training.Losses.MeanSquaredError, KerasAdam, learningRate, epochs, batchSize, seed,
            title: $"train {model.GetName()}", device: device).Fit(model, x, x);
        return trainer.History.Select(e => e.Loss).ToArray();
    }

    /// <summary>Latent codes of <paramref name="x"/> in eval mode without gradients, in batches of <paramref name="batchSize"/>.</summary>
    public static Tensor Encode(IConvAutoencoder model, Tensor x, int batchSize = 512)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long s = 0; s < x.shape[0]; s += batchSize)
            parts.Add(model.Encode(x.narrow(0, s, Math.Min(batchSize, x.shape[0] - s))));
        var z = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return z;
    }
}
