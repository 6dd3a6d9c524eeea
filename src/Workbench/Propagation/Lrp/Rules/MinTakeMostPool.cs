using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// Min-take-most, NEON §II-B Eq. (2), as a rule for a (soft) min-pool over the last axis of its input:
/// R_k = exp(−β h_k) / Σ_{k' in pool} exp(−β h_k') · R_out, with β = 0 uniform and β = +∞ min-take-all. The pool module says
/// which entries take part (see <see cref="IMinPool"/>). Conserves relevance: Σ_k R_k = R_out. With <c>dissipate</c> the
/// absolute soft clustering's reassignment of §IV follows: R_k ← R_k · h_k / f_c (f_c the pool's output).
/// </summary>
public sealed class MinTakeMostPool : IRule
{
    /// <summary>Min-take-most with stiffness <paramref name="beta"/> ≥ 0 (or +∞).</summary>
    /// <param name="beta">stiffness β ≥ 0 (or +∞)</param>
    /// <param name="dissipate">then R_k ← R_k · h_k / f_c (NEON §IV, absolute soft clustering)</param>
    public MinTakeMostPool(double beta, bool dissipate = false)
    {
        if (double.IsNaN(beta) || beta < 0) throw new ArgumentException($"stiffness β must be ≥ 0 (or +∞); got {beta}.");
        Beta = beta; Dissipate = dissipate;
    }

    /// <summary>β.</summary>
    public double Beta { get; }
    /// <summary>Whether R_k ← R_k · h_k / f_c follows Eq. (2).</summary>
    public bool Dissipate { get; }

    /// <inheritdoc/>
    public string Name => $"min-take-most β={Beta:G3}{(Dissipate ? ", R_k·h_k/f_c" : "")}";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        if (layer.Module is not IMinPool pool)
            throw new InvalidOperationException($"min-take-most is for min-pooling layers (IMinPool); '{layer.Name}' is a {layer.Module.GetType().Name}.");
        using var scope = NewDisposeScope();
        var (h, members) = pool.Pooled(layer.Input);                       // [..,K], [..,K] bool
        var w = Propagation.MinTakeMost.Weights(h.detach(), members, Beta);  // Eq. (2)
        if (Dissipate) w = Propagation.Dissipation.Apply(w, h.detach(), layer.Output.detach());   // §IV: R_k·h_k/f_c
        var j = (w * h).masked_fill(members.logical_not(), 0).sum(-1);
        return layer.Graft(j).MoveToOuterDisposeScope();
    }
}

/// <summary>A min-pooling layer: its input arranged as [..,K] candidates with a membership mask; the output is the min over members.</summary>
public interface IMinPool
{
    /// <summary>The pooled candidates h [..,K] (a view of <paramref name="input"/>, in its autograd graph) and the mask of members.</summary>
    (Tensor H, Tensor Members) Pooled(Tensor input);
}
