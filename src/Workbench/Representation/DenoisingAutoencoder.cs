using System.Globalization;
using System.Security.Cryptography;
using TorchSharp;
using TorchSharp.Modules;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Numerics;
using Workbench.Reporting;
using Workbench.Training;
using static TorchSharp.torch;
using Workbench.IO;

namespace Workbench.Representation;

/// <summary>
/// A denoising autoencoder (Vincent et al. 2008) whose bottleneck is a representation x̃ for a clustering loss
/// (NeurCAM §4, Table 1 "AE": 8 latent dimensions; the corruption is dropout, the architecture is in the paper's
/// unavailable supplement). The rows are z-scored, corrupted by dropout with rate <see cref="Noise"/> (training
/// only), encoded by D → hidden… → latent (ReLU between layers, none on the code) and decoded by the mirror image;
/// the mean squared reconstruction error of the clean z-scored rows is minimised with Adam through <see cref="Trainer"/>.
/// Seeded: the same data, configuration and seed give the same weights, which are cached under
/// <c>artifacts/cache/dae/</c> keyed by all three, so a rerun loads them instead of retraining.
/// </summary>
public sealed class DenoisingAutoencoder
{
    /// <param name="latentDims">size of the bottleneck (NeurCAM: 8)</param>
    /// <param name="hidden">hidden widths of the encoder (the decoder mirrors them); default [64, 32]</param>
    /// <param name="noise">dropout rate of the input corruption, in [0,1)</param>
    /// <param name="epochs">training epochs</param>
    /// <param name="batchSize">rows per step</param>
    /// <param name="learningRate">Adam step size</param>
    /// <param name="seed">seed of the initial weights, the batch order and the dropout masks</param>
    /// <param name="cache">load and save the trained weights under <c>artifacts/cache/dae/</c></param>
    /// <param name="device">device to train on</param>
    public DenoisingAutoencoder(int latentDims = 8, int[]? hidden = null, double noise = 0.2, int epochs = 100, int batchSize = 256,
        double learningRate = 1e-3, long seed = 0, bool cache = true, Device? device = null)
    {
        if (latentDims < 1) throw new ArgumentException($"latentDims must be ≥ 1; got {latentDims}.", nameof(latentDims));
        if (!(noise >= 0 && noise < 1)) throw new ArgumentException($"noise (dropout rate) must be in [0,1); got {noise}.", nameof(noise));
        if (epochs < 1) throw new ArgumentException($"epochs must be ≥ 1; got {epochs}.", nameof(epochs));
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1; got {batchSize}.", nameof(batchSize));
        if (!(learningRate > 0)) throw new ArgumentException($"learningRate must be > 0; got {learningRate}.", nameof(learningRate));
        Hidden = hidden ?? new[] { 64, 32 };
        if (Hidden.Any(h => h < 1)) throw new ArgumentException("hidden widths must be ≥ 1.", nameof(hidden));
        LatentDims = latentDims; Noise = noise; Epochs = epochs; BatchSize = batchSize; LearningRate = learningRate;
        Seed = seed; Cache = cache; Device = device;
    }

    /// <summary>Size of the bottleneck.</summary>
    public int LatentDims { get; }
    /// <summary>Hidden widths of the encoder.</summary>
    public int[] Hidden { get; }
    /// <summary>Dropout rate of the input corruption.</summary>
    public double Noise { get; }
    /// <summary>Training epochs.</summary>
    public int Epochs { get; }
    /// <summary>Rows per step.</summary>
    public int BatchSize { get; }
    /// <summary>Adam step size.</summary>
    public double LearningRate { get; }
    /// <summary>Seed of the weights, batches and dropout masks.</summary>
    public long Seed { get; }
    /// <summary>Whether trained weights are cached under <c>artifacts/cache/dae/</c>.</summary>
    public bool Cache { get; }
    /// <summary>Device to train on (null: <see cref="Devices.Default"/>).</summary>
    public Device? Device { get; }

    /// <summary>The encoder, z-scored x [N,D] → code [N,latent]; null before <see cref="Fit"/>.</summary>
    public Sequential? Encoder { get; private set; }
    /// <summary>The decoder, code → reconstruction of the z-scored x.</summary>
    public Sequential? Decoder { get; private set; }
    /// <summary>Per-feature mean used to z-score x, [D].</summary>
    public Tensor FeatureMean => _scaler?.Mean!;
    /// <summary>Per-feature standard deviation used to z-score x, [D].</summary>
    public Tensor FeatureScale => _scaler?.Scale!;

    Standardizer? _scaler;
    /// <summary>Mean squared reconstruction error of each training epoch (empty when the weights came from the cache).</summary>
    public IReadOnlyList<double> History { get; private set; } = Array.Empty<double>();
    /// <summary>Whether the last <see cref="Fit"/> loaded cached weights instead of training.</summary>
    public bool LoadedFromCache { get; private set; }
    /// <summary>The cache file of the last <see cref="Fit"/> (null when caching is off).</summary>
    public string? CacheFile { get; private set; }

    /// <summary>Trains on the rows of <paramref name="x"/> [N,D] (or loads the cached weights) and returns this autoencoder.</summary>
    public DenoisingAutoencoder Fit(Tensor x)
    {
        Distances.CheckData(x, "x");
        long d = x.shape[1];
        var device = Devices.Resolve(Device);
        _scaler = new Standardizer(ScalarType.Float32, device).Fit(x);   // the autoencoder sees z-scored rows (population σ)
        Seeds.Manual(Seed);                                  // the modules draw their initial weights from torch's global generator
        var widths = new[] { (int)d }.Concat(Hidden).Append(LatentDims).ToArray();
        Encoder = Stack(widths, "enc");
        Decoder = Stack(widths.Reverse().ToArray(), "dec");
        var model = nn.Sequential(("corrupt", nn.Dropout(Noise)), ("encoder", Encoder), ("decoder", Decoder));
        model.to(device);
        var xs = Standardise(x);
        CacheFile = Cache ? Artifacts.Path("cache", "dae", Key(x) + ".bin") : null;
        LoadedFromCache = CacheFile is not null && File.Exists(CacheFile);
        if (LoadedFromCache) { model.load(CacheFile!); History = Array.Empty<double>(); }
        else
        {
            var trainer = new Trainer(Training.Losses.MeanSquaredError, learningRate: LearningRate, epochs: Epochs, batchSize: BatchSize, seed: Seed,
                title: $"DAE {string.Join("→", widths)}", device: device);
            trainer.Fit(model, xs, xs);
            History = trainer.History.Select(e => e.Loss).ToArray();
            // written aside and renamed: a process reading the cache meanwhile never sees a half-written file
            if (CacheFile is not null) AtomicFile.Write(CacheFile, tmp => Trainer.SaveCheckpoint(model, tmp));
        }
        model.eval();
        xs.Dispose();
        return this;
    }

    /// <summary>The codes x̃ of the rows of <paramref name="x"/>, [N,latent] float32 (eval mode: no corruption).</summary>
    public Tensor Transform(Tensor x)
    {
        if (Encoder is null) throw new InvalidOperationException("This DenoisingAutoencoder is not fitted yet: call Fit(x) before Transform.");
        Distances.CheckData(x, "x");
        if (x.shape[1] != FeatureMean.shape[0])
            throw new ArgumentException($"x has {x.shape[1]} features, but the autoencoder was fitted on {FeatureMean.shape[0]}. Pass rows with the same columns as in Fit.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Encoder.eval();
        return Encoder.call(Standardise(x)).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Fit"/> then <see cref="Transform"/> on the same rows.</summary>
    public Tensor FitTransform(Tensor x) => Fit(x).Transform(x);

    /// <summary>Mean squared reconstruction error of the clean z-scored rows of <paramref name="x"/>.</summary>
    public double ReconstructionError(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var xs = Standardise(x);
        return Decoder!.call(Transform(x)).sub(xs).square().mean().ToDouble();
    }

    Tensor Standardise(Tensor x) => _scaler!.Transform(x);

    static Sequential Stack(int[] widths, string prefix)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int l = 0; l + 1 < widths.Length; l++)
        {
            layers.Add(($"{prefix}{l}", nn.Linear(widths[l], widths[l + 1])));
            if (l + 2 < widths.Length) layers.Add(($"{prefix}{l}relu", nn.ReLU()));
        }
        return nn.Sequential(layers);
    }

    /// <summary>Cache key: configuration, seed and a hash of the data.</summary>
    string Key(Tensor x)
    {
        var values = x.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var hash = Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())))[..16].ToLowerInvariant();
        var cfg = string.Create(CultureInfo.InvariantCulture,
            $"z{LatentDims}-h{string.Join("_", Hidden)}-p{Noise}-e{Epochs}-b{BatchSize}-lr{LearningRate}-s{Seed}");
        return $"{cfg}-{x.shape[0]}x{x.shape[1]}-{hash}";
    }
}
