using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// LRP-αβ (Bach et al. 2015; zennit <c>AlphaBeta</c>), α − β = 1: with x⁺, x⁻ and W⁺, W⁻ the positive and negative parts,
/// R_j = α (x⁺_j W⁺_jk + x⁻_j W⁻_jk) / (W⁺x⁺ + W⁻x⁻ + b⁺)_k · R_k − β (x⁺_j W⁻_jk + x⁻_j W⁺_jk) / (W⁻x⁺ + W⁺x⁻ + b⁻)_k · R_k.
/// α = 1, β = 0 is <see cref="ZPlus"/>.
/// </summary>
public class AlphaBeta : IRule
{
    /// <summary>LRP-αβ; zennit's defaults α = 2, β = 1.</summary>
    public AlphaBeta(double alpha = 2, double beta = 1, double stabilizer = 1e-6)
    {
        if (alpha < 0 || beta < 0) throw new ArgumentException($"α and β must be ≥ 0; got α = {alpha}, β = {beta}.");
        if (Math.Abs(alpha - beta - 1) > 1e-12) throw new ArgumentException($"LRP-αβ needs α − β = 1 (conservation); got α = {alpha}, β = {beta}.");
        Alpha = alpha; Beta = beta; StabilizerEpsilon = stabilizer;
    }

    /// <summary>α.</summary>
    public double Alpha { get; }
    /// <summary>β.</summary>
    public double Beta { get; }
    /// <summary>ε of the stabilizer.</summary>
    public double StabilizerEpsilon { get; }

    /// <inheritdoc/>
    public virtual string Name => $"α{Alpha:G3}β{Beta:G3}";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        layer.RequireParametric(Name);
        using var scope = NewDisposeScope();
        var w = layer.Weight!; var b = layer.Bias;
        var wp = w.clamp(min: 0); var wn = w.clamp(max: 0);
        var x0 = layer.Input.detach();
        var xp = x0.clamp(min: 0); var xn = x0.clamp(max: 0);
        Tensor denA, denB;
        using (no_grad())
        {
            denA = layer.Apply(xp, wp, b?.clamp(min: 0)) + layer.Apply(xn, wn, null);
            denB = layer.Apply(xp, wn, b?.clamp(max: 0)) + layer.Apply(xn, wp, null);
        }
        var x = layer.Input;
        var j = layer.Apply(xp * x, wp, null).add(layer.Apply(xn * x, wn, null)) * (Alpha / Stabilizer.Stabilize(denA, StabilizerEpsilon));
        if (Beta != 0)
            j = j - (layer.Apply(xp * x, wn, null) + layer.Apply(xn * x, wp, null)) * (Beta / Stabilizer.Stabilize(denB, StabilizerEpsilon));
        return layer.Graft(j).MoveToOuterDisposeScope();
    }
}

/// <summary>LRP-z⁺ (zennit <c>ZPlus</c>): <see cref="AlphaBeta"/> with α = 1, β = 0.</summary>
public sealed class ZPlus : AlphaBeta
{
    /// <summary>LRP-z⁺.</summary>
    public ZPlus(double stabilizer = 1e-6) : base(1, 0, stabilizer) { }

    /// <inheritdoc/>
    public override string Name => "z⁺";
}
