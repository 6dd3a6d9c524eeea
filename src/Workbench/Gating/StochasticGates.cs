using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Gating;

/// <summary>
/// Stochastic gates of IDC §3 (after STG): z = clamp(μ + 0.5 + ε, 0, 1), ε ~ N(0, σ²); a gate is open when z &gt; 0.
/// The L0 regulariser (Eq. 3) is the expected number of open gates, Σ_d P(z_d &gt; 0) = Σ_d Φ((μ_d + 0.5)/σ).
/// </summary>
public static class StochasticGates
{
    /// <summary>σ of the paper (§3 and Appendix B).</summary>
    public const double PaperSigma = 0.5;
    /// <summary>Effective noise std of the code: 0.5·n with n ~ N(0, 0.5²) (model.py:105-114).</summary>
    public const double CodeNoiseStd = 0.25;

    /// <summary>Noise std of the gates under <paramref name="convention"/>.</summary>
    public static double NoiseStd(GateConvention convention) => convention == GateConvention.Code ? CodeNoiseStd : PaperSigma;

    /// <summary>Noisy gates z = clamp(μ + 0.5 + σ·n, 0, 1), n ~ N(0,1) drawn from <paramref name="generator"/> (IDC §3).</summary>
    public static Tensor Sample(Tensor mu, double noiseStd, Generator? generator = null)
    {
        var n = randn(mu.shape, dtype: mu.dtype, generator: generator).to(mu.device);
        return (mu + 0.5 + noiseStd * n).clamp(0.0, 1.0);
    }

    /// <summary>Noise-free gates z = clamp(μ + 0.5, 0, 1), used for evaluation and reporting (σ → 0 limit).</summary>
    public static Tensor Deterministic(Tensor mu) => (mu + 0.5).clamp(0.0, 1.0);

    /// <summary>Standard normal CDF Φ(x) = ½(1 + erf(x/√2)).</summary>
    public static Tensor NormalCdf(Tensor x) => 0.5 * (1.0 + (x / Math.Sqrt(2.0)).erf());

    /// <summary>
    /// The L0 regulariser for gate means <paramref name="mu"/> [B,D] (or [D]).
    /// <see cref="GateConvention.Paper"/>: IDC Eq. (3), (1/B) Σ_i Σ_d Φ((μ_id + 0.5)/σ), the expected open-gate count per
    /// sample. <see cref="GateConvention.Code"/>: mean over B×D of Φ(μ + 0.5) (σ = 1 inside Φ, divided by D).
    /// </summary>
    public static Tensor Regulariser(Tensor mu, GateConvention convention = GateConvention.Code, double sigma = PaperSigma)
    {
        if (convention == GateConvention.Code) return NormalCdf(mu + 0.5).mean();
        if (sigma <= 0) throw new ArgumentException($"sigma must be > 0; got {sigma}. Use Deterministic(mu) for the σ → 0 limit.");
        var m = mu.dim() == 1 ? mu.unsqueeze(0) : mu;
        return NormalCdf((m + 0.5) / sigma).sum(1).mean();
    }

    /// <summary>
    /// Weight of the regulariser at epoch <paramref name="epoch"/> (code TE:282-285): a cosine ramp from 0 at
    /// <paramref name="gateStart"/> = E_ng to <paramref name="lambdaMax"/> at <paramref name="gateEnd"/> = E_pre,
    /// β_e = (λ/2)(1 + cos(π(e − E_pre)/(E_pre − E_ng))); 0 before E_ng and λ after E_pre.
    /// </summary>
    public static double Ramp(int epoch, int gateStart, int gateEnd, double lambdaMax)
    {
        if (gateEnd <= gateStart) throw new ArgumentException($"the ramp needs gateEnd > gateStart; got {gateStart}..{gateEnd}.");
        if (epoch <= gateStart) return 0.0;
        if (epoch >= gateEnd) return lambdaMax;
        return lambdaMax / 2 * (1 + Math.Cos(Math.PI * (epoch - gateEnd) / (double)(gateEnd - gateStart)));
    }
}
