using System.Globalization;
using TorchSharp;
using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Weights;
using Workbench.Plotting;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>The arguments of <c>workbench explain image</c> (see <see cref="ExplainImageJob"/>).</summary>
/// <param name="Arch">vgg11, vgg13, vgg16 (with <c>_bn</c> for BatchNorm)</param>
/// <param name="Weights">a PyTorch state_dict (.pth), or <c>random:SEED</c></param>
/// <param name="Image">an image file, or null with <paramref name="Input"/></param>
/// <param name="Input">a float32 .npy [N,3,H,W] already normalised, or null with <paramref name="Image"/></param>
/// <param name="Class">the logit to explain; null: each image's top class</param>
/// <param name="Layer">with <paramref name="ClusterK"/>: explain the location clusters of this layer (e.g. <c>features.16</c>)</param>
/// <param name="ClusterK">number of location clusters at <paramref name="Layer"/></param>
/// <param name="Composite">epsilon-gamma-box, epsilon-plus or neon-vgg; null: the default for the question</param>
/// <param name="Out">the output .npy</param>
/// <param name="Png">an optional heatmap PNG</param>
/// <param name="Seed">seed of the k-means restarts</param>
public sealed record ExplainImageRequest(string Arch, string Weights, string? Image, string? Input, int? Class, string? Layer, int? ClusterK,
                                  string? Composite, string Out, string? Png, long Seed);

/// <summary>
/// <c>workbench explain image</c> as a library call: checks the arguments, loads the model and the input, explains
/// (LRP of a logit, or NEON on per-image k-means of a layer's unit-normalised location vectors, Fig. 7), writes the outputs.
/// </summary>
public static partial class ExplainImageJob
{
    /// <summary>The composites a request may name.</summary>
    public static readonly string[] CompositeNames = ["epsilon-gamma-box", "epsilon-plus", "neon-vgg"];

    /// <summary>Runs the request; returns the line to print. Bad input raises <see cref="InputException"/> before anything is written.</summary>
    public static string Run(ExplainImageRequest r)
    {
        // Arguments first: nothing heavy is loaded before they are known to be consistent.
        if (!Vgg.Architectures.Contains(r.Arch.Trim().ToLowerInvariant()))
            throw new InputException($"--arch '{r.Arch}' is not known; use one of {string.Join(", ", Vgg.Architectures)}.");
        if ((r.Image is null) == (r.Input is null))
            throw new InputException("Give exactly one of --image (a photo) or --input (a normalised float32 .npy array [N, 3, H, W]).");
        if (r.Class is not null && r.Layer is not null)
            throw new InputException("--class explains a logit and --layer a cluster assignment; give one of them.");
        if ((r.Layer is null) != (r.ClusterK is null))
            throw new InputException("--layer and --cluster-k go together: e.g. --layer features.16 --cluster-k 8.");
        if (r.ClusterK is < 2) throw new InputException($"--cluster-k must be at least 2 (NEON explains a cluster against its competitors); got {r.ClusterK}.");
        var composite = (r.Composite ?? (r.Layer is null ? "epsilon-gamma-box" : "neon-vgg")).Trim().ToLowerInvariant();
        if (!CompositeNames.Contains(composite))
            throw new InputException($"--composite '{r.Composite}' is not known; use one of {string.Join(", ", CompositeNames)}.");
        if (r.Image is not null && !File.Exists(r.Image)) throw new InputException($"--image '{r.Image}' does not exist.");
        if (r.Input is not null && !File.Exists(r.Input)) throw new InputException($"--input '{r.Input}' does not exist.");
        long? randomSeed = RandomSeed(r.Weights);
        if (randomSeed is null && !File.Exists(r.Weights))
            throw new InputException($"--weights '{r.Weights}' does not exist. Give a PyTorch state_dict (.pth) for {r.Arch}, or 'random:SEED' for seeded random weights.");

        using var scope = NewDisposeScope();
        var x = LoadInput(r);
        using var model = LoadModel(r, randomSeed);
        if (r.Class is int c && (c < 0 || c >= model.Classes))
            throw new InputException($"--class {c} is out of range: {r.Arch} with these weights has {model.Classes} classes (0…{model.Classes - 1}).");
        string? layerIndex = null;
        if (r.Layer is not null)
        {
            var names = model.Features.named_children().Select(n => n.name).ToList();
            var l = r.Layer.StartsWith("features.", StringComparison.Ordinal) ? r.Layer["features.".Length..] : null;
            if (l is null || !names.Contains(l))
                throw new InputException($"--layer '{r.Layer}' is not a layer of {r.Arch}'s features; use features.0 … features.{names.Count - 1} (block ends: {string.Join(", ", model.BlockEnds.Select(b => "features." + b))}).");
            layerIndex = l;
        }

        var (relevance, what) = Explain(model, x, r, composite, layerIndex);
        long[] expected = layerIndex is null ? x.shape : [r.ClusterK!.Value, x.shape[1], x.shape[2], x.shape[3]];
        if (relevance.shape.SequenceEqual(expected) is false)
            throw new InvalidOperationException($"The relevance has shape [{string.Join(", ", relevance.shape)}], not [{string.Join(", ", expected)}].");
        Npy.Write(r.Out, relevance);
        if (r.Png is not null)
        {
            if (layerIndex is null) Heatmaps.SavePng(r.Png, relevance[0]);
            else Heatmaps.SaveGridPng(r.Png, relevance);
        }
        return $"explain image: {r.Arch}, {(randomSeed is null ? r.Weights : $"random weights (seed {randomSeed})")}, input [{string.Join(", ", x.shape)}], " +
               $"{what}, composite {composite}; wrote {r.Out}{(r.Png is null ? "" : " and " + r.Png)}.";
    }

    static long? RandomSeed(string weights)
    {
        var w = weights.Trim();
        if (w.Equals("random", StringComparison.OrdinalIgnoreCase)) return 0;
        if (w.StartsWith("random:", StringComparison.OrdinalIgnoreCase))
        {
            if (long.TryParse(w["random:".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) return s;
            throw new InputException($"--weights '{weights}': write random:SEED with an integer seed, e.g. random:0.");
        }
        return null;
    }

    static Tensor LoadInput(ExplainImageRequest r)
    {
        if (r.Image is not null)
        {
            try { return ImageNet.Load(r.Image, device: CPU); }
            catch (InvalidDataException e) { throw new InputException($"--image: {e.Message}"); }
        }
        Tensor x;
        try { x = Npy.Read(r.Input!); }
        catch (InvalidDataException e) { throw new InputException($"--input: {e.Message}"); }
        if (x.dtype != ScalarType.Float32)
            throw new InputException($"--input '{r.Input}' holds {x.dtype}; it must be float32 (x.astype('float32')), already normalised like ImageNet inputs.");
        if (x.dim() == 3) x = x.unsqueeze(0);
        if (x.dim() != 4 || x.shape[1] != 3)
            throw new InputException($"--input '{r.Input}' has shape [{string.Join(", ", x.shape)}]; it must be [N, 3, H, W] (or [3, H, W]) in NCHW order.");
        if (x.shape[2] < 32 || x.shape[3] < 32)
            throw new InputException($"--input '{r.Input}' images are {x.shape[2]}×{x.shape[3]}; VGG's five max-pools need at least 32×32.");
        if (!x.isfinite().all().item<bool>()) throw new InputException($"--input '{r.Input}' holds NaN or infinite values.");
        return x;
    }

    static Vgg LoadModel(ExplainImageRequest r, long? randomSeed)
    {
        if (randomSeed is long s) return Vgg.Create(r.Arch, seed: s, device: CPU);
        IReadOnlyDictionary<string, Tensor> state;
        try { state = PyTorchWeights.Read(r.Weights); }
        catch (InvalidDataException e) { throw new InputException($"--weights: {e.Message}"); }
        try
        {
            // The class count is the file's: torchvision's ImageNet weights have 1000, a fine-tuned model may have fewer.
            int classes = state.TryGetValue("classifier.6.weight", out var last) ? (int)last.shape[0] : 1000;
            var vgg = Vgg.Create(r.Arch, classes: classes, device: CPU);
            try { PyTorchWeights.Load(vgg, state, strict: true, source: $"'{r.Weights}'"); }
            catch (ArgumentException e) { vgg.Dispose(); throw new InputException($"--weights do not fit --arch {r.Arch}: {e.Message}"); }
            return vgg;
        }
        finally { foreach (var t in state.Values) t.Dispose(); }
    }
}
