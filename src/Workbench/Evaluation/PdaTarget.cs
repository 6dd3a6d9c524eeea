namespace Workbench.Evaluation;

/// <summary>
/// The function whose change PDA (prediction difference analysis, NEON Table I) measures when a feature is removed.
/// </summary>
public enum PdaTarget
{
    /// <summary>The network output f_c(x) (a continuous surrogate of the assignment; the reading of issue 11).</summary>
    Surrogate,
    /// <summary>The decision function g_c(x) = 1[x → c] (NEON §VII calls g_c the decision function; Table II: PDA needs only it).</summary>
    Decision,
}
