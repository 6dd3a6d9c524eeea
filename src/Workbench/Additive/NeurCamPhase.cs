namespace Workbench.Additive;

/// <summary>Training phase of a NeurCAM epoch (official code phases, `NeurCAM.py:177-359`).</summary>
public enum NeurCamPhase
{
    /// <summary>Clustering loss only, soft gates at T = 1.</summary>
    Warmup,
    /// <summary>Pairwise gates annealed (Neur2CAM only), KL active.</summary>
    PairAnneal,
    /// <summary>Single gates annealed, pairwise gates locked, KL active.</summary>
    SingleAnneal,
    /// <summary>All gates locked, clustering loss + γ·KL.</summary>
    Final,
}
