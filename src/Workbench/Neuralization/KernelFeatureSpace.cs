using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// Distances in the feature space of the Gaussian kernel 𝕂(x,u) = exp(−γ‖x − u‖²), computed with the kernel trick, and
/// the map g_c of NEON Prop. 4 (Eqs. 8–9) relating them to the LME distance of Eq. (6).
/// </summary>
public static class KernelFeatureSpace
{
    /// <summary>𝕂(x, u) for rows of x [N,d] and u [M,d], [N,M].</summary>
    public static Tensor Kernel(Tensor x, Tensor u, double gamma)
    {
        using var s = NewDisposeScope();
        return (-gamma * Clustering.Distances.Squared(x, u)).exp().MoveToOuterDisposeScope();
    }

    /// <summary>‖μ_c‖² for μ_c = (1/Z) Σ_i Φ(u_i).</summary>
    public static double MeanNormSquared(Tensor u, double gamma, double z) =>
        Kernel(u, u, gamma).sum().ToDouble() / (z * z);

    /// <summary>The spherical normaliser Z_c = ‖Σ_i Φ(u_i)‖ (gives ‖μ_c‖ = 1).</summary>
    public static double SphericalZ(Tensor u, double gamma) => Math.Sqrt(Kernel(u, u, gamma).sum().ToDouble());

    /// <summary>‖Φ(x) − μ_c‖² = 1 − (2/Z) Σ_i 𝕂(x,u_i) + ‖μ_c‖², [N] (Eq. 5's distance).</summary>
    public static Tensor SquaredDistanceToMean(Tensor x, Tensor u, double gamma, double z)
    {
        using var s = NewDisposeScope();
        var r = 1 - 2.0 / z * Kernel(x, u, gamma).sum(1) + MeanNormSquared(u, gamma, z);
        return r.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// g_c(ξ) = γ⁻¹ Li₁(ξ/2 + Δ_c) + γ⁻¹ H_c (Eq. 9), Li₁(t) = −log(1 − t), Δ_c = (1 − ‖μ_c‖²)/2, H_c = log(|C_c|/Z_c).
    /// </summary>
    public static Tensor G(Tensor xi, double gamma, double meanNormSquared, int count, double z)
    {
        double delta = (1 - meanNormSquared) / 2, hc = Math.Log(count / z);
        using var s = NewDisposeScope();
        var li1 = -(1 - (xi / 2 + delta)).log();
        return ((li1 + hc) / gamma).MoveToOuterDisposeScope();
    }
}
