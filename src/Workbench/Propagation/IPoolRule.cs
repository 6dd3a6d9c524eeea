using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>
/// How a pooling neuron of a NEON network (a min, soft min or soft max over some of its inputs) hands its relevance to
/// those inputs: R_k = w_k · R_out with weights that sum to 1 over the pooled inputs. Bound to a model's pools by a
/// <see cref="NeonComposite"/>, as zennit binds its rules to layers.
/// </summary>
public interface IPoolRule
{
    /// <summary>Short name of the rule (for logs and figure titles).</summary>
    string Name { get; }

    /// <summary>Weights [..,K] over the entries of <paramref name="h"/> where <paramref name="members"/> is true; they sum to 1 per row (0 elsewhere).</summary>
    Tensor Weights(Tensor h, Tensor members);
}
