using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// Max-pooling explained as if it were average pooling over the same windows (Montavon's LRP tutorial for VGG-16): relevance
/// is shared among a window's inputs in proportion to x_i (Norm rule on AvgPool with the max-pool's kernel, stride and
/// padding). Without a rule, max-pooling passes the gradient: all relevance to the winner, as zennit does.
/// </summary>
public sealed class AveragePool : IRule
{
    /// <summary>The averaging rule for max-pooling with stabilizer <paramref name="stabilizer"/>.</summary>
    public AveragePool(double stabilizer = 1e-6) { StabilizerEpsilon = stabilizer; }

    /// <summary>ε of the stabilizer.</summary>
    public double StabilizerEpsilon { get; }

    /// <inheritdoc/>
    public string Name => "avg-pool";

    /// <inheritdoc/>
    public Tensor Forward(LayerCall layer)
    {
        Func<Tensor, Tensor> avg = layer.Module switch
        {
            MaxPool2d m => t => nn.functional.avg_pool2d(t, m.kernel_size, m.stride ?? m.kernel_size, m.padding ?? new long[] { 0, 0 }),
            MaxPool1d m => t => nn.functional.avg_pool1d(t, m.kernel_size, m.stride ?? m.kernel_size, m.padding),
            _ => throw new InvalidOperationException($"rule {Name} is for MaxPool1d/MaxPool2d; '{layer.Name}' is a {layer.Module.GetType().Name}."),
        };
        using var scope = NewDisposeScope();
        Tensor den;
        using (no_grad()) den = avg(layer.Input.detach());
        if (!den.shape.SequenceEqual(layer.Output.shape))
            throw new InvalidOperationException($"'{layer.Name}': average pooling over the max-pool's windows gives shape [{string.Join(",", den.shape)}], not the output's; dilation or ceil_mode is not supported by {Name}.");
        return Norm.Apply(layer, avg, den, StabilizerEpsilon).MoveToOuterDisposeScope();
    }
}
