using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>One step of a piecewise-linear network: an affine map or a ReLU-type gate.</summary>
public abstract record PiecewiseStep(string Name, int InWidth, int OutWidth);

/// <summary>x ↦ W x + b (a Linear layer, or a BatchNorm1d in evaluation mode folded to a diagonal W). Float64 copies.</summary>
public sealed record AffineStep(string Name, int InWidth, int OutWidth, Tensor Weight, Tensor Bias) : PiecewiseStep(Name, InWidth, OutWidth);

/// <summary>x ↦ x where x &gt; 0, NegativeSlope · x elsewhere (ReLU: slope 0; LeakyReLU: its slope). Its units make the activation pattern.</summary>
public sealed record GateStep(string Name, int Width, double NegativeSlope) : PiecewiseStep(Name, Width, Width);

/// <summary>
/// A TorchSharp sequential stack read as a piecewise-linear function (ReLU §3, Thm 1).
/// Accepted layers: Linear, ReLU, LeakyReLU (its slope enters the mask), Identity, Dropout and BatchNorm1d in evaluation mode
/// (BatchNorm is folded into an affine map), nested Sequential stacks, and a final Sigmoid (the output link, left out:
/// the affine maps give the pre-output value). Any other layer is refused, since the method needs a piecewise-linear network.
/// <para>For an input u the active units (pre-activation &gt; 0) of every gate form its activation pattern; with the
/// pattern fixed every gate is a diagonal matrix M and the network is the affine map Ω u + b of Eqs. (1)–(3), with
/// Ω = Π Ŵ_i and b = Σ_i (Π_{t&gt;i} Ŵ_t) b_i over the masked weights Ŵ = M W.</para>
/// </summary>
public sealed class PiecewiseLinearNetwork
{
    readonly List<nn.Module<Tensor, Tensor>> _modules = new();   // modules up to the output link, in order
    readonly List<int> _stepOfModule = new();                     // index into Steps, or -1 for identity-like modules

    PiecewiseLinearNetwork(nn.Module root)
    {
        var steps = new List<PiecewiseStep>();
        int? width = null;
        var flat = new List<(string Name, nn.Module Module)>();
        Flatten("", root, flat);
        for (int i = 0; i < flat.Count; i++)
        {
            var (name, module) = flat[i];
            bool last = i == flat.Count - 1;
            switch (module)
            {
                case Linear fc:
                {
                    int inW = (int)fc.in_features, outW = (int)fc.out_features;
                    Expect(ref width, inW, name);
                    var w = fc.weight!.detach().to(ScalarType.Float64).cpu().clone();
                    var b = fc.bias is null ? zeros(outW, ScalarType.Float64) : fc.bias.detach().to(ScalarType.Float64).cpu().clone();
                    steps.Add(new AffineStep(name, inW, outW, w, b));
                    width = outW;
                    Add(module, steps.Count - 1);
                    break;
                }
                case BatchNorm1d bn:
                {
                    if (bn.training)
                        throw new ArgumentException(
                            $"BatchNorm1d '{name}' is in training mode: it normalises by each batch's statistics, so the network is not " +
                            "one fixed function of its input. Call network.eval() before reading activation patterns or affine maps.");
                    if (bn.running_mean is null || bn.running_var is null)
                        throw new ArgumentException(
                            $"BatchNorm1d '{name}' keeps no running statistics (track_running_stats = false), so even in evaluation mode it " +
                            "normalises by batch statistics and is not an affine map of each input. Use track_running_stats = true.");
                    int nf = (int)bn.num_features;
                    Expect(ref width, nf, name);
                    // BatchNorm in eval mode: y = γ (x − μ) / √(σ² + ε) + β = diag(s) x + (β − s μ), s = γ / √(σ² + ε).
                    var mean = bn.running_mean.detach().to(ScalarType.Float64).cpu();
                    var std = (bn.running_var.detach().to(ScalarType.Float64).cpu() + bn.eps).sqrt();
                    var gamma = bn.weight is null ? ones(nf, ScalarType.Float64) : bn.weight.detach().to(ScalarType.Float64).cpu();
                    var beta = bn.bias is null ? zeros(nf, ScalarType.Float64) : bn.bias.detach().to(ScalarType.Float64).cpu();
                    var s = gamma / std;
                    steps.Add(new AffineStep(name, nf, nf, diag(s), beta - s * mean));
                    Add(module, steps.Count - 1);
                    break;
                }
                case ReLU:
                case LeakyReLU:
                {
                    double slope = module is LeakyReLU leaky ? leaky.negative_slope : 0.0;
                    if (width is null)
                        throw new ArgumentException($"'{name}' ({module.GetType().Name}) comes before any Linear or BatchNorm1d layer, so its width is unknown. Start the stack with a Linear layer.");
                    steps.Add(new GateStep(name, width.Value, slope));
                    Add(module, steps.Count - 1);
                    break;
                }
                case Identity:
                    Add(module, -1);
                    break;
                case Dropout dropout:
                    if (dropout.training && dropout.p > 0)
                        throw new ArgumentException(
                            $"Dropout '{name}' is in training mode and zeroes random units, so the network is not a fixed function of its input. " +
                            "Call network.eval() first (in evaluation mode Dropout is the identity).");
                    Add(module, -1);
                    break;
                case Sigmoid when last:
                    OutputLink = "sigmoid";
                    break;
                default:
                    throw new ArgumentException(
                        $"Layer '{name}' is a {module.GetType().Name}: the ReLU clustering method needs a piecewise-linear network, a " +
                        "sequential stack of Linear, ReLU, LeakyReLU, Identity, Dropout and BatchNorm1d (evaluation mode) layers, " +
                        "optionally ending in Sigmoid." + (module is Sigmoid ? " A Sigmoid is only allowed as the very last layer." : ""));
            }
        }
        if (!steps.OfType<AffineStep>().Any())
            throw new ArgumentException("The network has no Linear layer: nothing to explain.");
        Steps = steps;
        InputWidth = steps.First(s => s is AffineStep).InWidth;
        OutputWidth = width!.Value;
        Gates = steps.OfType<GateStep>().ToArray();
        UnitCount = Gates.Sum(g => g.Width);
        if (Gates.Count == 0)
            throw new ArgumentException("The network has no ReLU or LeakyReLU layer, so every input has the same (empty) activation pattern; it is one affine map.");

        void Add(nn.Module m, int step) { _modules.Add((nn.Module<Tensor, Tensor>)m); _stepOfModule.Add(step); }
    }

    static void Expect(ref int? width, int expected, string name)
    {
        if (width is int w && w != expected)
            throw new ArgumentException($"Layer '{name}' expects width {expected} but the layer before it gives {w}: the stack is not a valid chain.");
        width ??= expected;
    }

    static void Flatten(string prefix, nn.Module module, List<(string, nn.Module)> into)
    {
        if (module is Sequential seq)
        {
            foreach (var (name, child) in seq.named_children())
                Flatten(prefix.Length == 0 ? name : prefix + "." + name, child, into);
        }
        else into.Add((prefix.Length == 0 ? module.GetType().Name : prefix, module));
    }

    /// <summary>Reads a sequential stack (untrained stacks are accepted: you decide what the weights mean).</summary>
    public static PiecewiseLinearNetwork From(nn.Module network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new PiecewiseLinearNetwork(network);
    }

    /// <summary>Reads a trained <see cref="Mlp"/>; an untrained one is refused.</summary>
    public static PiecewiseLinearNetwork From(Mlp mlp)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        if (!mlp.IsTrained)
            throw new InvalidOperationException(
                $"{mlp} has not been trained, so its clusters and affine maps describe random weights. Train it first with " +
                "mlp.Train(x, y, ...), or pass mlp.Network to analyse the initial weights on purpose.");
        return new PiecewiseLinearNetwork(mlp.Network);
    }

    /// <summary>Affine steps and gates in order, output link excluded.</summary>
    public IReadOnlyList<PiecewiseStep> Steps { get; }
    /// <summary>The ReLU/LeakyReLU layers whose units make the activation pattern.</summary>
    public IReadOnlyList<GateStep> Gates { get; }
    /// <summary>Number of input features d.</summary>
    public int InputWidth { get; }
    /// <summary>Width q of the pre-output value.</summary>
    public int OutputWidth { get; }
    /// <summary>Number of gated (hidden) units: the length of an activation pattern.</summary>
    public int UnitCount { get; }
    /// <summary>"sigmoid" when the stack ends in a Sigmoid (left out of the affine maps), otherwise null.</summary>
    public string? OutputLink { get; }

    Tensor Prepare(Tensor x)
    {
        ReluChecks.Input(x, InputWidth, "PiecewiseLinearNetwork");
        var p = _modules.OfType<Linear>().First().weight!;
        return x.to(p.dtype, p.device);
    }

    /// <summary>The network's own pre-output value (every layer run by TorchSharp, the output link left out), [N, q].</summary>
    public Tensor PreOutput(Tensor x)
    {
        using var _ = no_grad();
        var h = Prepare(x);
        foreach (var m in _modules) h = m.call(h);
        return h;
    }

    /// <summary>
    /// Activation pattern of each input: [N, <see cref="UnitCount"/>] booleans, true where a gate's input is &gt; 0
    /// (footnote 5: "the input falls in the right linear part"), gates in order, units in order within a gate.
    /// </summary>
    public Tensor Patterns(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var h = Prepare(x);
        var parts = new List<Tensor>();
        for (int i = 0; i < _modules.Count; i++)
        {
            if (_stepOfModule[i] >= 0 && Steps[_stepOfModule[i]] is GateStep) parts.Add(h.gt(0).cpu());
            h = _modules[i].call(h);
        }
        return cat(parts, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The affine map of each input's cluster, from its own activation pattern: Ω [N, q, d] and b [N, q] in float64,
    /// such that Ω_n u_n + b_n equals the pre-output value (Thm 1).
    /// </summary>
    public (Tensor Omega, Tensor Bias) AffineMaps(Tensor x)
    {
        using var scope = NewDisposeScope();
        var patterns = Patterns(x);
        var (omega, bias) = Compose(patterns);
        return (omega.MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope());
    }

    /// <summary>The affine map (Ω [q, d], b [q]) of one activation pattern (length <see cref="UnitCount"/>).</summary>
    public (Tensor Omega, Tensor Bias) AffineMap(IReadOnlyList<bool> pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Count != UnitCount)
            throw new ArgumentException($"An activation pattern of this network has {UnitCount} entries (one per hidden unit); got {pattern.Count}.", nameof(pattern));
        using var scope = NewDisposeScope();
        var p = tensor(pattern.ToArray()).reshape(1, UnitCount);
        var (omega, bias) = Compose(p);
        return (omega[0].MoveToOuterDisposeScope(), bias[0].MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Eqs. (2)–(3) from the output backwards: A starts as the identity on the output; at a gate A ← A·diag(m), at an
    /// affine step (W, c) first b ← b + A c, then A ← A W. At the end A = Π_{i=p}^{1} Ŵ_i = Ω and b = Σ_i (Π_{t&gt;i} Ŵ_t) c_i.
    /// </summary>
    Tensor[] ComposeCore(Tensor patterns)
    {
        long n = patterns.shape[0];
        var masks = new Tensor[Gates.Count];
        int offset = 0, g = 0;
        foreach (var gate in Gates)
        {
            var bits = patterns.narrow(1, offset, gate.Width).to(ScalarType.Float64);
            masks[g++] = gate.NegativeSlope == 0 ? bits : bits + (1 - bits) * gate.NegativeSlope;
            offset += gate.Width;
        }
        var a = eye(OutputWidth, dtype: ScalarType.Float64).unsqueeze(0).expand(n, -1, -1);
        var b = zeros(n, OutputWidth, ScalarType.Float64);
        g = Gates.Count;
        for (int i = Steps.Count - 1; i >= 0; i--)
        {
            switch (Steps[i])
            {
                case GateStep:
                    a = a * masks[--g].unsqueeze(1);                       // A · diag(m)
                    break;
                case AffineStep s:
                    b = b + a.matmul(s.Bias.unsqueeze(1)).squeeze(2);      // + (Π_{t>i} Ŵ_t) b_i
                    a = a.matmul(s.Weight);                                // · W_i
                    break;
            }
        }
        return [a, b];
    }

    (Tensor, Tensor) Compose(Tensor patterns)
    {
        var r = ComposeCore(patterns.cpu());
        return (r[0].contiguous(), r[1]);
    }

    /// <summary>A pattern as text: one group of 0/1 per gate, e.g. "1010 10".</summary>
    public string Format(IReadOnlyList<bool> pattern)
    {
        var sb = new System.Text.StringBuilder();
        int k = 0;
        for (int g = 0; g < Gates.Count; g++)
        {
            if (g > 0) sb.Append(' ');
            for (int u = 0; u < Gates[g].Width; u++) sb.Append(pattern[k++] ? '1' : '0');
        }
        return sb.ToString();
    }
}
