using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>What the last layer of an <see cref="Mlp"/> does to its pre-output value.</summary>
public enum OutputActivation
{
    /// <summary>Sigmoid: a probability for binary classification (trained with binary cross-entropy).</summary>
    Sigmoid,
    /// <summary>None: the pre-output value itself (trained with mean squared error).</summary>
    Linear,
}

/// <summary>How an <see cref="Mlp"/> draws its initial weights.</summary>
public enum WeightInit
{
    /// <summary>Keras' Dense default: Glorot-uniform kernels, zero biases (what the paper's Keras code used).</summary>
    Glorot,
    /// <summary>PyTorch's Linear default: kernels and biases uniform in ±1/√fan_in.</summary>
    Torch,
}

/// <summary>
/// A multilayer perceptron with ReLU hidden layers, as in ReLU §4–§5: <c>Linear → ReLU → … → Linear [→ Sigmoid]</c>.
/// The network is an ordinary TorchSharp <see cref="Sequential"/> (<see cref="Network"/>, children <c>fc1, relu1, …, out,
/// sigmoid</c>), so the activation clustering and its affine maps also work on a stack you build yourself.
/// Train it with <see cref="MlpTraining.Train"/> (the general <see cref="Workbench.Training.Trainer"/> configured like the paper's Keras code).
/// <code>var mlp = new Mlp(10, [4, 2], seed: 0);
/// mlp.Train(x, y, learningRate: 0.01, epochs: 10, batchSize: 100, activityL1: 0.02, seed: 0);</code>
/// </summary>
public sealed class Mlp : IDisposable
{
    readonly List<Linear> _linears = new();

    /// <param name="inputs">Width of the input (number of features).</param>
    /// <param name="hidden">Widths of the hidden ReLU layers, e.g. <c>[4, 2]</c>.</param>
    /// <param name="output">Sigmoid (binary classification) or linear output.</param>
    /// <param name="outputs">Width of the output layer (1 for the paper's networks).</param>
    /// <param name="init">Initial weights: Keras' Glorot (default, like the paper) or PyTorch's.</param>
    /// <param name="seed">Seed of the initial weights; the same seed gives the same network.</param>
    /// <param name="dtype">float32 (default) or float64.</param>
    /// <param name="device">Device; <see cref="Devices.Default"/> when null.</param>
    public Mlp(int inputs, IReadOnlyList<int> hidden, OutputActivation output = OutputActivation.Sigmoid, int outputs = 1,
               WeightInit init = WeightInit.Glorot, long seed = 0, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "An MLP needs at least one input feature.");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "An MLP needs at least one output unit.");
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Any(h => h < 1))
            throw new ArgumentException($"Hidden layer widths must be positive; got [{string.Join(", ", hidden)}].", nameof(hidden));
        if (dtype != ScalarType.Float32 && dtype != ScalarType.Float64)
            throw new ArgumentException($"dtype must be Float32 or Float64, not {dtype}.", nameof(dtype));

        Inputs = inputs; Hidden = hidden.ToArray(); Outputs = outputs; Output = output; Seed = seed;
        var dev = Devices.Resolve(device);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int width = inputs;
        for (int i = 0; i < Hidden.Count; i++)
        {
            var fc = nn.Linear(width, Hidden[i], hasBias: true, dtype: dtype);
            _linears.Add(fc);
            layers.Add(($"fc{i + 1}", fc));
            layers.Add(($"relu{i + 1}", nn.ReLU()));
            width = Hidden[i];
        }
        var last = nn.Linear(width, outputs, hasBias: true, dtype: dtype);
        _linears.Add(last);
        layers.Add(("out", last));
        if (output == OutputActivation.Sigmoid) layers.Add(("sigmoid", nn.Sigmoid()));

        Initialise(init, seed);
        Network = nn.Sequential(layers.ToArray());
        Logits = nn.Sequential(layers.Where(l => l.Item1 != "sigmoid").ToArray());   // same modules, no output activation
        Network.to(dev);
        Network.eval();
    }

    /// <summary>The whole network, output activation included, as a TorchSharp sequential stack.</summary>
    public Sequential Network { get; }

    /// <summary>The same layers without the output activation: the pre-output value (logit), which is what is trained.</summary>
    public Sequential Logits { get; }

    /// <summary>Number of input features d.</summary>
    public int Inputs { get; }
    /// <summary>Widths of the hidden ReLU layers, input side first.</summary>
    public IReadOnlyList<int> Hidden { get; }
    /// <summary>Width of the output layer.</summary>
    public int Outputs { get; }
    /// <summary>The output activation (sigmoid or linear).</summary>
    public OutputActivation Output { get; }
    /// <summary>The seed the initial weights were drawn with.</summary>
    public long Seed { get; }

    /// <summary>True once <see cref="MlpTraining.Train"/> has trained this network.</summary>
    public bool IsTrained { get; internal set; }

    /// <summary>The Linear layers in order (hidden ones, then the output layer).</summary>
    public IReadOnlyList<Linear> Linears => _linears;

    /// <summary>The device the weights live on.</summary>
    public Device Device => _linears[0].weight!.device;
    /// <summary>The weights' dtype (float32 or float64).</summary>
    public ScalarType DType => _linears[0].weight!.dtype;

    /// <summary>The value before the output activation (the logit for a sigmoid output), shape [N, outputs].</summary>
    public Tensor PreOutput(Tensor x)
    {
        ReluChecks.Input(x, Inputs, "Mlp.PreOutput");
        using var _ = no_grad();
        return Run(Prepare(x), null);
    }

    /// <summary>The network's output: probabilities for a sigmoid output, values for a linear one. Shape [N, outputs].</summary>
    public Tensor Forward(Tensor x)
    {
        ReluChecks.Input(x, Inputs, "Mlp.Forward");
        using var _ = no_grad();
        using var pre = Run(Prepare(x), null);
        return Output == OutputActivation.Sigmoid ? pre.sigmoid() : pre.alias();
    }

    /// <summary>Predicted labels 0/1 (probability &gt; 0.5) for a single sigmoid output, shape [N].</summary>
    public int[] Predict(Tensor x)
    {
        if (Output != OutputActivation.Sigmoid || Outputs != 1)
            throw new InvalidOperationException("Predict gives binary labels and needs a single sigmoid output; use Forward for other networks.");
        using var scope = NewDisposeScope();
        var pre = PreOutput(x);
        return pre.reshape(-1).gt(0).to(ScalarType.Int32).cpu().data<int>().ToArray();
    }

    /// <summary>Share of samples whose predicted label equals <paramref name="y"/> (0/1).</summary>
    public double Accuracy(Tensor x, Tensor y)
    {
        var predicted = Predict(x);
        var truth = ReluChecks.Labels(y, predicted.Length, "Mlp.Accuracy");
        int hits = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == truth[i]) hits++;
        return (double)hits / predicted.Length;
    }

    /// <summary>
    /// Forward pass up to the pre-output value, collecting each hidden layer's ReLU output in <paramref name="hidden"/>
    /// (used by the trainer's activity regulariser). Gradients flow when enabled.
    /// </summary>
    internal Tensor Run(Tensor x, List<Tensor>? hidden)
    {
        var h = x;
        foreach (var (name, module) in Network.named_children())
        {
            if (name == "sigmoid") break;
            h = ((nn.Module<Tensor, Tensor>)module).call(h);
            if (hidden != null && module is ReLU) hidden.Add(h);
        }
        return h;
    }

    internal Tensor Prepare(Tensor x) => x.to(DType, Device);

    void Initialise(WeightInit init, long seed)
    {
        using var gen = Seeds.Generator(seed);
        using var _ = no_grad();
        foreach (var fc in _linears)
        {
            long fanIn = fc.in_features, fanOut = fc.out_features;
            if (init == WeightInit.Glorot)
            {
                double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
                Uniform(fc.weight!, limit, gen);
                fc.bias!.zero_();
            }
            else
            {
                double bound = 1.0 / Math.Sqrt(fanIn);
                Uniform(fc.weight!, bound, gen);
                Uniform(fc.bias!, bound, gen);
            }
        }
    }

    // U(−bound, bound) from the seeded generator. (TorchSharp 0.107's nn.init.uniform_ ignores its generator argument,
    // so it is not used here.)
    static void Uniform(Tensor target, double bound, Generator gen)
    {
        using var r = rand(target.shape, ScalarType.Float64, generator: gen);
        target.copy_(r.mul(2 * bound).sub(bound));
    }

    /// <summary><c>Mlp 10-4-2-1 (sigmoid output, trained)</c>: the layer widths, output activation and state.</summary>
    public override string ToString() =>
        $"Mlp {Inputs}-{string.Join("-", Hidden)}-{Outputs} ({(Output == OutputActivation.Sigmoid ? "sigmoid" : "linear")} output, {(IsTrained ? "trained" : "untrained")})";

    /// <summary>Frees the layers' tensors.</summary>
    public void Dispose() => Network.Dispose();
}
