using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// Norm (zennit <c>Norm</c>) for parameter-free linear layers such as average and adaptive-average pooling:
/// R_i = x_i ∂z_j/∂x_i / (z_j + ε·sign(z_j)) · R_j, i.e. LRP-0 with a fixed stabilizer, using the layer's own map.
/// </summary>
public sealed class Norm : IRule
{
    /// <summary>Norm with stabilizer <paramref name="stabilizer"/>.</summary>
    public Norm(double stabilizer = 1e-6) { StabilizerEpsilon = stabilizer; }

    /// <summary>ε of the stabilizer.</summary>
    public double StabilizerEpsilon { get; }

    /// <inheritdoc/>
    public string Name => "norm";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        using var scope = NewDisposeScope();
        var x0 = layer.Input.detach();
        var z = layer.Output.detach();
        var j = layer.ApplyModule(x0 * layer.Input) / Stabilizer.Stabilize(z, StabilizerEpsilon);
        return layer.Graft(j).MoveToOuterDisposeScope();
    }
}
