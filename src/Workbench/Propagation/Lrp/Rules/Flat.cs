using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// LRP-w² (Montavon et al. 2017; zennit <c>WSquare</c>): R_i = Σ_j w²_ij / Σ_i w²_ij · R_j, independent of the input
/// (zennit squares the bias too: the denominator is W²·1 + b²).
/// </summary>
public class WSquare : IRule
{
    /// <summary>LRP-w².</summary>
    public WSquare(double stabilizer = 1e-6) { StabilizerEpsilon = stabilizer; }

    /// <summary>ε of the stabilizer.</summary>
    public double StabilizerEpsilon { get; }

    /// <inheritdoc/>
    public virtual string Name => "w²";

    /// <summary>The modified weight and bias.</summary>
    protected virtual (Tensor, Tensor?) Modify(Tensor w, Tensor? b) => (w * w, b is null ? null : b * b);

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        layer.RequireParametric(Name);
        using var scope = NewDisposeScope();
        var (w, b) = Modify(layer.Weight!, layer.Bias);
        var x = layer.Input;
        Tensor den;
        using (no_grad()) den = layer.Apply(ones_like(x), w, b);
        // Jacobian w²_ij / den_j: the map x ↦ W² x (the reducer keeps the gradient, not input × gradient)
        var j = layer.Apply(x, w, null) / Stabilizer.Stabilize(den, StabilizerEpsilon);
        return layer.Graft(j).MoveToOuterDisposeScope();
    }
}

/// <summary>LRP-flat (Lapuschkin et al. 2019; zennit <c>Flat</c>): <see cref="WSquare"/> with every weight 1 and no bias.</summary>
public sealed class Flat : WSquare
{
    /// <summary>LRP-flat.</summary>
    public Flat(double stabilizer = 1e-6) : base(stabilizer) { }

    /// <inheritdoc/>
    public override string Name => "flat";

    /// <inheritdoc/>
    protected override (Tensor, Tensor?) Modify(Tensor w, Tensor? b) => (ones_like(w), null);
}
