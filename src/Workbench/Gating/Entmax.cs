using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Gating;

/// <summary>
/// α-entmax (Peters, Niculae &amp; Martins 2019), the sparse selection of NeurCAM's gates (NeurCAM §3.2 Eq. 9):
/// entmax_α(z) = argmax_{p∈Δ} pᵀz + Σ_j (p_j − p_j^α)/(α(α−1)), solved by p_i = [(α−1)z_i − τ]_+^{1/(α−1)} with Σp = 1.
/// <see cref="Entmax15"/> is the exact sort-based solution for α = 1.5 (p_i = [z_i/2 − τ]_+²);
/// <see cref="Bisect"/> finds τ by bisection for any α &gt; 1. Both are differentiable along any dimension: τ is found
/// without gradient, then recomputed differentiably from the support (α = 1.5) or by one implicit Newton step (any α),
/// so autograd gives the exact Jacobian J = diag(s) − s sᵀ/Σs with s = p^{2−α} (checked against
/// <see cref="Backward"/> and finite differences in the tests).
/// </summary>
public static class Entmax
{
    /// <summary>
    /// 1.5-entmax of <paramref name="z"/> along <paramref name="dim"/>, exact (sort-based threshold, entmax
    /// `activations.py` algorithm): the output sums to 1, is ≥ 0, and is exactly one-hot iff the top two entries differ by ≥ 2.
    /// </summary>
    public static Tensor Entmax15(Tensor z, long dim = -1)
    {
        using var scope = NewDisposeScope();
        var zt = z.transpose(dim, -1);
        // shift by the max (shift invariance) and halve: x = (z − max)/2, p = [x − τ]_+²
        var x = (zt - zt.amax(new long[] { -1 }, keepdim: true).detach()) / 2;
        Tensor tauStar;
        using (no_grad())
        {
            long d = x.shape[^1];
            var sorted = x.sort(-1, descending: true).Values;
            var rho = arange(1, d + 1, dtype: x.dtype, device: x.device);
            var mean = sorted.cumsum(-1) / rho;                                  // M_ρ
            var meanSq = sorted.square().cumsum(-1) / rho;
            var ss = rho * (meanSq - mean.square());                             // S_ρ
            var delta = ((1 - ss) / rho).clamp_min(0);
            var tau = mean - delta.sqrt();                                       // τ_ρ
            var support = tau.le(sorted).sum(new long[] { -1 }, keepdim: true);  // k = #{ρ: τ_ρ ≤ z_(ρ)}
            tauStar = tau.gather(-1, support - 1);
        }
        // τ recomputed with gradient from the support S = {x_i > τ*}: τ = M_S − √((1 − Σ_S (x − M_S)²)/|S|)
        var mask = x.detach().gt(tauStar).to_type(x.dtype);
        var k = mask.sum(new long[] { -1 }, keepdim: true);
        var m = (x * mask).sum(new long[] { -1 }, keepdim: true) / k;
        var s = ((x - m).square() * mask).sum(new long[] { -1 }, keepdim: true);
        var tauD = m - ((1 - s) / k).clamp_min(0).sqrt();
        var p = (x - tauD).relu().square();
        return p.transpose(dim, -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// α-entmax of <paramref name="z"/> along <paramref name="dim"/> by bisection on τ ∈ [max−1, max−(1/d)^{α−1}] of
    /// (α−1)z (entmax `root_finding.py`), then renormalised. α &gt; 1; α = 2 is sparsemax, α → 1 tends to softmax.
    /// </summary>
    public static Tensor Bisect(Tensor z, double alpha, long dim = -1, int nIter = 50)
    {
        if (!(alpha > 1)) throw new ArgumentException($"alpha must be > 1 for entmax bisection (α → 1 is softmax); got {alpha}.", nameof(alpha));
        if (nIter < 1) throw new ArgumentException($"nIter must be ≥ 1; got {nIter}.", nameof(nIter));
        using var scope = NewDisposeScope();
        double e = 1 / (alpha - 1);
        var zt = z.transpose(dim, -1);
        var x = (zt - zt.amax(new long[] { -1 }, keepdim: true).detach()) * (alpha - 1);   // max is 0
        long d = x.shape[^1];
        Tensor tau;
        using (no_grad())
        {
            var lo = full_like(x.narrow(-1, 0, 1), -1.0);
            var hi = full_like(lo, -Math.Pow(1.0 / d, alpha - 1));
            var xd = x.detach();
            for (int i = 0; i < nIter; i++)
            {
                var mid = (lo + hi) / 2;
                var f = (xd - mid).relu().pow(e).sum(new long[] { -1 }, keepdim: true) - 1;
                var up = f.ge(0);                                                       // Σp ≥ 1: τ too small
                lo = where(up, mid, lo);
                hi = where(up, hi, mid);
            }
            tau = (lo + hi) / 2;
        }
        // One implicit Newton step from τ* (value unchanged to rounding, gradient = the implicit derivative dτ/dx)
        var pos = x.detach().gt(tau);
        var diff = (x - tau).relu();
        var fz = diff.pow(e).sum(new long[] { -1 }, keepdim: true) - 1;
        var slope = where(pos, e * diff.detach().pow(e - 1), zeros_like(diff)).sum(new long[] { -1 }, keepdim: true);
        var tauD = tau + fz / slope;
        var p = (x - tauD).relu().pow(e);
        p = p / p.sum(new long[] { -1 }, keepdim: true).detach();
        return p.transpose(dim, -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Closed-form backward of α-entmax: given the output <paramref name="p"/> and the upstream gradient
    /// <paramref name="dy"/>, dz = s⊙dy − (Σ s⊙dy / Σ s) s with s = p^{2−α} on the support (entmax `activations.py`).
    /// </summary>
    public static Tensor Backward(Tensor p, Tensor dy, double alpha = 1.5, long dim = -1)
    {
        using var scope = NewDisposeScope();
        var s = where(p.gt(0), p.pow(2 - alpha), zeros_like(p));
        var sdy = s * dy;
        var q = sdy.sum(new long[] { dim }, keepdim: true) / s.sum(new long[] { dim }, keepdim: true);
        return (sdy - q * s).MoveToOuterDisposeScope();
    }

    /// <summary>Jacobian ∂p/∂z = diag(s) − s sᵀ/Σs of α-entmax at output <paramref name="p"/> (a vector), [d,d].</summary>
    public static Tensor Jacobian(Tensor p, double alpha = 1.5)
    {
        if (p.dim() != 1) throw new ArgumentException($"Jacobian takes one probability vector; got shape [{string.Join(", ", p.shape)}].");
        using var scope = NewDisposeScope();
        var s = where(p.gt(0), p.pow(2 - alpha), zeros_like(p));
        return (diag(s) - s.outer(s) / s.sum()).MoveToOuterDisposeScope();
    }

    /// <summary>True for each slice along <paramref name="dim"/> whose entmax output has at most one non-zero (a hard gate).</summary>
    public static Tensor IsOneHot(Tensor p, long dim = -1) => p.gt(0).sum(new long[] { dim }).le(1);
}
