using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>
/// Min-take-most redistribution through a (soft) min-pool, NEON §II-B Eq. (2):
/// R_k = exp(−β h_k) / Σ_{k'≠c} exp(−β h_k') · R_out. β = 0 splits uniformly, β = ∞ gives all to the smallest input
/// (min-take-all). <see cref="MaxWeights"/> is the sign-switched rule for soft max-pools (footnote 1).
/// </summary>
public static class MinTakeMost
{
    /// <summary>Softmin weights over the entries of <paramref name="h"/> [..,K] where <paramref name="members"/> is true; they sum to 1 per row.</summary>
    public static Tensor Weights(Tensor h, Tensor members, double beta)
    {
        if (double.IsNaN(beta) || beta < 0) throw new ArgumentException($"stiffness β must be ≥ 0 (or +∞); got {beta}.");
        using var scope = NewDisposeScope();
        Tensor w;
        if (double.IsPositiveInfinity(beta))
        {
            // min-take-all: the arg-min among the members (first one on ties)
            var masked = h.masked_fill(members.logical_not(), double.PositiveInfinity);
            w = zeros_like(h).scatter_(-1, masked.argmin(-1, keepdim: true), ones_like(h));
        }
        else
            w = softmax((-beta * h).masked_fill(members.logical_not(), double.NegativeInfinity), -1);
        return w.MoveToOuterDisposeScope();
    }

    /// <summary>Eq. (2): R_k = softmin_β(h)_k · R_out, with <paramref name="rOut"/> [..] broadcast over the last dimension.</summary>
    public static Tensor Redistribute(Tensor h, Tensor members, Tensor rOut, double beta)
    {
        using var scope = NewDisposeScope();
        return (Weights(h, members, beta) * rOut.unsqueeze(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>Sign-switched weights for a soft max-pool LME^{+γ} (footnote 1): softmax(+β h) over the members.</summary>
    public static Tensor MaxWeights(Tensor h, Tensor members, double beta)
    {
        using var scope = NewDisposeScope();
        return Weights(-h, members, beta).MoveToOuterDisposeScope();
    }
}
