using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Gumbel-softmax relaxation, IDC Eq. (6): ŷ_k = softmax_k((log π_k + g_k)/τ), g = −log(−log U), U ~ U(0,1).
/// As the code: log π = log_softmax(logits), no straight-through; τ = 100 there (cfg_mnist.yaml:54).
/// </summary>
public static class GumbelSoftmax
{
    /// <summary>Standard Gumbel noise g = −log(−log U) of the given shape (mean γ = 0.5772, variance π²/6).</summary>
    public static Tensor Noise(long[] shape, ScalarType dtype = ScalarType.Float32, Generator? generator = null, Device? device = null)
    {
        var u = rand(shape, dtype: dtype, generator: generator).clamp(1e-20, 1.0 - 1e-7);
        var g = -(-u.log()).log();
        return device is null ? g : g.to(device);
    }

    /// <summary>Relaxed one-hot sample ŷ [B,K] from <paramref name="logits"/> [B,K] at temperature <paramref name="tau"/>.</summary>
    public static Tensor Sample(Tensor logits, double tau, Generator? generator = null)
    {
        if (tau <= 0) throw new ArgumentException($"tau must be > 0; got {tau}.");
        var g = Noise(logits.shape, logits.dtype, generator, logits.device);
        return ((nn.functional.log_softmax(logits, 1) + g) / tau).softmax(1);
    }
}
