using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>
/// How relevance on the first-layer neurons of a NEON network reaches the input features. Each neuron compares two
/// prototypes: h_p = w_pᵀx + b_p + o with w_p = 2(a_p − b_p) (k-means, soft k-means, kernel k-means layer 1) and o a
/// constant offset shared by all neurons (the absolute soft model, Prop. 7; 0 otherwise). A model computes per neuron the
/// coefficient q_p = R_p / <see cref="Denominator"/> and gathers them per prototype into C [N,S] (C[n,s] = Σ_{p: a_p=s} q_p
/// − Σ_{p: b_p=s} q_p), then calls <see cref="Propagate"/>. Bound by a <see cref="NeonComposite"/>.
/// </summary>
public interface IDetectionRule
{
    /// <summary>Short name of the rule.</summary>
    string Name { get; }

    /// <summary>The per-neuron divisor of R_p, from the activations <paramref name="h"/> (offset included) and the shared <paramref name="offset"/> o.</summary>
    Tensor Denominator(Tensor h, double offset);

    /// <summary>Input relevance [N,d] from <paramref name="x"/> [N,d], the prototype table [S,d] and the signed coefficients C [N,S].</summary>
    Tensor Propagate(Tensor x, Tensor prototypes, Tensor coefficients);
}
