namespace Workbench.Propagation;

/// <summary>
/// The propagation rules of a shallow NEON network bound to its layers, as zennit's composites bind rules to the layers
/// of a model: the top pool f_c = min_{k≠c} h_k (<see cref="Competitors"/>, Eq. 2), kernel k-means' two soft pools
/// (<see cref="SupportMin"/> and <see cref="SupportMax"/>, footnote 1), the partial propagation onto weakly active
/// neurons (<see cref="Dissipate"/>, Eq. 10 and §IV) and the first layer (<see cref="Detection"/>, Eq. 4). The
/// default reproduces NEON as the paper states it; swap one rule with <c>with</c>, e.g.
/// <c>NeonComposite.Default() with { Detection = new EpsilonDetection() }</c>, without touching the model.
/// (Deep models bind the same two head rules, as LRP rule objects, through <see cref="Lrp.Composite"/>.)
/// </summary>
public sealed record NeonComposite
{
    /// <summary>Top layer f_c = min_{k≠c} h_k: min-take-most, Eq. (2); β = null is the heuristic of Eq. (3) over the explained batch.</summary>
    public IPoolRule Competitors { get; init; } = new MinTakeMostRule();

    /// <summary>Kernel k-means layer 3, the soft min LME^{−γ}_{j∈C_k}: null takes min-take-most with the model's γ (footnote 1). Must be a finite <see cref="MinTakeMostRule"/>.</summary>
    public MinTakeMostRule? SupportMin { get; init; }

    /// <summary>Kernel k-means layer 2, the soft max LME^{+γ}_{i∈C_c}: null takes max-take-most with the model's γ (footnote 1). Must be a <see cref="MinTakeMostRule"/> with <c>Max = true</c>.</summary>
    public MinTakeMostRule? SupportMax { get; init; }

    /// <summary>
    /// Partial propagation onto weakly active neurons: R_ijk ← R_ijk·h_ijk/h_k (Eq. 10, kernel k-means, which needs it) and
    /// R_k ← R_k·h_k/f_c (§IV, the absolute soft model). False keeps R_k (only the absolute soft model allows it).
    /// </summary>
    public bool Dissipate { get; init; } = true;

    /// <summary>First layer: the midpoint rule, Eq. (4) (conserves Σ_i R_i = f_c); <see cref="EpsilonDetection"/> is LRP-ε.</summary>
    public IDetectionRule Detection { get; init; } = MidpointRule.Default;

    /// <summary>NEON's rules with min-take-most stiffness <paramref name="beta"/> in the top layer (null: the heuristic of Eq. 3).</summary>
    public static NeonComposite Default(double? beta = null) => new() { Competitors = new MinTakeMostRule(beta) };

    /// <summary>One line naming the rules, layer by layer from the top.</summary>
    public override string ToString() =>
        $"top: {Competitors.Name}; " + (SupportMin is null && SupportMax is null ? "" : $"support pools: {SupportMin?.Name ?? "min-take-most γ"} / {SupportMax?.Name ?? "max-take-most γ"}; ")
        + $"dissipation: {(Dissipate ? "on" : "off")}; layer 1: {Detection.Name}";
}
