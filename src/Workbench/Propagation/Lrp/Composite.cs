using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// Binds rules to the layers of a model, as zennit's composites: an ordered list of (selector, rule) pairs where the first
/// selector that matches a leaf module decides its rule (null: no rule, the plain gradient), plus canonizers that rewrite the
/// model for the explanation (e.g. <see cref="MergeBatchNorm"/>). Selectors go by type, by name or by position; the named
/// recipes are in <see cref="Composites"/>. Composites are immutable: <see cref="Override(string, IRule?)"/> and the
/// other builders return a new one whose new binding takes precedence, so a user swaps one rule without touching the model.
/// </summary>
public sealed class Composite
{
    readonly IReadOnlyList<(string What, Func<LayerInfo, bool> Select, IRule? Rule)> _bindings;

    /// <summary>An empty composite (every layer passes the plain gradient) with the given canonizers.</summary>
    public Composite(params ICanonizer[] canonizers) : this(Array.Empty<(string, Func<LayerInfo, bool>, IRule?)>(), canonizers) { }

    Composite(IReadOnlyList<(string, Func<LayerInfo, bool>, IRule?)> bindings, IReadOnlyList<ICanonizer> canonizers)
    {
        _bindings = bindings; Canonizers = canonizers;
    }

    /// <summary>Canonizers applied (in order) while the composite is registered.</summary>
    public IReadOnlyList<ICanonizer> Canonizers { get; }

    /// <summary>The bindings in precedence order, described.</summary>
    public IEnumerable<string> Describe() => _bindings.Select(b => $"{b.What} → {b.Rule?.Name ?? "gradient"}");

    /// <summary>Adds a binding of lower precedence than the existing ones (the composite's defaults are built this way).</summary>
    public Composite Then(string what, Func<LayerInfo, bool> select, IRule? rule) =>
        new(_bindings.Append((what, select, rule)).ToList(), Canonizers);

    /// <summary>Adds a binding that takes precedence over every existing one.</summary>
    public Composite Override(string what, Func<LayerInfo, bool> select, IRule? rule) =>
        new(_bindings.Prepend((what, select, rule)).ToList(), Canonizers);

    /// <summary>Binds <paramref name="rule"/> to the leaf called <paramref name="name"/> (dotted, e.g. <c>features.0</c>), with precedence.</summary>
    public Composite Override(string name, IRule? rule) => Override($"name {name}", l => l.Name == name, rule);

    /// <summary>Binds <paramref name="rule"/> to every leaf of type <typeparamref name="TModule"/>, with precedence.</summary>
    public Composite Override<TModule>(IRule? rule) where TModule : nn.Module => Override($"type {typeof(TModule).Name}", l => l.Module is TModule, rule);

    /// <summary>Binds <paramref name="rule"/> to the leaf at <paramref name="position"/> (0-based, among all leaves in registration order), with precedence.</summary>
    public Composite OverridePosition(int position, IRule? rule) => Override($"position {position}", l => l.Position == position, rule);

    /// <summary>Adds canonizers.</summary>
    public Composite With(params ICanonizer[] canonizers) => new(_bindings, Canonizers.Concat(canonizers).ToList());

    /// <summary>The rule for <paramref name="layer"/> (null: plain gradient).</summary>
    public IRule? RuleFor(LayerInfo layer)
    {
        foreach (var (_, select, rule) in _bindings)
            if (select(layer)) return rule;
        return null;
    }

    /// <summary>The rule bound to each leaf of <paramref name="model"/>, for display.</summary>
    public IReadOnlyList<(string Layer, string Module, string Rule)> Plan(nn.Module model) =>
        LayerInfo.Leaves(model).Select(l => (l.Name, l.Module.GetType().Name, RuleFor(l)?.Name ?? "gradient")).ToList();
}
