using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// Rewrites a model into an equivalent one that the rules handle better (zennit's canonizers), for the duration of an
/// explanation. The model itself is never modified: the canonizer records parameter and output substitutions that the
/// engine applies, and they vanish when the registration is disposed.
/// </summary>
public interface ICanonizer
{
    /// <summary>Records the substitutions for <paramref name="model"/> into <paramref name="plan"/>.</summary>
    void Apply(nn.Module model, CanonicalPlan plan);
}

/// <summary>Substitutions collected from the canonizers: effective parameters of affine layers and layers made the identity.</summary>
public sealed class CanonicalPlan
{
    /// <summary>Effective (weight, bias) of an affine layer, replacing its own during the explanation.</summary>
    public Dictionary<nn.Module, (Tensor Weight, Tensor? Bias)> Parameters { get; } = new(ReferenceEqualityComparer.Instance);
    /// <summary>Layers whose output is replaced by their input (e.g. a BatchNorm merged into the layer before it).</summary>
    public HashSet<nn.Module> Identity { get; } = new(ReferenceEqualityComparer.Instance);
}
