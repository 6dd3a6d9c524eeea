using TorchSharp;
using Workbench.Compute;
using Workbench.Models;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Grad-CeAM's clustering (digest §2): a convolutional autoencoder trained on reconstruction (Eq. 11), then k-means
/// (<see cref="NInit"/> = 25 restarts, as the official code) on the latent codes. Rows of <c>x</c> are flattened inputs
/// [N, C·H·W] or [N, C·T] that are reshaped to the model's <see cref="IConvAutoencoder.InputShape"/>.
/// The official protocol trains on the train split and clusters the test split: <c>Fit(xTrain)</c> then
/// <see cref="FitClusters"/>(xTest) (after which <see cref="Clusterer{TSelf}.Labels"/> are the test rows' clusters).
/// Trained weights can be cached in <see cref="WeightsPath"/> (loaded when the file exists, saved after training).
/// </summary>
public sealed class AutoencoderKMeans : Clusterer<AutoencoderKMeans>
{
    readonly Func<IConvAutoencoder> _factory;

    /// <param name="model">builds the (seeded) autoencoder; must also be an <c>nn.Module&lt;Tensor, Tensor&gt;</c></param>
    /// <param name="k">number of clusters (the number of classes in the paper)</param>
    /// <param name="seed">seed of the training shuffle and of k-means</param>
    /// <param name="epochs">training epochs (official: 2 for images, 50 for series)</param>
    /// <param name="batchSize">training batch size (official: 64 images, 10 series)</param>
    /// <param name="learningRate">Adam learning rate (Keras default 1e-3)</param>
    /// <param name="nInit">k-means restarts (official 25)</param>
    /// <param name="maxIter">k-means iterations per restart</param>
    /// <param name="tol">k-means relative tolerance</param>
    /// <param name="weightsPath">optional cache file of the trained weights</param>
    /// <param name="device">device; <see cref="Devices.Default"/> when null</param>
    public AutoencoderKMeans(Func<IConvAutoencoder> model, int k, long seed = 0, int epochs = 2, int batchSize = 64, double learningRate = 1e-3,
        int nInit = 25, int maxIter = 300, double tol = 1e-4, string? weightsPath = null, Device? device = null) : base(k, seed, device)
    {
        _factory = model ?? throw new ArgumentNullException(nameof(model));
        if (epochs < 0 || batchSize < 1 || learningRate <= 0)
            throw new ArgumentException($"Need epochs ≥ 0, batchSize ≥ 1, learningRate > 0; got {epochs}, {batchSize}, {learningRate}.");
        Epochs = epochs; BatchSize = batchSize; LearningRate = learningRate; NInit = nInit; MaxIter = maxIter; Tol = tol; WeightsPath = weightsPath;
    }

    /// <summary>Training epochs.</summary>
    public int Epochs { get; }
    /// <summary>Training batch size.</summary>
    public int BatchSize { get; }
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; }
    /// <summary>k-means restarts.</summary>
    public int NInit { get; }
    /// <summary>k-means iterations per restart.</summary>
    public int MaxIter { get; }
    /// <summary>k-means tolerance.</summary>
    public double Tol { get; }
    /// <summary>Cache file of the trained weights, or null.</summary>
    public string? WeightsPath { get; }

    /// <summary>The trained autoencoder (eval mode).</summary>
    public IConvAutoencoder Model { get; private set; } = null!;
    /// <summary>Mean training loss per epoch (empty when the weights came from the cache).</summary>
    public double[] LossHistory { get; private set; } = [];
    /// <summary>k-means on the latent codes of the last clustered data.</summary>
    public KMeans KMeans { get; private set; } = null!;
    /// <summary>Centroids in the latent space, [K, m].</summary>
    public Tensor Centroids => KMeans.Centroids;

    /// <summary>Reshapes flat rows [N, d] to [N, …InputShape], with a clear error when d does not match.</summary>
    public Tensor ToInput(Tensor x)
    {
        var shape = Model.InputShape;
        long d = shape.Aggregate(1L, (a, b) => a * b);
        if (x.dim() == shape.Length + 1) { if (x.shape.Skip(1).SequenceEqual(shape)) return x; }
        else if (x.dim() == 2 && x.shape[1] == d) return x.reshape([x.shape[0], .. shape]);
        throw new ArgumentException($"Expected rows of {d} values forming [{string.Join(", ", shape)}] (images C×H×W or series C×T); got [{string.Join(", ", x.shape)}]. " +
            "Check the image size and channel count or the series length, or build the model for this input.");
    }

    /// <inheritdoc/>
    protected override void FitCore(Tensor x)
    {
        torch.manual_seed(Seed);
        Model = _factory();
        var module = (nn.Module<Tensor, Tensor>)Model;
        var dev = Devices.Resolve(Device);
        module.to(dev);
        var input = ToInput(x).to_type(ScalarType.Float32);
        if (WeightsPath is not null && File.Exists(WeightsPath)) { module.load(WeightsPath); LossHistory = []; }
        else
        {
            LossHistory = AutoencoderTraining.Fit(module, input, Epochs, BatchSize, LearningRate, Seed, dev);
            if (WeightsPath is not null) { Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(WeightsPath))!); module.save(WeightsPath); }
        }
        module.eval();
        ClusterCodes(input);
    }

    void ClusterCodes(Tensor input)
    {
        using var z = AutoencoderTraining.Encode(Model, input.to(Devices.Resolve(Device)));
        if (z.shape[0] < K) throw new ArgumentException($"k-means with K = {K} needs at least {K} samples; got {z.shape[0]}. Lower k or pass more samples.");
        KMeans = new KMeans(K, NInit, MaxIter, Tol, Seed, Device).Fit(z);
        Labels = KMeans.Labels;
    }

    /// <summary>Re-runs k-means on the codes of <paramref name="x"/> (the official protocol clusters the test split); <see cref="Clusterer{TSelf}.Labels"/> become x's clusters.</summary>
    public AutoencoderKMeans FitClusters(Tensor x)
    {
        CheckPredictInput(x, nameof(FitClusters));
        ClusterCodes(ToInput(x).to_type(ScalarType.Float32));
        return this;
    }

    /// <summary>Latent codes of <paramref name="x"/>, [N, m].</summary>
    public Tensor Transform(Tensor x)
    {
        CheckPredictInput(x, nameof(Transform));
        return AutoencoderTraining.Encode(Model, ToInput(x).to_type(ScalarType.Float32).to(Devices.Resolve(Device)));
    }

    /// <inheritdoc/>
    protected override Tensor PredictCore(Tensor x)
    {
        using var z = Transform(x);
        return KMeans.Predict(z);
    }
}
