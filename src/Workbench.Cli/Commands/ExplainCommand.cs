using System.CommandLine;
using Workbench.Jobs;
using Workbench.Models;

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
            stdout.WriteLine(ExplainImageJob.Run(req));
            return 0;
        });
        return command;
    }
}
