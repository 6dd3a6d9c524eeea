using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>
/// NEON §II-B Eq. (4) for neurons that compare two prototypes, h = ‖x − b‖² − ‖x − a‖² = wᵀx + β with w = 2(a − b):
/// R_i = Σ_p (x_i − m_ip) w_ip / Σ_i (x_i − m_ip) w_ip · R_p, where m_p = (a_p + b_p)/2 is the midpoint (a root of h).
/// <para>Since Σ_i (x_i − m_ip) w_ip = h_p exactly, a model passes per neuron the coefficient q_p = R_p / h_p and the rule
/// needs no [N,P,d] tensor: with C[n,s] = Σ_{p: a_p=s} q_p − Σ_{p: b_p=s} q_p over the prototype table P,
/// R = 2x ⊙ (C P) − C (P ⊙ P). (x−m)⊙w expands to 2x⊙a − a⊙a − 2x⊙b + b⊙b, summed with weights q.)</para>
/// <para>As a rule object (<see cref="Default"/>, an <see cref="IDetectionRule"/>) it is the first-layer rule of
/// <see cref="NeonComposite"/>: its denominator is h_p − o, the part of h_p that Σ_i (x_i − m_ip) w_ip accounts for.</para>
/// </summary>
public sealed class MidpointRule : IDetectionRule
{
    MidpointRule() { }

    /// <summary>The midpoint rule as an <see cref="IDetectionRule"/> (the default of <see cref="NeonComposite"/>).</summary>
    public static MidpointRule Default { get; } = new();

    /// <inheritdoc/>
    public string Name => "midpoint";

    /// <inheritdoc/>
    public Tensor Denominator(Tensor h, double offset) => offset == 0 ? h.alias() : h - offset;

    /// <inheritdoc/>
    public Tensor Propagate(Tensor x, Tensor prototypes, Tensor coefficients) => Apply(x, prototypes, coefficients);

    /// <summary>R [N,d] from the inputs <paramref name="x"/> [N,d], prototypes [S,d] and signed coefficients C [N,S] (see the class summary).</summary>
    public static Tensor Apply(Tensor x, Tensor prototypes, Tensor coefficients)
    {
        using var scope = NewDisposeScope();
        // in place: one [N,d] result, one [N,d] product (large temporaries are expensive where memory is slow to map)
        var r = coefficients.matmul(prototypes).mul_(x).mul_(2);
        r = r.addmm_(coefficients, prototypes * prototypes, beta: 1, alpha: -1);
        return r.MoveToOuterDisposeScope();
    }

    /// <summary>q = R / h with |h| below <paramref name="eps"/> moved to ±eps, so relevance landing on a (near-)inactive neuron stays finite.</summary>
    public static Tensor SafeRatio(Tensor r, Tensor h, double eps = 1e-12)
    {
        using var scope = NewDisposeScope();
        var hs = where(h.abs().lt(eps), where(h.ge(0), eps, -eps).to_type(h.dtype), h);
        return (r / hs).MoveToOuterDisposeScope();
    }
}
