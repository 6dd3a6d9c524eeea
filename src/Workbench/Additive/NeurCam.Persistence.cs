using System.Text;
using System.Text.Json;
using TorchSharp;
using Workbench.Compute;
using Workbench.Numerics;
using static TorchSharp.torch;
using Workbench.IO;

namespace Workbench.Additive;

public sealed partial class NeurCam
{
    const string FileMagic = "WORKBENCH-NEURCAM";
    const int FileVersion = 1;

    /// <summary>What <see cref="Save"/> writes beside the tensors: the hyperparameters, the architecture and the training record.</summary>
    sealed record SavedHeader(int Version, int K, int SingleChannels, int PairChannels, int[] Hidden, int Bases, double M, int Epochs, int BatchSize,
        double LearningRate, double WarmupRatio, double SingleAnnealRatio, double PairAnnealRatio, double MinTemperature, double Epsilon,
        double KlWeight, bool ClusteringLossAfterWarmup, AnnealSchedule Schedule, CentroidInit Init, int Patience, int LrPatience, long Seed,
        long D, long C, long P, long R, bool AllGatesHardAtLock, Dictionary<NeurCamPhase, int> PhaseEpochs, List<NeurCamEpoch> History,
        List<SavedTensor> Tensors);

    /// <summary>Name, element type and shape of one stored tensor (the state dict's table of contents).</summary>
    sealed record SavedTensor(string Name, string Dtype, long[] Shape);

    /// <summary>
    /// Writes the fitted model to <paramref name="path"/>: a header (hyperparameters, architecture D/C/P/R, phase epochs,
    /// history) and the state dict (gate logits, basis MLPs, heads, centroids, selected features and pairs, the fitted
    /// standardisation μ/σ and the training labels), so that <see cref="Load"/> gives a model with the same predictions and
    /// per-feature contributions. Refuses to write NaN or infinite values. The file is written next to
    /// <paramref name="path"/> and renamed over it only when complete, so a failure leaves an existing file intact.
    /// </summary>
    public void Save(string path)
    {
        CheckFitted(nameof(Save));
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var tensors = StateDict();
        foreach (var (name, t) in tensors)
            if (t.is_floating_point() && !t.isfinite().all().item<bool>())
                throw new InvalidOperationException($"NeurCam.Save: tensor '{name}' holds {t.isfinite().logical_not().sum().item<long>()} NaN or infinite value(s); refusing to write a model that cannot predict. Refit (e.g. with a lower learning rate).");
        if (History.Any(h => !double.IsFinite(h.ClusteringLoss) || !double.IsFinite(h.Kl) || !double.IsFinite(h.LearningRate)))
            throw new InvalidOperationException("NeurCam.Save: the training history holds a NaN or infinite loss; refusing to write it.");
        var header = new SavedHeader(FileVersion, K, SingleChannels, PairChannels, Hidden, Bases, M, Epochs, BatchSize, LearningRate, WarmupRatio,
            SingleAnnealRatio, PairAnnealRatio, MinTemperature, Epsilon, KlWeight, ClusteringLossAfterWarmup, Schedule, Init, Patience, LrPatience, Seed,
            Network.D, Network.C, Network.P, Centroids.shape[1], AllGatesHardAtLock, PhaseEpochs.ToDictionary(kv => kv.Key, kv => kv.Value), History.ToList(),
            tensors.Select(t => new SavedTensor(t.Name, t.Value.dtype.ToString(), t.Value.shape)).ToList());

        AtomicFile.Write(path, tmp =>
        {
            using var fs = File.Create(tmp);
            using var w = new BinaryWriter(fs, Encoding.UTF8);
            w.Write(FileMagic);
            w.Write(FileVersion);
            w.Write(JsonSerializer.Serialize(header));
            foreach (var (_, t) in tensors) t.cpu().contiguous().Save(w);          // TorchSharp's tensor format, in the header's order
        });
    }

    /// <summary>
    /// Reads a model written by <see cref="Save"/>; it predicts the same labels and per-feature contributions as the saved
    /// one. A file that is not a NeurCam file, has another format version, or whose tensors do not match the architecture
    /// its header declares is refused with an <see cref="InvalidDataException"/> saying which.
    /// </summary>
    /// <param name="path">file written by <see cref="Save"/></param>
    /// <param name="device">device to put the model on (null: <see cref="Devices.Default"/>)</param>
    public static NeurCam Load(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No NeurCam file at '{path}'; write one with NeurCam.Save(path).", path);
        using var fs = File.OpenRead(path);
        using var r = new BinaryReader(fs, Encoding.UTF8);
        string magic;
        try { magic = r.ReadString(); } catch (Exception e) when (e is EndOfStreamException or IOException or FormatException) { magic = ""; }
        if (magic != FileMagic)
            throw new InvalidDataException($"'{path}' is not a NeurCam file (no '{FileMagic}' header): it was not written by NeurCam.Save (a TorchSharp module checkpoint or another model's file?).");
        int version = r.ReadInt32();
        if (version != FileVersion)
            throw new InvalidDataException($"'{path}' is a NeurCam file of format version {version}; this build reads version {FileVersion}. Refit and save the model with this build.");
        SavedHeader? h;
        try { h = JsonSerializer.Deserialize<SavedHeader>(r.ReadString()); }
        catch (Exception e) when (e is JsonException or EndOfStreamException)
        { throw new InvalidDataException($"'{path}': the NeurCam header is damaged ({e.Message}); save the model again.", e); }
        if (h is null) throw new InvalidDataException($"'{path}': empty NeurCam header.");

        var model = new NeurCam(h.K, h.SingleChannels, h.PairChannels, h.Hidden, h.Bases, h.M, h.Epochs, h.BatchSize, h.LearningRate, h.WarmupRatio,
            h.SingleAnnealRatio, h.PairAnnealRatio, h.MinTemperature, h.Epsilon, h.KlWeight, h.ClusteringLossAfterWarmup, h.Schedule, h.Init,
            h.Patience, h.LrPatience, h.Seed, device);
        var dev = Devices.Resolve(device);
        var net = NeurCamNetwork.Create(h.D, h.C, h.P, h.Hidden, h.Bases, h.K, new Generator(0), dev);
        model.Network = net;
        model.Centroids = zeros(h.K, h.R, device: dev);
        model.SelectedFeatures = zeros(h.C, dtype: ScalarType.Int64, device: dev);
        model.SelectedPairs = zeros(h.P, 2, dtype: ScalarType.Int64, device: dev);
        model.SingleLogitsAtLock = zeros(h.C, h.D, device: dev);
        var mean = zeros(h.D, device: dev);
        var scale = zeros(h.D, device: dev);
        model.Labels = zeros(0, dtype: ScalarType.Int64, device: dev);
        var expected = model.StateDict(mean, scale);   // the architecture the header declares, in Save's order
        var names = expected.Select(e => e.Name).ToArray();
        if (!h.Tensors.Select(t => t.Name).SequenceEqual(names))
            throw new InvalidDataException($"'{path}': its tensors [{string.Join(", ", h.Tensors.Select(t => t.Name))}] are not a NeurCam state dict [{string.Join(", ", names)}].");
        using (no_grad())
        {
            foreach (var ((name, target), saved) in expected.Zip(h.Tensors))
            {
                var t = Tensor.Load(r).to(dev);
                bool shapeOk = name == "labels" ? t.dim() == 1 : t.shape.SequenceEqual(target.shape);
                if (!shapeOk || t.dtype != target.dtype || !t.shape.SequenceEqual(saved.Shape))
                    throw new InvalidDataException($"'{path}': tensor '{name}' is {t.dtype} [{string.Join(",", t.shape)}], but the architecture in its header " +
                        $"(D = {h.D}, C = {h.C}, P = {h.P}, hidden [{string.Join(",", h.Hidden)}], {h.Bases} bases, K = {h.K}, R = {h.R}) needs {target.dtype} [{string.Join(",", target.shape)}]; the file belongs to another architecture or is damaged.");
                if (name == "labels") model.Labels = t;
                else target.copy_(t);
            }
        }
        if (fs.Position != fs.Length) throw new InvalidDataException($"'{path}': {fs.Length - fs.Position} bytes after the last tensor; the file is damaged.");
        net.SingleLogits.requires_grad_(false);
        net.PairLogits.requires_grad_(false);
        model._scaler = Standardizer.FromStatistics(mean, scale);
        model.AllGatesHardAtLock = h.AllGatesHardAtLock;
        model.PhaseEpochs = h.PhaseEpochs;
        model.History = h.History;
        model.MarkFitted(h.D);
        return model;
    }

    /// <summary>The stored tensors in file order (live references: <see cref="Load"/> copies into them).</summary>
    List<(string Name, Tensor Value)> StateDict(Tensor? mean = null, Tensor? scale = null)
    {
        var net = Network;
        var list = new List<(string, Tensor)> { ("single_logits", net.SingleLogits), ("pair_logits", net.PairLogits) };
        for (int l = 0; l < net.SingleMlp.Count; l++) { list.Add(($"single_mlp.{l}.weight", net.SingleMlp[l].W)); list.Add(($"single_mlp.{l}.bias", net.SingleMlp[l].B)); }
        for (int l = 0; l < net.PairMlp.Count; l++) { list.Add(($"pair_mlp.{l}.weight", net.PairMlp[l].W)); list.Add(($"pair_mlp.{l}.bias", net.PairMlp[l].B)); }
        list.Add(("single_heads", net.SingleHeads)); list.Add(("single_bias", net.SingleBias));
        list.Add(("pair_heads", net.PairHeads)); list.Add(("pair_bias", net.PairBias));
        list.Add(("centroids", Centroids));
        list.Add(("selected_features", SelectedFeatures));
        list.Add(("selected_pairs", SelectedPairs));
        list.Add(("single_logits_at_lock", SingleLogitsAtLock));
        list.Add(("feature_mean", mean ?? FeatureMean));
        list.Add(("feature_scale", scale ?? FeatureScale));
        list.Add(("labels", Labels));
        return list;
    }
}
