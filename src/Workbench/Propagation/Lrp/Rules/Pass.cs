using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// Pass (zennit <c>Pass</c>): relevance goes through unchanged, R_in = R_out, for element-wise layers (ReLU, LeakyReLU,
/// BatchNorm after canonization, Dropout) whose output has the input's shape, and for layers that rearrange their input's
/// entries and scale each by a positive constant (<see cref="IRearrangement"/>, e.g. unit-normalised location vectors):
/// each output entry's relevance goes back to the input entry it came from.
/// </summary>
public sealed class Pass : IRule
{
    /// <inheritdoc/>
    public string Name => "pass";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        if (layer.Module is IRearrangement r) return layer.Graft(r.Rearrange(layer.Input));
        if (!layer.Input.shape.SequenceEqual(layer.Output.shape))
            throw new InvalidOperationException($"rule Pass needs a layer whose output has its input's shape; '{layer.Name}' maps " +
                                                $"[{string.Join(",", layer.Input.shape)}] to [{string.Join(",", layer.Output.shape)}].");
        return layer.Graft(layer.Input);
    }
}

/// <summary>
/// A layer whose output entries are its input's entries rearranged (permuted, reshaped) and each multiplied by a positive
/// factor treated as a constant: <see cref="Pass"/> sends the relevance of each output entry back to its input entry.
/// </summary>
public interface IRearrangement
{
    /// <summary>The input's entries in the output's arrangement, without the scaling (in the autograd graph of <paramref name="input"/>).</summary>
    Tensor Rearrange(Tensor input);
}
