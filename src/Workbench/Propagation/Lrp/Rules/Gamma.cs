using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// LRP-γ in zennit's form for signed inputs (zennit <c>Gamma</c>, Montavon et al. 2019; Andéol et al. 2021), bias included.
/// With x⁺ = max(x,0), x⁻ = min(x,0), W↑ = W + γW⁺, W↓ = W + γW⁻ (and b↑, b↓ likewise):
/// where z_k &gt; 0, R_j = (x⁺_j W↑_jk + x⁻_j W↓_jk) / (W↑x⁺ + W↓x⁻ + b↑)_k · R_k;
/// where z_k &lt; 0, R_j = (x⁺_j W↓_jk + x⁻_j W↑_jk) / (W↓x⁺ + W↑x⁻ + b↓)_k · R_k; where z_k = 0 nothing is propagated.
/// For x ≥ 0 and z &gt; 0 this is the paper's LRP-γ; γ = 0 is LRP-0 (with the stabilizer).
/// </summary>
public sealed class Gamma : IRule
{
    /// <summary>LRP-γ with <paramref name="gamma"/> (zennit's default 0.25) and stabilizer <paramref name="stabilizer"/>.</summary>
    public Gamma(double gamma = 0.25, double stabilizer = 1e-6)
    {
        if (!(gamma >= 0) || double.IsInfinity(gamma)) throw new ArgumentException($"γ must be finite and ≥ 0; got {gamma}.");
        Value = gamma; StabilizerEpsilon = stabilizer;
    }

    /// <summary>γ.</summary>
    public double Value { get; }
    /// <summary>ε of the stabilizer.</summary>
    public double StabilizerEpsilon { get; }

    /// <inheritdoc/>
    public string Name => $"γ={Value:G3}";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        layer.RequireParametric(Name);
        using var scope = NewDisposeScope();
        var w = layer.Weight!; var b = layer.Bias;
        var wUp = w + Value * w.clamp(min: 0); var wDown = w + Value * w.clamp(max: 0);
        Tensor? bUp = b is null ? null : b + Value * b.clamp(min: 0);
        Tensor? bDown = b is null ? null : b + Value * b.clamp(max: 0);
        var x0 = layer.Input.detach();
        var xp = x0.clamp(min: 0); var xn = x0.clamp(max: 0);
        var z = layer.Output.detach();
        Tensor denUp, denDown, jUp, jDown;
        using (no_grad())
        {
            denUp = layer.Apply(xp, wUp, bUp) + layer.Apply(xn, wDown, null);
            denDown = layer.Apply(xp, wDown, bDown) + layer.Apply(xn, wUp, null);
        }
        var x = layer.Input;
        jUp = layer.Apply(xp * x, wUp, null) + layer.Apply(xn * x, wDown, null);
        jDown = layer.Apply(xp * x, wDown, null) + layer.Apply(xn * x, wUp, null);
        var sUp = z.gt(0).to_type(z.dtype) / Stabilizer.Stabilize(denUp, StabilizerEpsilon);
        var sDown = z.lt(0).to_type(z.dtype) / Stabilizer.Stabilize(denDown, StabilizerEpsilon);
        return layer.Graft(jUp * sUp + jDown * sDown).MoveToOuterDisposeScope();
    }
}
