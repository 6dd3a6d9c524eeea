using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// A propagation rule attached to one layer (zennit's <c>Hook</c>). The engine runs the network forward with autograd; for a
/// layer with a rule, <see cref="Forward"/> returns a tensor whose <em>value</em> is the layer's output and whose
/// <em>Jacobian</em> is the rule's relevance map, so the gradient that autograd sends back is the relevance
/// (R_in = reducer(x, ∂z′/∂x ᵀ (R_out / z′)) in zennit's terms). Any tree of modules then propagates relevance without
/// being rewritten: layers with no rule pass the plain gradient (winner-take-all for max-pooling, reshape for flatten).
/// </summary>
public interface IRule
{
    /// <summary>The layer's output with the rule's gradient, for input <paramref name="layer"/>.<see cref="LayerCall.Input"/>.</summary>
    Tensor Forward(LayerCall layer);

    /// <summary>Short name for tables and figure legends, e.g. "γ=0.25".</summary>
    string Name { get; }
}

/// <summary>
/// One call of a layer during an explanation: the module, its dotted name, the input and output of the forward pass, and
/// the effective parameters (after canonizers, e.g. BatchNorm merged in).
/// </summary>
public sealed class LayerCall
{
    internal LayerCall(string name, torch.nn.Module module, Tensor input, Tensor output, Tensor? weight, Tensor? bias, List<IDisposable>? keep = null)
    {
        Name = name; Module = module; Input = input; Output = output; Weight = weight; Bias = bias; _keep = keep;
    }

    readonly List<IDisposable>? _keep;

    /// <summary>Keeps <paramref name="state"/> (tensors a rule's backward pass needs) until the explanation ends.</summary>
    internal void KeepAlive(IDisposable state) => _keep?.Add(state);

    /// <summary>Dotted module name, as in <c>named_modules()</c> (e.g. <c>features.0</c>).</summary>
    public string Name { get; }
    /// <summary>The module.</summary>
    public torch.nn.Module Module { get; }
    /// <summary>The layer's input x (part of the autograd graph).</summary>
    public Tensor Input { get; }
    /// <summary>The layer's output z (value only).</summary>
    public Tensor Output { get; }
    /// <summary>Effective weight (null for parameter-free layers).</summary>
    public Tensor? Weight { get; }
    /// <summary>Effective bias (null when the layer has none).</summary>
    public Tensor? Bias { get; }

    /// <summary>Whether the layer is affine with a weight (Linear, ConvNd, ConvTransposeNd).</summary>
    public bool IsParametric => Weight is not null;

    /// <summary>The layer's affine map applied to <paramref name="x"/> with weight <paramref name="weight"/> and bias <paramref name="bias"/> (null: none).</summary>
    public Tensor Apply(Tensor x, Tensor weight, Tensor? bias) => ParametricLayers.Apply(Module, x, weight, bias);

    /// <summary>The module itself applied to <paramref name="x"/> (for parameter-free layers such as pooling).</summary>
    public Tensor ApplyModule(Tensor x) => ((torch.nn.Module<Tensor, Tensor>)Module).forward(x);

    /// <summary>Throws unless the layer is affine, naming the rule that needs it.</summary>
    public void RequireParametric(string rule)
    {
        if (!IsParametric)
            throw new InvalidOperationException($"rule {rule} needs a layer with a weight (Linear, ConvNd, ConvTransposeNd); layer '{Name}' is a {Module.GetType().Name}. " +
                                                "Bind it to linear or convolutional layers only (e.g. by type in the composite).");
    }

    /// <summary>
    /// The output value z with a gradient path through <paramref name="jacobian"/>: z's value exactly, the backward of j
    /// (an autograd function that allocates nothing in the forward pass; formerly z.detach() + (j − j.detach())).
    /// </summary>
    public Tensor Graft(Tensor jacobian) => Grafts.Graft(Output, jacobian);
}

/// <summary>
/// A rule that can reuse the layer's own forward pass (LRP-0, ε, Norm; γ on non-negative inputs). The engine then feeds the
/// layer its input with the gradient multiplied by x on the way in (<c>Grafts.TimesInput</c>, a forward pre-hook), so the
/// layer's own output z carries the path x ⊙ Jᵀ(·), and the rule only adds what differs from gradient × input: a scaling of
/// the output's gradient (ε) or one more map (γ). Rules fall back to <see cref="IRule.Forward"/> when a canonizer replaced
/// the layer's parameters or when <see cref="UsesOwnForward"/> says no.
/// </summary>
internal interface IOwnForwardRule
{
    /// <summary>Whether the call with <paramref name="input"/> (about to enter the layer) takes this path.</summary>
    bool UsesOwnForward(Tensor input);

    /// <summary>The rule's output from the layer's own output <paramref name="own"/> on the grafted input (value z, gradient
    /// x ⊙ Jᵀ(·)); <paramref name="layer"/>.Output is z without gradient and <paramref name="layer"/>.Input the original input.</summary>
    Tensor FromOwnForward(LayerCall layer, Tensor own);
}
