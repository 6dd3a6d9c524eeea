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
public sealed class Gamma : IRule, IOwnForwardRule
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
        // xt has x's value and the gradient x0 ⊙ (·): one affine map of xt gives both the rule's denominator (its value,
        // plus the bias) and its relevance map (its gradient), so each term costs one map, not two.
        var x0 = layer.Input.detach();
        var xt = Grafts.TimesInput(layer.Input);
        var z = layer.Output;
        Tensor zUp, zDown;
        if (x0.lt(0).any().item<bool>())
        {
            var pos = x0.gt(0).to_type(x0.dtype);
            var xtp = xt * pos; var xtn = xt - xtp;                                  // x⁺ and x⁻, gradients x⁺⊙, x⁻⊙
            zUp = layer.Apply(xtp, wUp, null) + layer.Apply(xtn, wDown, null);      // (W↑x⁺ + W↓x⁻)
            zDown = layer.Apply(xtp, wDown, null) + layer.Apply(xtn, wUp, null);    // (W↓x⁺ + W↑x⁻)
        }
        else
        {
            zUp = layer.Apply(xt, wUp, null);                                        // x ≥ 0 (after a ReLU): x⁻ = 0
            zDown = layer.Apply(xt, wDown, null);
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

    // x ≥ 0 (after a ReLU or a pooling of ReLUs, as everywhere in VGG but the first layer): then only two maps are needed in
    // each direction, the layer's own W (whose forward pass the engine has already run on the grafted input) and W⁺. With
    // A = Wx + b and P = W⁺x: W↑x + b↑ = A + γ(P + b⁺), W↓x + b↓ = A + γ(A − P − b⁺) (W⁻ = W − W⁺, b⁻ = b − b⁺), and the
    // relevance map W↑ᵀ(s↑ ⊙ R) + W↓ᵀ(s↓ ⊙ R) = Wᵀ((s↑ + (1 + γ)s↓) ⊙ R) + W⁺ᵀ(γ(s↑ − s↓) ⊙ R).
    bool IOwnForwardRule.UsesOwnForward(Tensor input) => !input.detach().lt(0).any().item<bool>();

    Tensor IOwnForwardRule.FromOwnForward(LayerCall layer, Tensor own)
    {
        layer.RequireParametric(Name);
        using var scope = NewDisposeScope();
        var w = layer.Weight!.detach(); var b = layer.Bias?.detach();
        Tensor wPos; Tensor? bPos;
        using (no_grad()) { wPos = w.clamp(min: 0); bPos = b?.clamp(min: 0); }
        var p = layer.Apply(Grafts.TimesInput(layer.Input), wPos, null);           // W⁺x, gradient x ⊙ W⁺ᵀ(·)
        var z = layer.Output;
        Tensor scaleA, scaleP;
        using (no_grad())
        {
            var q = AddBias(p.detach(), bPos, layer.Module, copy: true);            // P + b⁺
            var down = z - q; down.mul_(Value).add_(z);                              // A + γ(A − P − b⁺)
            var up = q.mul_(Value).add_(z);                                          // A + γ(P + b⁺)
            var sUp = Stabilizer.ReciprocalInPlace(up, StabilizerEpsilon).masked_fill_(z.le(0), 0.0);
            var sDown = Stabilizer.ReciprocalInPlace(down, StabilizerEpsilon).masked_fill_(z.ge(0), 0.0);
            scaleA = sDown * (1 + Value); scaleA.add_(sUp);                          // s↑ + (1 + γ)s↓
            scaleP = sUp.sub_(sDown).mul_(Value);                                    // γ(s↑ − s↓)
        }
        return layer.Graft(Grafts.ScaleGradient(own, scaleA) + Grafts.ScaleGradient(p, scaleP)).MoveToOuterDisposeScope();
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
