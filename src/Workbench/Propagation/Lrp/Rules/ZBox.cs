using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// LRP-z^B for inputs in a box l ≤ x ≤ h (Montavon et al. 2017; zennit <c>ZBox</c>):
/// R_i = Σ_j (x_i w_ij − l_i w⁺_ij − h_i w⁻_ij) / (z_j − (W⁺l + b⁺)_j − (W⁻h + b⁻)_j) · R_j.
/// The bounds broadcast against one input without its batch axis, e.g. [C,1,1] per channel.
/// </summary>
public sealed class ZBox : IRule
{
    /// <summary>z^B with bounds <paramref name="low"/> and <paramref name="high"/> (tensors broadcast to one input, or scalars).</summary>
    public ZBox(Tensor low, Tensor high, double stabilizer = 1e-6)
    {
        if (low.shape.Length != high.shape.Length) throw new ArgumentException("low and high must have the same shape.");
        if (low.gt(high).any().item<bool>()) throw new ArgumentException("z^B needs low ≤ high everywhere.");
        Low = low.detach(); High = high.detach(); StabilizerEpsilon = stabilizer;
    }

    /// <summary>z^B with scalar bounds.</summary>
    public ZBox(double low, double high, double stabilizer = 1e-6) : this(tensor(low), tensor(high), stabilizer) { }

    /// <summary>Lower bound l.</summary>
    public Tensor Low { get; }
    /// <summary>Upper bound h.</summary>
    public Tensor High { get; }
    /// <summary>ε of the stabilizer.</summary>
    public double StabilizerEpsilon { get; }

    /// <inheritdoc/>
    public string Name => "z^B";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        layer.RequireParametric(Name);
        using var scope = NewDisposeScope();
        var x = layer.Input; var x0 = x.detach();
        var l = Low.to(x0.device).to_type(x0.dtype).expand_as(x0);
        var h = High.to(x0.device).to_type(x0.dtype).expand_as(x0);
        var w = layer.Weight!.detach(); var b = layer.Bias?.detach();
        Tensor wp, wn, s;
        using (no_grad())
        {
            wp = w.clamp(min: 0); wn = w.clamp(max: 0);
            var den = layer.Output - layer.Apply(l, wp, b?.clamp(min: 0));
            den.sub_(layer.Apply(h, wn, b?.clamp(max: 0)));
            s = Stabilizer.ReciprocalInPlace(den, StabilizerEpsilon);
        }
        // the maps x ↦ W x, W⁺x, W⁻x with their gradients multiplied by x0, l and h where x enters
        var j = layer.Apply(Grafts.ScaleGradient(x, x0), w, null) - layer.Apply(Grafts.ScaleGradient(x, l), wp, null)
              - layer.Apply(Grafts.ScaleGradient(x, h), wn, null);
        return layer.Graft(Grafts.ScaleGradient(j, s)).MoveToOuterDisposeScope();
    }
}
