using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>The LRP stabilizer, as zennit's <c>stabilize</c>: z + ε·sign(z) with sign(0) = +1, so no denominator is 0 for ε &gt; 0.</summary>
public static class Stabilizer
{
    /// <summary>z + ε·sign(z), sign(0) = +1. With ε = 0 a zero entry of z stays 0; see <see cref="Divide"/>.</summary>
    public static Tensor Stabilize(Tensor z, double epsilon)
    {
        // one temporary, filled in place: (2·[z ≥ 0] − 1)·ε + z, the same numbers as z + ε·sign(z) (±1·ε is exact)
        var den = z.ge(0).to_type(z.dtype);
        return den.mul_(2).sub_(1).mul_(epsilon).add_(z);
    }

    /// <summary>
    /// numerator / (z + ε·sign(z)); where the stabilized denominator is exactly 0 (only possible for ε = 0) the result is 0:
    /// relevance reaching a neuron with z = 0 under LRP-0 is dropped rather than turned into ∞/NaN.
    /// </summary>
    public static Tensor Divide(Tensor numerator, Tensor z, double epsilon)
    {
        using var scope = NewDisposeScope();
        var den = Stabilize(z, epsilon);
        var zero = den.eq(0);
        var q = numerator / den.masked_fill_(zero, 1.0);
        return q.masked_fill_(zero, 0.0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// 1 / (z + ε·sign(z)) as a constant (no gradient), 0 where the stabilized denominator is exactly 0: the factor by which
    /// ε-type rules scale the relevance of each output (<see cref="Divide"/> with numerator 1, in one temporary).
    /// </summary>
    public static Tensor Reciprocal(Tensor z, double epsilon)
    {
        using var no = no_grad();
        using var scope = NewDisposeScope();
        return ReciprocalInPlace(z.detach().clone(), epsilon).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Reciprocal"/> computed in <paramref name="den"/>'s own storage (which it overwrites and returns): for callers that own the denominator.</summary>
    internal static Tensor ReciprocalInPlace(Tensor den, double epsilon)
    {
        using var no = no_grad();
        using var scope = NewDisposeScope();
        // den + (±ε) with +ε where den ≥ 0: the numbers of z + ε·sign(z) in one pass and one temporary
        var e = tensor(epsilon, den.dtype, den.device);
        bool vanishes = epsilon == 0 || e.to(ScalarType.Float64).item<double>() == 0;      // ε below the dtype's range
        if (!vanishes) den.add_(where(den.ge(0), e, e.neg()));
        if (!vanishes) return den.reciprocal_();                                            // |den| ≥ ε: never 0
        var zero = den.eq(0);
        return den.reciprocal_().masked_fill_(zero, 0.0);
    }
}
