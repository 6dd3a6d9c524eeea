using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>
/// Min-take-most, NEON §II-B Eq. (2), as a rule object: R_k = softmin_β(h)_k · R_out over the pooled inputs. β = 0 splits
/// uniformly, β = +∞ gives everything to the smallest input (min-take-all); <see cref="Beta"/> = null asks the model for
/// the heuristic of Eq. (3), β = 1/𝔼[f_c] over the explained batch. With <see cref="Max"/> the sign is switched for soft
/// max-pools (footnote 1, kernel k-means layer 2): softmax(+β h).
/// </summary>
/// <param name="Beta">stiffness β ≥ 0 (or +∞); null: the heuristic of Eq. (3), resolved by the model</param>
/// <param name="Max">true for a (soft) max-pool: the sign-switched rule of footnote 1</param>
public sealed record MinTakeMostRule(double? Beta = null, bool Max = false) : IPoolRule
{
    /// <inheritdoc/>
    public string Name => (Max ? "max-take-most" : "min-take-most") + (Beta is { } b ? $" β={b:G4}" : " β=heuristic");

    /// <inheritdoc/>
    public Tensor Weights(Tensor h, Tensor members)
    {
        if (Beta is not { } b)
            throw new InvalidOperationException("min-take-most with β = null (the Eq. 3 heuristic) must be resolved by the model first: call Resolve(β) or give β.");
        return Max ? MinTakeMost.MaxWeights(h, members, b) : MinTakeMost.Weights(h, members, b);
    }

    /// <summary>This rule with β = <paramref name="heuristic"/> when its own β is null (the model computes Eq. 3 on the batch).</summary>
    public MinTakeMostRule Resolve(double heuristic) => Beta is null ? this with { Beta = heuristic } : this;
}
