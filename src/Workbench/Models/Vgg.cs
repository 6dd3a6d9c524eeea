using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>The VGG depths of Simonyan &amp; Zisserman (2015), configurations A, B, D.</summary>
public enum VggDepth
{
    /// <summary>VGG-11 (configuration A).</summary>
    Vgg11 = 11,
    /// <summary>VGG-13 (configuration B).</summary>
    Vgg13 = 13,
    /// <summary>VGG-16 (configuration D), the network of NEON §VI.</summary>
    Vgg16 = 16,
}

/// <summary>
/// VGG in torchvision's module layout and parameter names, so torchvision's state_dicts load unchanged
/// (<c>features.0.weight</c>, …, <c>classifier.6.bias</c>; with BatchNorm also <c>features.1.running_mean</c>, …):
/// <c>features</c> (conv 3×3 → [BatchNorm] → ReLU blocks, max-pool 2×2 between blocks), <c>avgpool</c>
/// (adaptive average pool to 7×7), <c>classifier</c> (Linear 25088→4096, ReLU, Dropout, Linear 4096→4096, ReLU, Dropout,
/// Linear 4096→classes). Input: [N, 3, H, W] normalised as torchvision's ImageNet transform (see <see cref="ImageNet"/>).
/// <code>using var vgg = Vgg.Create(VggDepth.Vgg16, seed: 0);               // seeded random weights
/// PyTorchWeights.Load(vgg, "vgg16-397923af.pth");                      // or the real ones
/// var logits = vgg.call(x);</code>
/// </summary>
public sealed class Vgg : nn.Module<Tensor, Tensor>
{
    static readonly Dictionary<VggDepth, int[]> Configs = new()
    {
        [VggDepth.Vgg11] = [64, -1, 128, -1, 256, 256, -1, 512, 512, -1, 512, 512, -1],
        [VggDepth.Vgg13] = [64, 64, -1, 128, 128, -1, 256, 256, -1, 512, 512, -1, 512, 512, -1],
        [VggDepth.Vgg16] = [64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512, -1, 512, 512, 512, -1],
    };

#pragma warning disable IDE1006 // torchvision's names: the fields name the state_dict entries
    readonly Sequential features;
    readonly AdaptiveAvgPool2d avgpool;
    readonly Sequential classifier;
#pragma warning restore IDE1006

    Vgg(string name, VggDepth depth, bool batchNorm, int classes, int hidden, double dropout) : base(name)
    {
        Depth = depth; BatchNorm = batchNorm; Classes = classes;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var blocks = new List<string>();
        long channels = 3;
        foreach (var v in Configs[depth])
        {
            if (v < 0) { blocks.Add(layers.Count.ToString()); layers.Add((layers.Count.ToString(), nn.MaxPool2d(2, 2))); continue; }
            layers.Add((layers.Count.ToString(), nn.Conv2d(channels, v, 3, padding: 1)));
            if (batchNorm) layers.Add((layers.Count.ToString(), nn.BatchNorm2d(v)));
            layers.Add((layers.Count.ToString(), nn.ReLU()));
            channels = v;
        }
        BlockEnds = blocks;
        features = nn.Sequential(layers.ToArray());
        avgpool = nn.AdaptiveAvgPool2d([7, 7]);
        classifier = nn.Sequential(
            ("0", nn.Linear(512 * 7 * 7, hidden)), ("1", nn.ReLU()), ("2", nn.Dropout(dropout)),
            ("3", nn.Linear(hidden, hidden)), ("4", nn.ReLU()), ("5", nn.Dropout(dropout)),
            ("6", nn.Linear(hidden, classes)));
        RegisterComponents();
    }

    /// <summary>Builds a VGG with seeded initial weights (torchvision's init by default), in eval() mode.</summary>
    /// <param name="depth">11, 13 or 16 layers.</param>
    /// <param name="batchNorm">BatchNorm after every convolution (torchvision's <c>vgg16_bn</c>).</param>
    /// <param name="classes">Outputs of the last layer (ImageNet: 1000).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="init">torchvision's or Keras' initialisation.</param>
    /// <param name="dropout">Dropout probability in the classifier (torchvision: 0.5).</param>
    /// <param name="hidden">Width of the classifier's two hidden layers (torchvision: 4096; smaller for tests).</param>
    /// <param name="device">Device; <see cref="Devices.Default"/> when null.</param>
    public static Vgg Create(VggDepth depth = VggDepth.Vgg16, bool batchNorm = false, int classes = 1000, long seed = 0,
                             ModelInit init = ModelInit.Torch, double dropout = 0.5, int hidden = 4096, Device? device = null)
    {
        if (!Configs.ContainsKey(depth)) throw new ArgumentOutOfRangeException(nameof(depth), depth, "VGG depth must be 11, 13 or 16.");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classifier needs at least one class.");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "The classifier's hidden width must be at least 1.");
        var vgg = new Vgg($"vgg{(int)depth}{(batchNorm ? "_bn" : "")}", depth, batchNorm, classes, hidden, dropout);
        Init.Apply(vgg, init, seed);
        vgg.to(Devices.Resolve(device));
        vgg.eval();
        return vgg;
    }

    /// <summary>Builds the architecture named as torchvision names it: <c>vgg11</c>, <c>vgg13</c>, <c>vgg16</c>, with <c>_bn</c> for BatchNorm.</summary>
    public static Vgg Create(string arch, int classes = 1000, long seed = 0, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(arch);
        var a = arch.Trim().ToLowerInvariant().Replace("-", "");
        bool bn = a.EndsWith("_bn", StringComparison.Ordinal);
        if (bn) a = a[..^3];
        VggDepth? depth = a switch { "vgg11" => VggDepth.Vgg11, "vgg13" => VggDepth.Vgg13, "vgg16" => VggDepth.Vgg16, _ => null };
        if (depth is null) throw new ArgumentException($"Unknown architecture '{arch}'. Known: {string.Join(", ", Architectures)}.", nameof(arch));
        return Create(depth.Value, bn, classes, seed, device: device);
    }

    /// <summary>The architecture names <see cref="Create(string, int, long, Device?)"/> accepts.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn"];

    /// <summary>11, 13 or 16.</summary>
    public VggDepth Depth { get; }
    /// <summary>Whether a BatchNorm follows every convolution.</summary>
    public bool BatchNorm { get; }
    /// <summary>Outputs of the classifier.</summary>
    public int Classes { get; }
    /// <summary>Width of the classifier's hidden layers.</summary>
    public int Hidden => (int)((Linear)classifier.named_children().First().module).out_features;

    /// <summary>The convolutional part (<c>features.N</c>).</summary>
    public Sequential Features => features;
    /// <summary>Adaptive average pooling to 7×7.</summary>
    public AdaptiveAvgPool2d AvgPool => avgpool;
    /// <summary>The fully connected part (<c>classifier.N</c>).</summary>
    public Sequential Classifier => classifier;

    /// <summary>Indices in <see cref="Features"/> of the max-pools that end blocks 1–5 (VGG-16: 4, 9, 16, 23, 30).</summary>
    public IReadOnlyList<string> BlockEnds { get; }

    /// <summary>Logits [N, classes] of images [N, 3, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 3)
            throw new ArgumentException($"VGG takes images [N, 3, H, W]; got [{string.Join(", ", x.shape)}].", nameof(x));
        if (x.shape[2] < 32 || x.shape[3] < 32)
            throw new ArgumentException($"VGG's five 2×2 max-pools need images of at least 32×32 pixels; got {x.shape[2]}×{x.shape[3]}.", nameof(x));
        // No dispose scope here: LRP's forward hooks keep layer outputs created during this call.
        var h = features.call(x);
        h = avgpool.call(h);
        h = h.flatten(1);
        return classifier.call(h);
    }

    /// <summary>
    /// Ψ for NEON on a block: a <c>Sequential</c> of <see cref="Features"/>' layers 0 … <paramref name="layer"/> (e.g. "16", the end
    /// of block 3 in VGG-16), sharing this model's modules and torchvision's names ("0", "1", …). Dispose the VGG, not this.
    /// </summary>
    public Sequential FeatureMap(string layer)
    {
        var children = features.named_children().ToList();
        int end = children.FindIndex(c => c.name == layer);
        if (end < 0) throw new ArgumentException($"features has no layer '{layer}'; it has 0..{children.Count - 1} (block ends: {string.Join(", ", BlockEnds)}).", nameof(layer));
        return nn.Sequential(children.Take(end + 1).Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module)).ToArray());
    }

    /// <summary>Output of <see cref="Features"/> up to and including child <paramref name="layer"/> (e.g. "16", the end of block 3 in VGG-16).</summary>
    public Tensor FeaturesUpTo(Tensor x, string layer)
    {
        var names = features.named_children().Select(c => c.name).ToList();
        if (!names.Contains(layer)) throw new ArgumentException($"features has no layer '{layer}'; it has 0..{names.Count - 1}.", nameof(layer));
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var (name, m) in features.named_children())
        {
            h = ((nn.Module<Tensor, Tensor>)m).call(h);
            if (name == layer) break;
        }
        return h.MoveToOuterDisposeScope();
    }
}
