using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// LRP-ε (Montavon et al. 2019; zennit <c>Epsilon</c>): R_j = Σ_k x_j w_jk / (z_k + ε·sign(z_k)) · R_k, z_k = Σ_j x_j w_jk + b_k
/// (bias included, so it absorbs relevance). ε = 0 is LRP-0 (<see cref="Lrp0"/>), which equals gradient × input on ReLU networks.
/// </summary>
public class Epsilon : IRule
{
    /// <summary>LRP-ε with stabilizer <paramref name="epsilon"/> (zennit's default 1e-6).</summary>
    public Epsilon(double epsilon = 1e-6)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"ε must be finite and ≥ 0; got {epsilon}.");
        Value = epsilon;
    }

    /// <summary>ε.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public virtual string Name => $"ε={Value:G3}";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        layer.RequireParametric(Name);
        using var scope = NewDisposeScope();
        var x0 = layer.Input.detach();
        var z = layer.Output.detach();
        // Jacobian x0_j w_jk / stab(z_k): the map x ↦ W(x0 ⊙ x) scaled per output
        var j = layer.Apply(x0 * layer.Input, layer.Weight!, null) * Stabilizer.Divide(ones_like(z), z, Value);
        return layer.Graft(j).MoveToOuterDisposeScope();
    }
}

/// <summary>LRP-0: <see cref="Epsilon"/> with ε = 0 (relevance reaching a neuron with z = 0 exactly is dropped).</summary>
public sealed class Lrp0 : Epsilon
{
    /// <summary>LRP-0.</summary>
    public Lrp0() : base(0) { }

    /// <inheritdoc/>
    public override string Name => "LRP-0";
}
