using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// The midpoint rule, NEON §II-B Eq. (4), for a fully connected layer whose neuron p has a known root m_p (h_p(m_p) = 0):
/// R_i = Σ_p (x_i − m_pi) w_pi / Σ_i (x_i − m_pi) w_pi · R_p. For the k-means detection layer (Prop. 1) m_p is the midpoint
/// (μ_c + μ_k)/2 and the denominator equals h_p exactly (w_pᵀm_p = −b_p); for a bias-free layer the root 0 makes it LRP-0.
/// The denominator is computed as written, Σ_i (x_i − m_pi) w_pi, so Σ_i R_i = Σ_p R_p also when m_p is not a root (e.g. the
/// root 0 of a biased layer, where the bias then keeps no relevance).
/// </summary>
public sealed class Midpoint : IRule
{
    /// <summary>The rule with one root per output neuron, <paramref name="roots"/> [P, D] (rows for inactive neurons may be anything).</summary>
    public Midpoint(Tensor roots)
    {
        if (roots.dim() != 2) throw new ArgumentException($"roots must be [outputs, inputs]; got [{string.Join(",", roots.shape)}].");
        Roots = roots.detach();
    }

    /// <summary>m_p, [P,D].</summary>
    public Tensor Roots { get; }

    /// <inheritdoc/>
    public string Name => "midpoint";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        layer.RequireParametric(Name);
        if (layer.Module is not TorchSharp.Modules.Linear)
            throw new InvalidOperationException($"the midpoint rule is for fully connected layers; '{layer.Name}' is a {layer.Module.GetType().Name}.");
        var w = layer.Weight!;
        if (!w.shape.SequenceEqual(Roots.shape))
            throw new ArgumentException($"'{layer.Name}' has weight [{string.Join(",", w.shape)}] but the roots are [{string.Join(",", Roots.shape)}]; give one root per output neuron.");
        using var scope = NewDisposeScope();
        var x = layer.Input; var x0 = x.detach();
        var m = Roots.to(w.device).to_type(w.dtype);
        // Σ_i (x_i − m_pi) w_pi as a function of the gradient path x: (x0 ⊙ x)·w_p − x·(m_p ⊙ w_p), over its value
        var j = layer.Apply(x0 * x, w, null) - layer.Apply(x, m * w, null);
        Tensor den;
        using (no_grad()) den = layer.Apply(x0, w, null) - (m * w).sum(1);
        return layer.Graft(Stabilizer.Divide(j, den, 0)).MoveToOuterDisposeScope();
    }
}
