using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// LRP-ε (Montavon et al. 2019; zennit <c>Epsilon</c>): R_j = Σ_k x_j w_jk / (z_k + ε·sign(z_k)) · R_k, z_k = Σ_j x_j w_jk + b_k
/// (bias included, so it absorbs relevance). ε = 0 is LRP-0 (<see cref="Lrp0"/>), which equals gradient × input on ReLU networks.
/// </summary>
public class Epsilon : IRule, IOwnForwardRule
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
        // Jacobian x0_j w_jk / stab(z_k): the map x ↦ W x with its gradient multiplied by x0 on the way in and 1/stab(z)
        // on the way out (the engine takes a faster path, IScaledGradientRule, when the layer's own parameters are used)
        var j = layer.Apply(Grafts.TimesInput(layer.Input), layer.Weight!, null);
        return layer.Graft(Grafts.ScaleGradient(j, OutputScale(layer)));
    }

    bool IOwnForwardRule.UsesOwnForward(Tensor input) => true;

    Tensor IOwnForwardRule.FromOwnForward(LayerCall layer, Tensor own) => Grafts.ScaleGradient(own, OutputScale(layer));

    Tensor OutputScale(LayerCall layer)
    {
        layer.RequireParametric(Name);
        return Stabilizer.Reciprocal(layer.Output, Value);      // 1 / (z + ε·sign z), 0 where that is 0
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
