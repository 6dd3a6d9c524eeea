using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>The LRP stabilizer, as zennit's <c>stabilize</c>: z + ε·sign(z) with sign(0) = +1, so no denominator is 0 for ε &gt; 0.</summary>
public static class Stabilizer
{
    /// <summary>z + ε·sign(z), sign(0) = +1. With ε = 0 a zero entry of z stays 0; see <see cref="Divide"/>.</summary>
    public static Tensor Stabilize(Tensor z, double epsilon)
    {
        using var scope = NewDisposeScope();
        var sign = where(z.ge(0), 1.0, -1.0).to_type(z.dtype);
        return (z + epsilon * sign).MoveToOuterDisposeScope();
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
        var q = numerator / den.masked_fill(zero, 1.0);
        return q.masked_fill(zero, 0.0).MoveToOuterDisposeScope();
    }
}
