using TorchSharp;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// Reconstruction training of an autoencoder as Grad-CeAM's official code does it (Eq. 11, Keras <c>fit</c>):
/// MSE averaged over all elements, Keras <c>Adam()</c> defaults (lr 1e-3, β = (0.9, 0.999), ε = 1e-7), a full
/// reshuffle every epoch (seeded), the last partial batch kept. Deterministic on the CPU for a given seed.
/// </summary>
public static class AutoencoderTraining
{
    /// <summary>Keras's Adam ε (PyTorch's default is 1e-8).</summary>
    public const double KerasAdamEps = 1e-7;

    /// <summary>
    /// Trains <paramref name="model"/> to reconstruct <paramref name="x"/> ([N, …input shape]) and returns the mean
    /// training loss of each epoch. Leaves the model in eval mode.
    /// </summary>
    public static double[] Fit(nn.Module<Tensor, Tensor> model, Tensor x, int epochs, int batchSize, double learningRate = 1e-3,
        long seed = 0, Device? device = null)
    {
        if (epochs < 0) throw new ArgumentException($"epochs must be ≥ 0; got {epochs}.");
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1; got {batchSize}.");
        if (x.shape[0] < 1) throw new ArgumentException("No training rows: pass at least one sample.");
        if (x.isnan().any().item<bool>() || x.isinf().any().item<bool>()) throw new ArgumentException("Training data hold NaN or ∞; clean them first.");
        var dev = Devices.Resolve(device);
        model.to(dev);
        var dtype = model.parameters().First().dtype;
        var data = x.to(dev).to_type(dtype);
        var g = Seeds.Generator(seed);
        var opt = optim.Adam(model.parameters(), lr: learningRate, beta1: 0.9, beta2: 0.999, eps: KerasAdamEps);
        long n = data.shape[0];
        var losses = new double[epochs];
        model.train();
        using (var bar = Progress.Start($"train {model.GetName()}", epochs))
        {
            for (int e = 0; e < epochs; e++)
            {
                using var perm = randperm(n, generator: g).to(dev);
                double sum = 0;
                for (long s = 0; s < n; s += batchSize)
                {
                    long len = Math.Min(batchSize, n - s);
                    opt.zero_grad();
                    using (var scope = NewDisposeScope())
                    {
                        var xb = data.index_select(0, perm.narrow(0, s, len));
                        var loss = nn.functional.mse_loss(model.forward(xb), xb); // Eq. 11, mean over elements
                        loss.backward();
                        sum += loss.ToDouble() * len;
                    }
                    opt.step(); // outside the dispose scope (TorchSharp trap)
                }
                losses[e] = sum / n;
                bar.Report(e + 1, $"loss {losses[e]:G5}");
            }
        }
        model.eval();
        if (!ReferenceEquals(data, x)) data.Dispose();
        return losses;
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
