using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// Layer-wise relevance propagation through any TorchSharp module tree (zennit's approach on autograd). The composite's
/// rules are attached to the leaves by forward hooks that keep each layer's output value and replace its Jacobian by the
/// rule's; one backward pass seeded with the output relevance then returns the input relevance (and that of any named layer).
/// Submodules must be invoked through <c>call</c> (as <c>Sequential</c> does), since that is where TorchSharp runs hooks.
/// </summary>
public static class Lrp
{
    /// <summary>
    /// Explains <paramref name="model"/> at <paramref name="x"/> for the class <paramref name="targets"/> [N] (default: each
    /// row's arg-max): the output relevance is the one-hot target times the output (the logit).
    /// </summary>
    public static LrpResult Explain(nn.Module<Tensor, Tensor> model, Tensor x, Composite composite, Tensor? targets = null,
                                    IEnumerable<string>? layers = null, Device? device = null) =>
        Explain(model, x, composite, y => OneHotTimesOutput(y, targets), layers, device);

    /// <summary>
    /// Explains <paramref name="model"/> at <paramref name="x"/> with output relevance <paramref name="outputRelevance"/>(y)
    /// (the output's shape). <paramref name="layers"/> names modules (dotted, any depth) whose output relevance to return.
    /// </summary>
    public static LrpResult Explain(nn.Module<Tensor, Tensor> model, Tensor x, Composite composite, Func<Tensor, Tensor> outputRelevance,
                                    IEnumerable<string>? layers = null, Device? device = null)
    {
        var dev = Devices.Resolve(device);
        var wanted = (layers ?? Array.Empty<string>()).ToList();
        var all = model.named_modules().ToDictionary(p => p.name, p => p.module);
        foreach (var n in wanted)
            if (!all.ContainsKey(n))
                throw new ArgumentException($"the model has no module named '{n}'; its modules are: {string.Join(", ", all.Keys.Where(k => k != "").Take(40))}.");
        if (model.training)
            throw new InvalidOperationException("the model is in training mode; call model.eval() before explaining it (Dropout and BatchNorm must be in eval mode).");

        var plan = new CanonicalPlan();
        foreach (var c in composite.Canonizers) c.Apply(model, plan);
        var leaves = LayerInfo.Leaves(model);
        var rules = leaves.ToDictionary<LayerInfo, object, (string Name, IRule? Rule)>(l => l.Module, l => (l.Name, composite.RuleFor(l)), ReferenceEqualityComparer.Instance);

        using var scope = NewDisposeScope();
        var captured = new Dictionary<string, Tensor>();
        var fired = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var removers = new List<Action>();
        var keep = new List<IDisposable>();                 // state of autograd nodes whose backward runs after the hooks
        var trace = LrpTrace.Current;
        try
        {
            foreach (var (name, m) in all)
            {
                bool capture = wanted.Contains(name);
                var ruled = rules.TryGetValue(m, out var r) && r.Rule is not null;
                bool traced = trace is not null && rules.ContainsKey(m);
                bool substituted = plan.Identity.Contains(m) || plan.Parameters.ContainsKey(m);
                if (!capture && !ruled && !substituted && !traced) continue;
                if (m is not nn.Module<Tensor, Tensor> hm)
                    throw new NotSupportedException($"module '{name}' ({m.GetType().Name}) does not map one tensor to one tensor; LRP hooks need nn.Module<Tensor, Tensor>.");
                var rule = ruled ? r.Rule : null;
                // Rules that reuse the layer's own forward pass (LRP-0, ε, Norm, γ on x ≥ 0; see IOwnForwardRule) get the input
                // with the gradient x ⊙ (·) from a pre-hook, so that pass doubles as the rule's modified one.
                var own = substituted ? null : rule as IOwnForwardRule;
                Tensor? original = null; bool usesOwn = false;
                if (own is not null || traced)
                {
                    var pre = hm.register_forward_pre_hook((mod, input) =>
                    {
                        if (traced) trace!.Enter(name, mod);
                        original = input;
                        usesOwn = own is not null && own.UsesOwnForward(input);
                        return usesOwn ? Grafts.TimesInput(input) : input;
                    });
                    removers.Add(pre.remove);
                }
                var hook = hm.register_forward_hook((mod, hookInput, output) =>
                {
                    if (traced) trace!.ModuleDone(name);
                    fired.Add(mod);
                    var input = original ?? hookInput;
                    original = null;
                    var outp = output;
                    if (usesOwn)
                    {
                        usesOwn = false;
                        Tensor? w = null, b = null;
                        if (ParametricLayers.Is(mod)) (w, b) = ParametricLayers.Parameters(mod);
                        outp = own!.FromOwnForward(new LayerCall(name, mod, input, output.detach(), w, b, keep), output);
                    }
                    // new handles: Sequential disposes the handles of its intermediate results
                    else if (plan.Identity.Contains(mod)) outp = input.alias();
                    else
                    {
                        Tensor? w = null, b = null;
                        if (plan.Parameters.TryGetValue(mod, out var p)) { (w, b) = p; outp = ParametricLayers.Apply(mod, input, w, b); }
                        else if (ParametricLayers.Is(mod)) (w, b) = ParametricLayers.Parameters(mod);
                        if (rule is not null) outp = rule.Forward(new LayerCall(name, mod, input, outp.detach(), w, b, keep));
                    }
                    if (traced) outp = trace!.Leave(name, rule, mod, outp);
                    if (capture) { captured[name] = outp; return outp.alias(); }
                    return outp;
                });
                removers.Add(hook.remove);
            }

            var xin = x.to(dev).detach().clone().requires_grad_(true);
            Tensor y;
            using (enable_grad()) y = model.call(xin);
            var silent = rules.Where(kv => kv.Value.Rule is not null && !fired.Contains(kv.Key)).Select(kv => kv.Value.Name).ToList();
            if (silent.Count > 0)
                throw new InvalidOperationException($"layers with a rule were not run through their hook: {string.Join(", ", silent.Take(10))}. " +
                    "Either the model's forward does not use them, or it calls submodule.forward(x) instead of submodule.call(x) " +
                    "(TorchSharp runs hooks only in call). Explain the submodule that is used, or call submodules with .call.");
            var missing = wanted.Where(n => !captured.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException($"layers {string.Join(", ", missing)} were not run through call() in the forward pass, so their relevance is unavailable.");

            var rOut = outputRelevance(y.detach());
            if (!rOut.shape.SequenceEqual(y.shape))
                throw new ArgumentException($"the output relevance has shape [{string.Join(",", rOut.shape)}] but the output has [{string.Join(",", y.shape)}].");
            var inputs = new List<Tensor> { xin };
            inputs.AddRange(wanted.Select(n => captured[n]));
            var seed = rOut.to_type(y.dtype).to(y.device);
            trace?.BackwardStart();
            var grads = autograd.grad(new List<Tensor> { y }, inputs, new List<Tensor> { seed }, allow_unused: true);
            trace?.BackwardEnd();
            Tensor Or0(Tensor? g, Tensor like) => g is null || g.IsInvalid ? zeros_like(like) : g;
            var layerR = new Dictionary<string, Tensor>();
            for (int i = 0; i < wanted.Count; i++) layerR[wanted[i]] = Or0(grads[i + 1], captured[wanted[i]]).detach().MoveToOuterDisposeScope();
            return new LrpResult(y.detach().MoveToOuterDisposeScope(), rOut.detach().MoveToOuterDisposeScope(),
                Or0(grads[0], xin).detach().MoveToOuterDisposeScope(), layerR);
        }
        finally
        {
            foreach (var rm in removers) rm();
            foreach (var k in keep) k.Dispose();
        }
    }

    /// <summary>One-hot of <paramref name="targets"/> (default: arg-max per row) times the output y [N,C].</summary>
    public static Tensor OneHotTimesOutput(Tensor y, Tensor? targets = null)
    {
        if (y.dim() != 2) throw new ArgumentException($"class targets need a [N,C] output; the model gives [{string.Join(",", y.shape)}]. Pass an output-relevance function instead.");
        using var scope = NewDisposeScope();
        var t = targets is null ? y.argmax(1) : targets.to(y.device).to_type(ScalarType.Int64);
        if (t.dim() == 0) t = t.expand(y.shape[0]);
        if (t.shape.Length != 1 || t.shape[0] != y.shape[0]) throw new ArgumentException($"targets must be one class per row, [{y.shape[0]}].");
        if (t.numel() > 0 && (t.min().item<long>() < 0 || t.max().item<long>() >= y.shape[1]))
            throw new ArgumentException($"target classes must lie in 0…{y.shape[1] - 1}.");
        var onehot = zeros_like(y).scatter_(1, t.unsqueeze(1), ones_like(y));
        return (onehot * y).MoveToOuterDisposeScope();
    }
}
