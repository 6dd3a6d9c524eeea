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
        var x = layer.Input; var x0 = x.detach();
        // xg has x's value exactly (x − x0 = 0) and the gradient x0 ⊙ (·): one affine map of xg gives both the rule's
        // denominator (its value, plus the bias) and its relevance map (its gradient), so each term costs one map, not two.
        var xg = x0 + x0 * (x - x0);
        var z = layer.Output.detach();
        Tensor zUp, zDown;
        if (x0.lt(0).any().item<bool>())
        {
            var pos = x0.gt(0).to_type(x0.dtype);
            var xgp = xg * pos; var xgn = xg - xgp;                                  // x⁺ and x⁻, gradients x⁺⊙, x⁻⊙
            zUp = layer.Apply(xgp, wUp, null) + layer.Apply(xgn, wDown, null);      // (W↑x⁺ + W↓x⁻)
            zDown = layer.Apply(xgp, wDown, null) + layer.Apply(xgn, wUp, null);    // (W↓x⁺ + W↑x⁻)
        }
        else
        {
            zUp = layer.Apply(xg, wUp, null);                                        // x ≥ 0 (after a ReLU): x⁻ = 0
            zDown = layer.Apply(xg, wDown, null);
        }
        var denUp = AddBias(zUp.detach(), bUp, layer.Module);
        var denDown = AddBias(zDown.detach(), bDown, layer.Module);
        var sUp = z.gt(0).to_type(z.dtype) / Stabilizer.Stabilize(denUp, StabilizerEpsilon);
        var sDown = z.lt(0).to_type(z.dtype) / Stabilizer.Stabilize(denDown, StabilizerEpsilon);
        return layer.Graft(zUp * sUp + zDown * sDown).MoveToOuterDisposeScope();
    }

    /// <summary>z + b with b broadcast along the output's channel axis (last for Linear, 1 for convolutions).</summary>
    internal static Tensor AddBias(Tensor z, Tensor? b, nn.Module module)
    {
        if (b is null) return z;
        if (module is TorchSharp.Modules.Linear) return z + b;
        return z + b.reshape([-1, .. Enumerable.Repeat(1L, (int)z.dim() - 2)]);
    }
}
