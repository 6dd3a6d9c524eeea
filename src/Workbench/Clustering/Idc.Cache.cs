using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Workbench.IO;

namespace Workbench.Clustering;

// IDC's stage-2 embedding cache and the cache of trained states (configuration + seed + data → file).
public sealed partial class Idc
{
    /// <summary>True when the last <see cref="Clusterer{TSelf}.Fit"/> loaded its state from <see cref="CacheFolder"/>
    /// instead of training (<see cref="History"/> and <see cref="LabelHistory"/> then come from the file too).</summary>
    public bool LoadedFromCache { get; private set; }

    /// <summary>
    /// Noise-free local gates z = clamp(μ(x) + 0.5, 0, 1) and embeddings h = f₂(x ⊙ z) of the training rows (the frozen
    /// encoder of stage 2). With <paramref name="recalibrate"/>, the encoder's BatchNorm running statistics are first set
    /// to the statistics of x ⊙ z over all rows (one train-mode pass with momentum 1), the statistics the code's stage-2
    /// forwards normalise with; stage 1 left them an average over x, the masked x ⊙ m and x ⊙ z.
    /// </summary>
    (Tensor Z, Tensor H) CacheEmbeddings(Tensor x, bool recalibrate)
    {
        using var _ = no_grad();
        var z = LocalGatesCore(x).detach();
        var gated = x * z;
        if (recalibrate) RecalibrateBatchNorm(Autoencoder.Encoder, gated);
        Autoencoder.eval();
        return (z, Autoencoder.Encoder.forward(gated).detach());
    }

    /// <summary>Sets every BatchNorm1d of <paramref name="net"/> to the batch statistics of <paramref name="input"/>
    /// (running mean and unbiased variance of one full-batch pass), leaving the net in eval mode.</summary>
    internal static void RecalibrateBatchNorm(Sequential net, Tensor input)
    {
        using var _ = no_grad();
        var norms = net.modules().OfType<BatchNorm1d>().ToList();
        var saved = norms.Select(bn => bn.momentum).ToList();
        foreach (var bn in norms) { bn.reset_running_stats(); bn.momentum = 1.0; }
        net.train();
        net.forward(input).Dispose();
        net.eval();
        for (int i = 0; i < norms.Count; i++) norms[i].momentum = saved[i];
    }

    /// <summary>
    /// Key of a fit: SHA-256 (first 16 hex digits) of every hyperparameter, the seed, the device type and a fingerprint of
    /// <paramref name="x"/> (shape, sum, and sum weighted by position). A change to any of them gives another file.
    /// </summary>
    public string CacheKey(Tensor x)
    {
        double sum, weighted;
        using (var scope = NewDisposeScope())
        {
            var xd = x.to(ScalarType.Float64);
            var w = arange(xd.numel(), dtype: ScalarType.Float64, device: xd.device).reshape(xd.shape).remainder(977.0) + 1.0;
            sum = xd.sum().item<double>(); weighted = (xd * w).sum().item<double>();
        }
        var text = string.Join("|", "idc-v2", K, string.Join(",", Hidden), Latent, GatingHidden, HeadHidden, AuxHidden, Epochs,
            PretrainEpochs, GateEpochs, GlobalGateEpoch, BatchSize, LearningRate.ToString("R"), HeadLearningRate.ToString("R"),
            GlobalLearningRate.ToString("R"), MinLearningRate.ToString("R"), MaskProbability.ToString("R"), LatentNoise.ToString("R"),
            LambdaLocal.ToString("R"), LambdaGlobal.ToString("R"), GateCodingRateWeight.ToString("R"), GateCodingRateEps.ToString("R"),
            HeadEps.ToString("R"), Tau.ToString("R"), Gates, Reconstruction, UseGates, EvalEvery, Seed, _dev.type,
            string.Join("x", x.shape), sum.ToString("R"), weighted.ToString("R"));
        if (HeadRestarts != 1) text += $"|headRestarts={HeadRestarts}";                 // R = 1 keeps the keys of earlier fits
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    Sequential AllModules() => nn.Sequential(("autoencoder", Autoencoder), ("gating", GatingNet), ("head", Head),
        ("auxiliary", Auxiliary), ("global", GlobalGateNet));

    static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    sealed record CachedRestart(double FinalEpochLoss, double RelaxedLoss, double HardLoss, long[] Labels);

    sealed record CachedHistory(IdcEpoch[] Epochs, int[] LabelEpochs, long[][] Labels, CachedRestart[]? Restarts = null, int ChosenRestart = 0);

    void SaveCache(string file)
    {
        // Each file written aside and renamed, the history last: a reader sees both files or no usable cache.
        AtomicFile.Write(file, tmp => AllModules().save(tmp));
        var record = new CachedHistory(History.ToArray(), LabelHistory.Select(h => h.Epoch).ToArray(),
            LabelHistory.Select(h => h.Labels.data<long>().ToArray()).ToArray(),
            HeadRestartResults.Select(h => new CachedRestart(h.FinalEpochLoss, h.RelaxedLoss, h.HardLoss, h.Labels.data<long>().ToArray())).ToArray(),
            ChosenRestart);
        AtomicFile.WriteAllText(file + ".json", JsonSerializer.Serialize(record, JsonOptions));
    }

    bool TryLoadCache(string file, Tensor x)
    {
        LoadedFromCache = false;
        if (!File.Exists(file) || !File.Exists(file + ".json")) return false;
        var record = JsonSerializer.Deserialize<CachedHistory>(File.ReadAllText(file + ".json"), JsonOptions)
            ?? throw new InvalidDataException($"{file}.json is empty; delete it and {file} to retrain.");
        AllModules().load(file);
        Autoencoder.eval(); GatingNet.eval(); Head.eval(); Auxiliary.eval();
        var (_, h) = CacheEmbeddings(x, recalibrate: false);          // the saved running statistics are already x ⊙ z's
        Embeddings = h.MoveToOuterDisposeScope();
        LabelHistory = record.LabelEpochs.Select((e, i) => (e, tensor(record.Labels[i]).to(_dev).MoveToOuterDisposeScope())).ToList();
        Labels = LabelHistory[^1].Labels;
        History = record.Epochs;
        HeadRestartResults = (record.Restarts ?? Array.Empty<CachedRestart>()).Select((c, i) => new IdcHeadRestart(i, c.FinalEpochLoss,
            c.RelaxedLoss, c.HardLoss, tensor(c.Labels).to(_dev).MoveToOuterDisposeScope())).ToList();
        ChosenRestart = record.ChosenRestart;
        LoadedFromCache = true;
        return true;
    }
}
