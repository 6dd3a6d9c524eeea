using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Numerics;

/// <summary>
/// The log-mean-exp pool of NEON Eq. (7): LME^γ_{i∈C}{s_i} = (1/γ) log( (1/|C|) Σ_{i∈C} exp(γ s_i) ).
/// γ &gt; 0 is a soft max-pool, γ &lt; 0 a soft min-pool; γ → ±∞ gives the hard max/min. Computed with logsumexp (stable).
/// </summary>
public static class Lme
{
    /// <summary>LME^γ over dimension <paramref name="dim"/>.</summary>
    public static Tensor Pool(Tensor s, double gamma, long dim)
    {
        if (gamma == 0) throw new ArgumentException("LME stiffness γ must be non-zero (γ → 0 is the arithmetic mean).");
        using var scope = NewDisposeScope();
        var r = (logsumexp(gamma * s, dim) - Math.Log(s.shape[dim])) / gamma;
        return r.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// LME^γ over the entries of dimension <paramref name="dim"/> where <paramref name="mask"/> is true (the members of C).
    /// Where a row has no member the result is NaN.
    /// </summary>
    public static Tensor Pool(Tensor s, double gamma, long dim, Tensor mask)
    {
        if (gamma == 0) throw new ArgumentException("LME stiffness γ must be non-zero (γ → 0 is the arithmetic mean).");
        using var scope = NewDisposeScope();
        var z = (gamma * s).masked_fill(mask.logical_not(), double.NegativeInfinity);
        var count = mask.sum(dim, type: s.dtype);
        var r = (logsumexp(z, dim) - count.log()) / gamma;
        r = r.masked_fill(count.eq(0), double.NaN);
        return r.MoveToOuterDisposeScope();
    }

    /// <summary>LME^γ of a list of numbers (scalar form, for small examples and checks in notebooks).</summary>
    public static double Pool(IReadOnlyList<double> s, double gamma)
    {
        double m = s.Max(v => gamma * v);
        double acc = s.Sum(v => Math.Exp(gamma * v - m));
        return (m + Math.Log(acc / s.Count)) / gamma;
    }
}
