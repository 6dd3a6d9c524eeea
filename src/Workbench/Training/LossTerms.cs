using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Training;

/// <summary>What a <see cref="LossTerm"/> sees of one training step.</summary>
/// <param name="Model">The model being trained.</param>
/// <param name="Input">The batch's inputs.</param>
/// <param name="Output">The model's output for the batch (with gradients).</param>
/// <param name="Target">The batch's targets.</param>
/// <param name="Activations">Outputs of the layers the terms asked for (<see cref="LossTerm.Layers"/>), by child name.</param>
/// <param name="Count">Samples in the batch.</param>
public sealed record TrainingBatch(nn.Module Model, Tensor Input, Tensor Output, Tensor Target,
                                   IReadOnlyDictionary<string, Tensor> Activations, long Count);

/// <summary>
/// A term added to the training loss (a regulariser). It may ask for the outputs of named layers of a
/// <see cref="Sequential"/> model (<see cref="Layers"/>); the trainer records them during the forward pass.
/// </summary>
public abstract class LossTerm
{
    /// <summary>Child names of the sequential model whose outputs this term needs (none by default).</summary>
    public virtual IReadOnlyList<string> Layers => [];

    /// <summary>Returns <paramref name="loss"/> with this term added.</summary>
    public abstract Tensor AddTo(Tensor loss, TrainingBatch batch);
}

/// <summary>Keras-style regularisers as <see cref="LossTerm"/>s.</summary>
public static class Regularizers
{
    /// <summary>
    /// Keras' activity regulariser <c>l1(a)</c> on the outputs h of the named layers: adds <c>a · Σ|h| / batch size</c>
    /// per layer (ReLU §4: a = 0.02 on the first hidden layer).
    /// </summary>
    public static LossTerm ActivityL1(double a, params string[] layers) => new ActivityL1Term(a, layers);

    /// <summary>Keras' kernel regulariser <c>l2(λ)</c>: adds <c>λ · Σ W²</c> over the weights of every Linear and convolution (not biases).</summary>
    public static LossTerm L2Kernels(double lambda) => new L2KernelTerm(lambda);

    /// <summary>
    /// Keras' kernel regulariser <c>kernel_regularizer=l2(λ)</c> on chosen layers only: adds <c>λ · Σ W²</c> over the weights
    /// (not biases) of each named child (a Linear or convolution, by its name in the model, e.g. <c>"fc1"</c>), once per
    /// step, so the layer's gradient grows by exactly <c>2λW</c>. ReLU §5 as the authors ran it: λ = 0.1 on the first layer.
    /// </summary>
    /// <param name="lambda">λ ≥ 0 (Keras' <c>l2(λ)</c> adds λ·ΣW², not λ/2·ΣW²).</param>
    /// <param name="layers">Names of the layers whose weights are penalised (found among the model's named modules).</param>
    public static LossTerm L2Weights(double lambda, params string[] layers) => new L2LayerTerm(lambda, layers);

    sealed class ActivityL1Term : LossTerm
    {
        readonly double _a;
        readonly string[] _layers;

        public ActivityL1Term(double a, string[] layers)
        {
            if (!(a >= 0) || double.IsInfinity(a)) throw new ArgumentOutOfRangeException(nameof(a), a, "The activity regulariser's coefficient must be a finite number ≥ 0.");
            if (layers.Length == 0) throw new ArgumentException("Name at least one layer for the activity regulariser, e.g. ActivityL1(0.02, \"relu1\").", nameof(layers));
            _a = a; _layers = layers;
        }

        public override IReadOnlyList<string> Layers => _layers;

        public override Tensor AddTo(Tensor loss, TrainingBatch batch)
        {
            foreach (var l in _layers)
                loss = loss + batch.Activations[l].abs().sum() * (_a / batch.Count);   // Keras l1 activity: a·Σ|h| / batch
            return loss;
        }
    }

    static Tensor? KernelOf(nn.Module module) => module switch
    {
        Linear fc => fc.weight,
        Conv1d c => c.weight,
        Conv2d c => c.weight,
        ConvTranspose1d c => c.weight,
        ConvTranspose2d c => c.weight,
        _ => null,
    };

    sealed class L2LayerTerm : LossTerm
    {
        readonly double _lambda;
        readonly string[] _layers;

        public L2LayerTerm(double lambda, string[] layers)
        {
            if (!(lambda >= 0) || double.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "The L2 weight penalty must be a finite number ≥ 0.");
            ArgumentNullException.ThrowIfNull(layers);
            if (layers.Length == 0) throw new ArgumentException("Name at least one layer for the L2 weight penalty, e.g. L2Weights(0.1, \"fc1\").", nameof(layers));
            _lambda = lambda; _layers = layers.Distinct().ToArray();
        }

        nn.Module? _model;          // the layers are looked up once per model, not at every step (their weights at every step)
        nn.Module[] _modules = [];

        public override Tensor AddTo(Tensor loss, TrainingBatch batch)
        {
            if (!ReferenceEquals(batch.Model, _model))
            {
                var modules = batch.Model.named_modules().ToDictionary(m => m.name, m => m.module);
                _modules = _layers.Select(l =>
                {
                    if (!modules.TryGetValue(l, out var module))
                        throw new ArgumentException($"The L2 weight penalty names layer '{l}', which the model does not have; its modules are [{string.Join(", ", modules.Keys.Where(k => k.Length > 0))}].");
                    if (KernelOf(module) is null) throw new ArgumentException(
                        $"The L2 weight penalty names layer '{l}', a {module.GetType().Name}; it applies to Linear and convolution layers only.");
                    return module;
                }).ToArray();
                _model = batch.Model;
            }
            foreach (var m in _modules)
                loss = loss + KernelOf(m)!.pow(2).sum() * _lambda;                                // Keras l2(λ) kernel: λ·ΣW² (gradient 2λW)
            return loss;
        }
    }

    sealed class L2KernelTerm : LossTerm
    {
        readonly double _lambda;

        public L2KernelTerm(double lambda)
        {
            if (!(lambda >= 0) || double.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "The weight decay must be a finite number ≥ 0.");
            _lambda = lambda;
        }

        public override Tensor AddTo(Tensor loss, TrainingBatch batch)
        {
            foreach (var module in batch.Model.modules())
            {
                var w = module switch
                {
                    Linear fc => fc.weight,
                    Conv1d c => c.weight,
                    Conv2d c => c.weight,
                    _ => null,
                };
                if (w is not null) loss = loss + w.pow(2).sum() * _lambda;          // Keras l2 kernel: λ·ΣW²
            }
            return loss;
        }
    }
}
