using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// Pass (zennit <c>Pass</c>): relevance goes through unchanged, R_in = R_out, for element-wise layers (ReLU, LeakyReLU,
/// BatchNorm after canonization, Dropout) whose output has the input's shape.
/// </summary>
public sealed class Pass : IRule
{
    /// <inheritdoc/>
    public string Name => "pass";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        if (!layer.Input.shape.SequenceEqual(layer.Output.shape))
            throw new InvalidOperationException($"rule Pass needs a layer whose output has its input's shape; '{layer.Name}' maps " +
                                                $"[{string.Join(",", layer.Input.shape)}] to [{string.Join(",", layer.Output.shape)}].");
        return layer.Graft(layer.Input);
    }
}
