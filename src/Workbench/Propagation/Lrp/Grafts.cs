using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// The engine's gradient surgery as three autograd functions whose forward allocates nothing (the output is a view of the
/// value) and whose backward is one product at most. They replace the composition z.detach() + (j − j.detach()), which
/// costs two full-size temporaries in the forward pass for every layer and every rule (docs/benchmarks.md, VGG-16 profile).
/// </summary>
internal static class Grafts
{
    /// <summary>The value of <paramref name="value"/> (exactly) with the gradient path of <paramref name="jacobian"/>.</summary>
    public static Tensor Graft(Tensor value, Tensor jacobian) =>
        jacobian.requires_grad ? GraftFunction.apply(value.detach(), jacobian) : value.detach().alias();

    /// <summary>The value of <paramref name="z"/> with its gradient multiplied by <paramref name="scale"/> (a constant, z's shape).</summary>
    public static Tensor ScaleGradient(Tensor z, Tensor scale) =>
        z.requires_grad ? ScaleFunction.apply(z, scale.detach()) : z.alias();

    /// <summary>
    /// The value of <paramref name="x"/> with the gradient x ⊙ (·): the reducer of LRP's "input × gradient" applied where the
    /// layer's input enters, so that the layer's own forward pass doubles as the rule's modified forward pass.
    /// </summary>
    public static Tensor TimesInput(Tensor x) => x.requires_grad ? ScaleFunction.apply(x, x.detach()) : x.alias();

    /// <summary>Value of the first input, gradient passed unchanged to the second.</summary>
    public sealed class GraftFunction : SingleTensorFunction<GraftFunction>
    {
        /// <inheritdoc/>
        public override string Name => "LrpGraft";

        /// <inheritdoc/>
        public override Tensor forward(AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).alias();

        /// <inheritdoc/>
        public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput) => [null!, gradOutput.alias()];
    }

    /// <summary>Value of the first input, gradient multiplied by the second (a constant).</summary>
    public sealed class ScaleFunction : SingleTensorFunction<ScaleFunction>
    {
        /// <inheritdoc/>
        public override string Name => "LrpScaleGradient";

        /// <inheritdoc/>
        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            ctx.save_for_backward([(Tensor)vars[1]]);
            return ((Tensor)vars[0]).alias();
        }

        /// <inheritdoc/>
        public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
        {
            var s = ctx.get_saved_variables()[0];
            return [gradOutput * s, null!];
        }
    }
}
