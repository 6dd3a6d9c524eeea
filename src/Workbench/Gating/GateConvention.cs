namespace Workbench.Gating;

/// <summary>
/// Which constants the stochastic gates use. The IDC paper and its official code disagree (digest §1):
/// <see cref="Code"/> follows the code (noise std 0.25, regulariser mean Φ(μ + 0.5)), <see cref="Paper"/> the text and
/// STG (σ = 0.5 in the noise and inside Φ((μ + 0.5)/σ), summed over features, averaged over samples).
/// </summary>
public enum GateConvention
{
    /// <summary>Official code: z = clamp(μ + 0.5 + 0.25·n), L_reg = mean over B×D of Φ(μ + 0.5). The default.</summary>
    Code,
    /// <summary>Paper Eq. (3): z = clamp(μ + 0.5 + σ·n), σ = 0.5, L_reg = (1/N) Σ_i Σ_d Φ((μ_id + 0.5)/σ).</summary>
    Paper,
}
