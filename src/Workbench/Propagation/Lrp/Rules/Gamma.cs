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
        var w = layer.Weight!.detach(); var b = layer.Bias?.detach();
        Tensor wUp, wDown; Tensor? bUp, bDown;
        using (no_grad())
        {
            // W↑ = W + γW⁺, W↓ = W + γW⁻, one temporary each (γW⁺ + W is the same number as W + γW⁺)
            wUp = w.clamp(min: 0).mul_(Value).add_(w); wDown = w.clamp(max: 0).mul_(Value).add_(w);
            bUp = b?.clamp(min: 0).mul_(Value).add_(b); bDown = b?.clamp(max: 0).mul_(Value).add_(b);
        }
        var x0 = layer.Input.detach();
        var z = layer.Output;
        if (x0.numel() == 0 || x0.min().to(ScalarType.Float64).item<double>() >= 0)
            return GammaFunction.Apply(layer, wUp, bUp, wDown, bDown, StabilizerEpsilon).MoveToOuterDisposeScope();
        // xt has x's value and the gradient x0 ⊙ (·): one affine map of xt gives both the rule's denominator (its value,
        // plus the bias) and its relevance map (its gradient), so each term costs one map, not two.
        var xt = Grafts.TimesInput(layer.Input);
        Tensor zUp, zDown;
        {
            var pos = x0.gt(0).to_type(x0.dtype);
            var xtp = xt * pos; var xtn = xt - xtp;                                  // x⁺ and x⁻, gradients x⁺⊙, x⁻⊙
            zUp = layer.Apply(xtp, wUp, null) + layer.Apply(xtn, wDown, null);      // (W↑x⁺ + W↓x⁻)
            zDown = layer.Apply(xtp, wDown, null) + layer.Apply(xtn, wUp, null);    // (W↓x⁺ + W↑x⁻)
        }
        Tensor sUp, sDown;
        using (no_grad())
        {
            // [z > 0] / stab(den↑) and [z < 0] / stab(den↓), each in one temporary
            sUp = Stabilizer.ReciprocalInPlace(AddBias(zUp.detach(), bUp, layer.Module, copy: true), StabilizerEpsilon).masked_fill_(z.le(0), 0.0);
            sDown = Stabilizer.ReciprocalInPlace(AddBias(zDown.detach(), bDown, layer.Module, copy: true), StabilizerEpsilon).masked_fill_(z.ge(0), 0.0);
        }
        return layer.Graft(Grafts.ScaleGradient(zUp, sUp) + Grafts.ScaleGradient(zDown, sDown)).MoveToOuterDisposeScope();
    }

    /// <summary>z + b with b broadcast along the output's channel axis (last for Linear, 1 for convolutions); a new tensor
    /// when <paramref name="copy"/> (so that the caller may modify it in place) even without a bias.</summary>
    internal static Tensor AddBias(Tensor z, Tensor? b, nn.Module module, bool copy)
    {
        if (b is null) return copy ? z.clone() : z;
        if (module is TorchSharp.Modules.Linear) return z + b;
        return z + b.reshape([-1, .. Enumerable.Repeat(1L, (int)z.dim() - 2)]);
    }
}
