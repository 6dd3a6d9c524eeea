using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>
/// LRP-ε on the first layer of a NEON network, as an alternative to the midpoint rule: R_i = Σ_p x_i w_ip / (h_p + ε·sign(h_p))
/// · R_p with sign(0) = +1 (zennit's stabilizer). The root is x = 0 instead of the midpoints, so the biases b_p (and the
/// offset) keep the share b_p/h_p of the relevance: Σ_i R_i ≠ f_c in general. Same batched algebra as
/// <see cref="MidpointRule"/>: Σ_p x_i w_ip q_p = 2x ⊙ (C P).
/// </summary>
/// <param name="Epsilon">ε of the stabilizer, &gt; 0</param>
public sealed record EpsilonDetection(double Epsilon = 1e-6) : IDetectionRule
{
    /// <inheritdoc/>
    public string Name => $"LRP-ε (ε={Epsilon:G3})";

    /// <inheritdoc/>
    public Tensor Denominator(Tensor h, double offset)
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"ε must be a positive finite number; got {Epsilon}.");
        using var scope = NewDisposeScope();
        return h.add(where(h.ge(0), Epsilon, -Epsilon).to_type(h.dtype)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Propagate(Tensor x, Tensor prototypes, Tensor coefficients)
    {
        using var scope = NewDisposeScope();
        return coefficients.matmul(prototypes).mul_(x).mul_(2).MoveToOuterDisposeScope();
    }
}
