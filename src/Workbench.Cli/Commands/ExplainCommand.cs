using System.CommandLine;
using System.Globalization;
using TorchSharp;
using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Weights;
using Workbench.Plotting;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench explain image</c>: relevance of every input pixel of a VGG for a class logit (LRP) or for the image's own
/// cluster assignment at a layer (NEON on per-image k-means of the layer's unit-normalised location vectors), written as
/// an .npy array with the input's shape and optionally a heatmap PNG.
/// </summary>
static class ExplainCommand
{
    public static Command Create()
    {
        var explain = new Command("explain", "Explain a network's decision on your own input.");
        explain.Subcommands.Add(Image());
        return explain;
    }

    static Command Image()
    {
        var arch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Vgg.Architectures)}.", Required = true };
        var weights = new Option<string>("--weights") { Description = "A PyTorch state_dict (.pth) for the architecture, e.g. torchvision's vgg16-397923af.pth; 'random:SEED' for seeded random weights.", Required = true };
        var image = new Option<string?>("--image") { Description = "An image file (JPEG, PNG, …); resized and normalised as torchvision's ImageNet models expect." };
        var input = new Option<string?>("--input") { Description = "A float32 .npy array [N, 3, H, W] already normalised (instead of --image)." };
        var cls = new Option<int?>("--class") { Description = "Explain this logit (0-based); default: each image's top class." };
        var layer = new Option<string?>("--layer") { Description = "Explain the cluster assignment of the location vectors at this layer, e.g. features.16 (with --cluster-k)." };
        var k = new Option<int?>("--cluster-k") { Description = "Number of k-means clusters of the location vectors at --layer (NEON Fig. 7 uses 8)." };
        var composite = new Option<string?>("--composite") { Description = "epsilon-gamma-box (default for --class), epsilon-plus, or neon-vgg (default for --layer)." };
        var output = new Option<string>("--out") { Description = "Output .npy: the input relevance, with the input's shape; with --layer/--cluster-k float32 [K, 3, H, W], one relevance map per cluster (cluster c's evidence f_c explained to the pixels).", Required = true };
        var png = new Option<string?>("--png") { Description = "Also write a heatmap PNG (the first image's relevance summed over colour channels; with --cluster-k a grid of the K cluster maps, 4 per row)." };
        var seed = new Option<long>("--seed") { Description = "Seed of the k-means restarts (with --layer).", DefaultValueFactory = _ => 0 };
        var command = new Command("image", "LRP / NEON heatmaps of a VGG for an image.");
        foreach (var o in new Option[] { arch, weights, image, input, cls, layer, k, composite, output, png, seed }) command.Options.Add(o);
        command.SetAction(pr =>
        {
            var stdout = pr.InvocationConfiguration.Output;
            var req = new ExplainImageRequest(pr.GetValue(arch)!, pr.GetValue(weights)!, pr.GetValue(image), pr.GetValue(input),
                                              pr.GetValue(cls), pr.GetValue(layer), pr.GetValue(k), pr.GetValue(composite),
                                              pr.GetValue(output)!, pr.GetValue(png), pr.GetValue(seed));
            return ExplainImage.Run(req, stdout);
        });
        return command;
    }
}

/// <summary>The arguments of <c>workbench explain image</c>.</summary>
sealed record ExplainImageRequest(string Arch, string Weights, string? Image, string? Input, int? Class, string? Layer, int? ClusterK,
                                  string? Composite, string Out, string? Png, long Seed);

/// <summary>Checks the arguments, loads the model and the input, explains, writes the outputs.</summary>
static partial class ExplainImage
{
    public static readonly string[] CompositeNames = ["epsilon-gamma-box", "epsilon-plus", "neon-vgg"];

    public static int Run(ExplainImageRequest r, TextWriter stdout)
    {
        // Arguments first: nothing heavy is loaded before they are known to be consistent.
        if (!Vgg.Architectures.Contains(r.Arch.Trim().ToLowerInvariant()))
            throw new Workbench.Jobs.InputException($"--arch '{r.Arch}' is not known; use one of {string.Join(", ", Vgg.Architectures)}.");
        if ((r.Image is null) == (r.Input is null))
            throw new Workbench.Jobs.InputException("Give exactly one of --image (a photo) or --input (a normalised float32 .npy array [N, 3, H, W]).");
        if (r.Class is not null && r.Layer is not null)
            throw new Workbench.Jobs.InputException("--class explains a logit and --layer a cluster assignment; give one of them.");
        if ((r.Layer is null) != (r.ClusterK is null))
            throw new Workbench.Jobs.InputException("--layer and --cluster-k go together: e.g. --layer features.16 --cluster-k 8.");
        if (r.ClusterK is < 2) throw new Workbench.Jobs.InputException($"--cluster-k must be at least 2 (NEON explains a cluster against its competitors); got {r.ClusterK}.");
        var composite = (r.Composite ?? (r.Layer is null ? "epsilon-gamma-box" : "neon-vgg")).Trim().ToLowerInvariant();
        if (!CompositeNames.Contains(composite))
            throw new Workbench.Jobs.InputException($"--composite '{r.Composite}' is not known; use one of {string.Join(", ", CompositeNames)}.");
        if (r.Image is not null && !File.Exists(r.Image)) throw new Workbench.Jobs.InputException($"--image '{r.Image}' does not exist.");
        if (r.Input is not null && !File.Exists(r.Input)) throw new Workbench.Jobs.InputException($"--input '{r.Input}' does not exist.");
        long? randomSeed = RandomSeed(r.Weights);
        if (randomSeed is null && !File.Exists(r.Weights))
            throw new Workbench.Jobs.InputException($"--weights '{r.Weights}' does not exist. Give a PyTorch state_dict (.pth) for {r.Arch}, or 'random:SEED' for seeded random weights.");

        using var scope = NewDisposeScope();
        var x = LoadInput(r);
        using var model = LoadModel(r, randomSeed);
        if (r.Class is int c && (c < 0 || c >= model.Classes))
            throw new Workbench.Jobs.InputException($"--class {c} is out of range: {r.Arch} with these weights has {model.Classes} classes (0…{model.Classes - 1}).");
        string? layerIndex = null;
        if (r.Layer is not null)
        {
            var names = model.Features.named_children().Select(n => n.name).ToList();
            var l = r.Layer.StartsWith("features.", StringComparison.Ordinal) ? r.Layer["features.".Length..] : null;
            if (l is null || !names.Contains(l))
                throw new Workbench.Jobs.InputException($"--layer '{r.Layer}' is not a layer of {r.Arch}'s features; use features.0 … features.{names.Count - 1} (block ends: {string.Join(", ", model.BlockEnds.Select(b => "features." + b))}).");
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
        stdout.WriteLine($"explain image: {r.Arch}, {(randomSeed is null ? r.Weights : $"random weights (seed {randomSeed})")}, input [{string.Join(", ", x.shape)}], " +
                         $"{what}, composite {composite}; wrote {r.Out}{(r.Png is null ? "" : " and " + r.Png)}.");
        return 0;
    }

    static long? RandomSeed(string weights)
    {
        var w = weights.Trim();
        if (w.Equals("random", StringComparison.OrdinalIgnoreCase)) return 0;
        if (w.StartsWith("random:", StringComparison.OrdinalIgnoreCase))
        {
            if (long.TryParse(w["random:".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) return s;
            throw new Workbench.Jobs.InputException($"--weights '{weights}': write random:SEED with an integer seed, e.g. random:0.");
        }
        return null;
    }

    static Tensor LoadInput(ExplainImageRequest r)
    {
        if (r.Image is not null)
        {
            try { return ImageNet.Load(r.Image, device: CPU); }
            catch (InvalidDataException e) { throw new Workbench.Jobs.InputException($"--image: {e.Message}"); }
        }
        Tensor x;
        try { x = Npy.Read(r.Input!); }
        catch (InvalidDataException e) { throw new Workbench.Jobs.InputException($"--input: {e.Message}"); }
        if (x.dtype != ScalarType.Float32)
            throw new Workbench.Jobs.InputException($"--input '{r.Input}' holds {x.dtype}; it must be float32 (x.astype('float32')), already normalised like ImageNet inputs.");
        if (x.dim() == 3) x = x.unsqueeze(0);
        if (x.dim() != 4 || x.shape[1] != 3)
            throw new Workbench.Jobs.InputException($"--input '{r.Input}' has shape [{string.Join(", ", x.shape)}]; it must be [N, 3, H, W] (or [3, H, W]) in NCHW order.");
        if (x.shape[2] < 32 || x.shape[3] < 32)
            throw new Workbench.Jobs.InputException($"--input '{r.Input}' images are {x.shape[2]}×{x.shape[3]}; VGG's five max-pools need at least 32×32.");
        if (!x.isfinite().all().item<bool>()) throw new Workbench.Jobs.InputException($"--input '{r.Input}' holds NaN or infinite values.");
        return x;
    }

    static Vgg LoadModel(ExplainImageRequest r, long? randomSeed)
    {
        if (randomSeed is long s) return Vgg.Create(r.Arch, seed: s, device: CPU);
        IReadOnlyDictionary<string, Tensor> state;
        try { state = PyTorchWeights.Read(r.Weights); }
        catch (InvalidDataException e) { throw new Workbench.Jobs.InputException($"--weights: {e.Message}"); }
        try
        {
            // The class count is the file's: torchvision's ImageNet weights have 1000, a fine-tuned model may have fewer.
            int classes = state.TryGetValue("classifier.6.weight", out var last) ? (int)last.shape[0] : 1000;
            var vgg = Vgg.Create(r.Arch, classes: classes, device: CPU);
            try { PyTorchWeights.Load(vgg, state, strict: true, source: $"'{r.Weights}'"); }
            catch (ArgumentException e) { vgg.Dispose(); throw new Workbench.Jobs.InputException($"--weights do not fit --arch {r.Arch}: {e.Message}"); }
            return vgg;
        }
        finally { foreach (var t in state.Values) t.Dispose(); }
    }
}
