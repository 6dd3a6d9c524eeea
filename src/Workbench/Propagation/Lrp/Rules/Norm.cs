using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// Norm (zennit <c>Norm</c>) for parameter-free linear layers such as average and adaptive-average pooling:
/// R_i = x_i ∂z_j/∂x_i / (z_j + ε·sign(z_j)) · R_j, i.e. LRP-0 with a fixed stabilizer, using the layer's own map.
/// </summary>
public sealed class Norm : IRule, IOwnForwardRule
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
        return Apply(layer, layer.ApplyModule, layer.Output.detach(), StabilizerEpsilon).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The Norm rule through a parameter-free linear <paramref name="map"/> whose output on the layer's input is
    /// <paramref name="z"/> (the layer's own map here; the average over a max-pool's windows in <see cref="AveragePool"/>).
    /// </summary>
    internal static Tensor Apply(LayerCall layer, Func<Tensor, Tensor> map, Tensor z, double stabilizer) =>
        layer.Graft(Grafts.ScaleGradient(map(Grafts.TimesInput(layer.Input)), Stabilizer.Reciprocal(z, stabilizer)));

    bool IOwnForwardRule.UsesOwnForward(Tensor input) => true;

    Tensor IOwnForwardRule.FromOwnForward(LayerCall layer, Tensor own) =>
        Grafts.ScaleGradient(own, Stabilizer.Reciprocal(layer.Output, StabilizerEpsilon));
}
