using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Training;

/// <summary>One epoch of training: mean loss (terms included, like Keras), training metric, and the validation loss and
/// metric when validation data was given (NaN otherwise).</summary>
public sealed record TrainingEpoch(int Epoch, double Loss, double Metric, double ValidationLoss, double ValidationMetric);

/// <summary>
/// Trains any <c>nn.Module&lt;Tensor, Tensor&gt;</c> with mini-batches: a loss <c>(output, target) → scalar</c>, an optimizer
/// factory, epochs, batch size and seed in the constructor; optionally loss terms (regularisers), a metric, validation
/// data, early stopping and a checkpoint file.
/// <code>var trainer = new Trainer(Losses.CrossEntropy, epochs: 5, batchSize: 64, learningRate: 1e-3, seed: 0,
///                           metric: Metrics.Accuracy, patience: 2);
/// trainer.Fit(model, x, y, validX, validY);        // model trained in place, left in eval()
/// foreach (var e in trainer.History) Console.WriteLine(e);</code>
/// Deterministic on the CPU for a seed: the batch order comes from <c>Seeds.Generator(seed)</c> and torch's global
/// generator (dropout masks) is seeded with <c>seed</c> when <see cref="Fit"/> starts.
/// </summary>
public sealed class Trainer
{
    readonly Func<Tensor, Tensor, Tensor> _loss;
    readonly Func<IEnumerable<Parameter>, double, optim.Optimizer> _optimizer;
    readonly Func<Tensor, Tensor, Tensor>? _metric;
    readonly LossTerm[] _terms;
    readonly Device? _device;

    /// <param name="loss">Loss of a batch, e.g. <see cref="Losses.CrossEntropy"/>.</param>
    /// <param name="optimizer">Optimizer factory; <see cref="Optimizers.Adam"/> when null.</param>
    /// <param name="learningRate">Step size given to the optimizer.</param>
    /// <param name="epochs">Passes over the data (at most; early stopping may end sooner).</param>
    /// <param name="batchSize">Samples per step.</param>
    /// <param name="seed">Seed of the batch order and of torch's global generator (dropout).</param>
    /// <param name="shuffle">Shuffle the samples each epoch (Keras' and PyTorch's DataLoader default for training).</param>
    /// <param name="terms">Loss terms (regularisers), added in order to each batch's loss.</param>
    /// <param name="metric">Hits per batch (e.g. <see cref="Metrics.Accuracy"/>), reported as a share; higher is better.</param>
    /// <param name="metricName">Name of the metric in the progress bar.</param>
    /// <param name="patience">Early stopping: stop after this many epochs without improving the validation metric (the
    /// validation loss when there is no metric); 0 = off. Needs validation data.</param>
    /// <param name="restoreBest">With early stopping, end with the weights of the best validation epoch.</param>
    /// <param name="checkpoint">File the model's state is saved to (TorchSharp format, <see cref="LoadCheckpoint"/>) after
    /// every epoch, or after every improving epoch when validation data is given; null = none.</param>
    /// <param name="progress">Show a progress bar with epoch, loss and metric.</param>
    /// <param name="title">Title of the progress bar.</param>
    /// <param name="device">Device to train on; the model is moved there. Null = <see cref="Devices.Default"/>.</param>
    public Trainer(Func<Tensor, Tensor, Tensor> loss, Func<IEnumerable<Parameter>, double, optim.Optimizer>? optimizer = null,
                   double learningRate = 1e-3, int epochs = 10, int batchSize = 32, long seed = 0, bool shuffle = true,
                   IEnumerable<LossTerm>? terms = null, Func<Tensor, Tensor, Tensor>? metric = null, string metricName = "accuracy",
                   int patience = 0, bool restoreBest = true, string? checkpoint = null, bool progress = true,
                   string title = "training", Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive number.");
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train for at least one epoch.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be ≥ 0 (0 turns early stopping off).");
        _loss = loss; _optimizer = optimizer ?? Optimizers.Adam; _metric = metric; _terms = terms?.ToArray() ?? [];
        _device = device;
        LearningRate = learningRate; Epochs = epochs; BatchSize = batchSize; Seed = seed; Shuffle = shuffle;
        MetricName = metricName; Patience = patience; RestoreBest = restoreBest; Checkpoint = checkpoint;
        ShowProgress = progress; Title = title;
    }

    /// <summary>Step size given to the optimizer.</summary>
    public double LearningRate { get; }
    /// <summary>Maximum number of epochs.</summary>
    public int Epochs { get; }
    /// <summary>Samples per step.</summary>
    public int BatchSize { get; }
    /// <summary>Seed of the batch order and of dropout.</summary>
    public long Seed { get; }
    /// <summary>Whether samples are shuffled each epoch.</summary>
    public bool Shuffle { get; }
    /// <summary>Name of the metric in the progress bar.</summary>
    public string MetricName { get; }
    /// <summary>Early-stopping patience in epochs (0 = off).</summary>
    public int Patience { get; }
    /// <summary>Whether early stopping restores the best validation epoch's weights.</summary>
    public bool RestoreBest { get; }
    /// <summary>Checkpoint file, or null.</summary>
    public string? Checkpoint { get; }
    /// <summary>Whether a progress bar is shown.</summary>
    public bool ShowProgress { get; }
    /// <summary>Title of the progress bar.</summary>
    public string Title { get; }

    /// <summary>One record per epoch of the last <see cref="Fit"/>.</summary>
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = Array.Empty<TrainingEpoch>();

    /// <summary>The epoch (1-based) whose weights the model holds after <see cref="Fit"/> (the best one when early stopping restored it).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>True when the last <see cref="Fit"/> ended early because validation stopped improving.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>
    /// Trains <paramref name="model"/> in place on inputs x [N, …] and targets y [N, …]; validation data is optional.
    /// Floating-point inputs and targets are cast to the model's dtype; integer targets (class indices) are kept.
    /// The model is left in eval() mode.
    /// </summary>
    public Trainer Fit(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, Tensor? validX = null, Tensor? validY = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckData(x, y, "x", "y");
        if ((validX is null) != (validY is null)) throw new ArgumentException("Give both validX and validY, or neither.");
        if (validX is not null) CheckData(validX, validY!, "validX", "validY");
        if (Patience > 0 && validX is null) throw new ArgumentException("Early stopping (patience > 0) needs validation data: pass validX and validY to Fit.");
        var layers = _terms.SelectMany(t => t.Layers).Distinct().ToArray();
        Sequential? seq = null;
        if (layers.Length > 0)
        {
            seq = model as Sequential ?? throw new ArgumentException(
                $"Loss terms ask for the outputs of layers [{string.Join(", ", layers)}], which the trainer records only for a Sequential model; this is a {model.GetType().Name}.");
            var names = seq.named_children().Select(c => c.name).ToHashSet();
            var unknown = layers.Where(l => !names.Contains(l)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"Loss terms name layers [{string.Join(", ", unknown)}] that the model does not have; its children are [{string.Join(", ", names)}].");
        }

        var device = Devices.Resolve(_device);
        model.to(device);
        var first = model.parameters().FirstOrDefault() ?? throw new ArgumentException("The model has no parameters to train.", nameof(model));
        var dtype = first.dtype;
        Tensor Cast(Tensor t) => (t.is_floating_point() ? t.to(dtype, device) : t.to(device)).detach();
        var xs = Cast(x); var ys = Cast(y);
        var vx = validX is null ? null : Cast(validX); var vy = validY is null ? null : Cast(validY!);

        Seeds.Manual(Seed);                                     // dropout draws from torch's global generator
        using var optimizer = _optimizer(model.parameters(), LearningRate);
        using var gen = Seeds.Generator(Seed);
        long n = xs.shape[0];
        long batches = (n + BatchSize - 1) / BatchSize;
        var history = new List<TrainingEpoch>();
        double best = double.NegativeInfinity; int bestEpoch = 0, sinceBest = 0;
        Dictionary<string, Tensor>? bestState = null;
        StoppedEarly = false;
        try
        {
            using var bar = ShowProgress ? Progress.Start(Title, Epochs) : null;
            for (int epoch = 1; epoch <= Epochs; epoch++)
            {
                model.train();
                // optimizer.step() runs outside every dispose scope of this loop, so nothing the optimizer creates or keeps
                // (state, cached scalars) can be disposed by a scope here; the epoch's own tensors are disposed explicitly.
                using var order = Shuffle ? randperm(n, generator: gen).to(device) : arange(n, device: device);
                using var lossSum = zeros(1, ScalarType.Float64, device: device);   // summed on the device: one sync per epoch
                using var hits = zeros(1, ScalarType.Float64, device: device);
                for (long b = 0; b < batches; b++)
                {
                    optimizer.zero_grad();
                    using (var step = NewDisposeScope())
                    {
                        long start = b * BatchSize, count = Math.Min(BatchSize, n - start);
                        var idx = order.narrow(0, start, count);
                        var xb = xs.index_select(0, idx);
                        var yb = ys.index_select(0, idx);
                        var activations = new Dictionary<string, Tensor>();
                        var output = seq is null ? model.call(xb) : Run(seq, xb, layers, activations);
                        var loss = _loss(output, yb);
                        if (_terms.Length > 0)
                        {
                            var batch = new TrainingBatch(model, xb, output, yb, activations, count);
                            foreach (var term in _terms) loss = term.AddTo(loss, batch);
                        }
                        loss.backward();
                        using (no_grad())
                        {
                            lossSum.add_(loss.detach().to(ScalarType.Float64) * count);
                            if (_metric is not null) hits.add_(_metric(output.detach(), yb).to(ScalarType.Float64));
                        }
                    }
                    optimizer.step();
                }
                double trainLoss = lossSum.item<double>() / n, trainMetric = _metric is null ? double.NaN : hits.item<double>() / n;
                var (validLoss, validMetric) = vx is null ? (double.NaN, double.NaN) : Evaluate(model, vx, vy!);
                var record = new TrainingEpoch(epoch, trainLoss, trainMetric, validLoss, validMetric);
                history.Add(record);
                bar?.Report(epoch, Status(record));

                double score = vx is null ? epoch : (_metric is null ? -validLoss : validMetric);
                if (score > best)
                {
                    best = score; bestEpoch = epoch; sinceBest = 0;
                    if (Patience > 0 && RestoreBest) { DisposeState(bestState); bestState = CopyState(model); }
                    if (Checkpoint is not null) SaveCheckpoint(model, Checkpoint);
                }
                else if (Patience > 0 && ++sinceBest >= Patience)
                {
                    StoppedEarly = true;
                    break;
                }
            }
            if (StoppedEarly && bestState is not null) LoadState(model, bestState);
            BestEpoch = StoppedEarly && RestoreBest ? bestEpoch : history.Count;
        }
        finally
        {
            DisposeState(bestState);
            xs.Dispose(); ys.Dispose(); vx?.Dispose(); vy?.Dispose();
            model.eval();
        }
        History = history;
        return this;
    }

    /// <summary>Mean loss and metric share of <paramref name="model"/> on (x, y), in eval() mode, batched, without gradients.</summary>
    public (double Loss, double Metric) Evaluate(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            long n = x.shape[0];
            var lossSum = zeros(1, ScalarType.Float64, device: x.device);
            var hits = zeros(1, ScalarType.Float64, device: x.device);
            for (long start = 0; start < n; start += BatchSize)
            {
                long count = Math.Min(BatchSize, n - start);
                var xb = x.narrow(0, start, count); var yb = y.narrow(0, start, count);
                var output = model.call(xb);
                lossSum.add_(_loss(output, yb).to(ScalarType.Float64) * count);
                if (_metric is not null) hits.add_(_metric(output, yb).to(ScalarType.Float64));
            }
            return (lossSum.item<double>() / n, _metric is null ? double.NaN : hits.item<double>() / n);
        }
        finally { if (wasTraining) model.train(); }
    }

    /// <summary>Saves the model's parameters and buffers to <paramref name="path"/> (TorchSharp's format).</summary>
    public static void SaveCheckpoint(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        model.save(path);
    }

    /// <summary>Loads parameters and buffers saved by <see cref="SaveCheckpoint"/> into a model of the same architecture.</summary>
    public static void LoadCheckpoint(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'. Train with checkpoint: \"{path}\" first.", path);
        model.load(path);
    }

    string Status(TrainingEpoch r)
    {
        var s = $"epoch {r.Epoch}: loss {r.Loss:F4}";
        if (_metric is not null) s += $", {MetricName} {r.Metric:P2}";
        if (!double.IsNaN(r.ValidationLoss)) s += $", validation loss {r.ValidationLoss:F4}";
        if (_metric is not null && !double.IsNaN(r.ValidationMetric)) s += $", validation {MetricName} {r.ValidationMetric:P2}";
        return s;
    }

    // Runs a Sequential child by child and keeps the outputs of the named children (for activity regularisers).
    static Tensor Run(Sequential seq, Tensor x, string[] layers, Dictionary<string, Tensor> activations)
    {
        var h = x;
        foreach (var (name, module) in seq.named_children())
        {
            h = ((nn.Module<Tensor, Tensor>)module).call(h);
            if (layers.Contains(name)) activations[name] = h;
        }
        return h;
    }

    static Dictionary<string, Tensor> CopyState(nn.Module model)
    {
        using var _ = no_grad();
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    static void LoadState(nn.Module model, Dictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, t) in model.state_dict()) t.copy_(state[name]);
    }

    static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
    }

    static void CheckData(Tensor x, Tensor y, string xName, string yName)
    {
        ArgumentNullException.ThrowIfNull(x, xName);
        ArgumentNullException.ThrowIfNull(y, yName);
        if (x.dim() < 1 || x.shape[0] < 1) throw new ArgumentException($"{xName} must hold at least one sample along its first axis; its shape is [{string.Join(", ", x.shape)}].", xName);
        if (y.dim() < 1 || y.shape[0] != x.shape[0])
            throw new ArgumentException($"{yName} must have one target per sample of {xName}: {xName} has {x.shape[0]} samples, {yName} has shape [{string.Join(", ", y.shape)}].", yName);
        if (x.is_floating_point())
        {
            using var bad = x.reshape(x.shape[0], -1).isfinite().logical_not().any(1).nonzero();
            if (bad.shape[0] > 0)
                throw new ArgumentException($"{xName} holds NaN or infinite values (first at sample {bad[0, 0].item<long>()}); clean or impute them before training.", xName);
        }
    }
}
