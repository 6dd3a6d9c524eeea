using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Workbench.Propagation.Lrp.Rules;

/// <summary>
/// LRP-γ on a non-negative input (after a ReLU or a pooling of ReLUs: every γ layer of VGG) as one autograd node whose
/// backward runs only the maps the relevance needs. With x ≥ 0 the rule is R_in = x ⊙ (W↑ᵀ(s↑ ⊙ R) + W↓ᵀ(s↓ ⊙ R)),
/// s↑ = [z &gt; 0] / stab(W↑x + b↑), s↓ = [z &lt; 0] / stab(W↓x + b↓). The forward pass computes W↑x (for s↑); the backward
/// pass applies W↑ᵀ, and computes W↓x and applies W↓ᵀ only when some relevance reaches an output with z &lt; 0. Where the
/// layer feeds a ReLU (whose Pass rule hands back relevance only where its output, and so z, is positive), that never
/// happens: one map in each direction instead of two. The numbers are those of the two-map form.
/// </summary>
internal sealed class GammaFunction : SingleTensorFunction<GammaFunction>
{
    sealed class State(LayerCall layer, Tensor leaf, Tensor zUp, Tensor sUp, Tensor wDown, Tensor? bDown, double epsilon) : IDisposable
    {
        public LayerCall Layer { get; } = layer;
        public Tensor Leaf { get; } = leaf;
        public Tensor ZUp { get; } = zUp;
        public Tensor SUp { get; } = sUp;
        public Tensor WDown { get; } = wDown;
        public Tensor? BDown { get; } = bDown;
        public double Epsilon { get; } = epsilon;

        public void Dispose() { Leaf.Dispose(); ZUp.Dispose(); SUp.Dispose(); WDown.Dispose(); BDown?.Dispose(); }
    }

    /// <inheritdoc/>
    public override string Name => "LrpGammaNonNegative";

    /// <summary>The layer's output z with the γ rule's gradient, for an input without negative entries.</summary>
    public static Tensor Apply(LayerCall layer, Tensor wUp, Tensor? bUp, Tensor wDown, Tensor? bDown, double epsilon)
    {
        using var scope = NewDisposeScope();
        var leaf = layer.Input.detach().detach().requires_grad_(true);           // a leaf of the sub-graph W↑x (and W↓x)
        Tensor zUp;
        using (enable_grad()) zUp = layer.Apply(leaf, wUp, null);
        Tensor sUp;
        using (no_grad())
            sUp = Stabilizer.ReciprocalInPlace(Gamma.AddBias(zUp.detach(), bUp, layer.Module, copy: true), epsilon).masked_fill_(layer.Output.le(0), 0.0);
        if (!layer.Input.requires_grad) return layer.Output.alias().MoveToOuterDisposeScope();
        var state = new State(layer, leaf.DetachFromDisposeScope(), zUp.DetachFromDisposeScope(), sUp.DetachFromDisposeScope(),
                              wDown.detach().DetachFromDisposeScope(), bDown?.detach().DetachFromDisposeScope(), epsilon);
        layer.KeepAlive(state);
        return apply(layer.Input, state).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var state = (State)vars[1];
        ctx.save_data("state", state);
        return state.Layer.Output.alias();
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
    {
        var st = (State)ctx.get_data("state");
        using var scope = NewDisposeScope();
        var z = st.Layer.Output;
        var outputs = new List<Tensor> { st.ZUp };
        var grads = new List<Tensor> { gradOutput * st.SUp };
        if (gradOutput.ne(0).logical_and_(z.lt(0)).any().item<bool>())
        {
            Tensor zDown;
            using (enable_grad()) zDown = st.Layer.Apply(st.Leaf, st.WDown, null);
            Tensor sDown;
            using (no_grad())
                sDown = Stabilizer.ReciprocalInPlace(Gamma.AddBias(zDown.detach(), st.BDown, st.Layer.Module, copy: true), st.Epsilon).masked_fill_(z.ge(0), 0.0);
            outputs.Add(zDown); grads.Add(gradOutput * sDown);
        }
        var g = grad(outputs, new List<Tensor> { st.Leaf }, grads)[0];
        return [g.mul_(st.Leaf.detach()).MoveToOuterDisposeScope(), null!];
    }
}
