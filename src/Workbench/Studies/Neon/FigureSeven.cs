using Workbench.Compute;
using Workbench.Datasets;
using Workbench.IO;
using Workbench.Models;
using Workbench.Models.Weights;
using static TorchSharp.torch;

namespace Workbench.Studies.Neon;

/// <summary>
/// The inputs of NEON Fig. 7 (§VI) on these machines: a generated spiral image, scikit-image's sample photos (catalog entry
/// <c>skimage-photos</c>, fetched into the dataset cache, never copied into the repository), and VGG-16 with the user's
/// torchvision weights when <c>WORKBENCH_VGG16</c> names the file, seeded random weights otherwise.
/// </summary>
public static class FigureSeven
{
    /// <summary>The environment variable naming torchvision's <c>vgg16-397923af.pth</c>.</summary>
    public const string WeightsVariable = "WORKBENCH_VGG16";

    /// <summary>The catalog entry holding the sample photos (<c>datasets/catalog.json</c>; fetched into the dataset cache on first use).</summary>
    public const string PhotosDataset = "skimage-photos";

    /// <summary>A folder to read the photos from instead of the dataset cache (<c>WORKBENCH_SKIMAGE_DATA</c>), or null.</summary>
    public static string? SkimageData =>
        Environment.GetEnvironmentVariable("WORKBENCH_SKIMAGE_DATA") is { Length: > 0 } d ? d : null;

    /// <summary>
    /// VGG-16 in eval mode: torchvision's weights from <c>WORKBENCH_VGG16</c> when set, else seeded random weights (torchvision's
    /// initialisation). <c>Weights</c> says which, for the notebook to print.
    /// </summary>
    public static (Vgg Model, string Weights) Vgg16(long seed = 0, Device? device = null)
    {
        var path = Environment.GetEnvironmentVariable(WeightsVariable);
        var vgg = Vgg.Create(VggDepth.Vgg16, seed: seed, device: device);
        if (string.IsNullOrWhiteSpace(path)) return (vgg, $"seeded random weights (seed {seed}; set {WeightsVariable}=/path/vgg16-397923af.pth for torchvision's ImageNet weights)");
        if (!File.Exists(path)) { vgg.Dispose(); throw new FileNotFoundException($"{WeightsVariable} names '{path}', which does not exist. Point it to torchvision's vgg16-397923af.pth or unset it for random weights.", path); }
        PyTorchWeights.Load(vgg, path);
        return (vgg, $"torchvision ImageNet weights from {path}");
    }

    /// <summary>
    /// A scikit-image sample photo (<c>chelsea</c>, <c>coffee</c> or <c>astronaut</c>) as RGB [3,H,W] in [0,1]: from the
    /// catalog's <see cref="PhotosDataset"/> (fetched once into the dataset cache from scikit-image's repository or Debian's
    /// <c>python3-skimage</c>, SHA-256 checked; never copied into the repository), or from <c>WORKBENCH_SKIMAGE_DATA</c> when set.
    /// </summary>
    public static Tensor Photo(string name)
    {
        string path;
        if (SkimageData is { } folder)
        {
            path = Path.Combine(folder, name + ".png");
            if (!File.Exists(path))
                throw new FileNotFoundException($"scikit-image's sample photo '{name}' is not at {path} (WORKBENCH_SKIMAGE_DATA names {folder}). " +
                                                $"Put {name}.png there, or unset WORKBENCH_SKIMAGE_DATA to use the dataset cache's copy.", path);
        }
        else
        {
            var info = DatasetCatalog.Get(PhotosDataset);
            if (!info.Files.Any(f => f.Name == name + ".png"))
                throw new ArgumentException($"'{name}' is not one of the sample photos of '{PhotosDataset}' ({string.Join(", ", info.Files.Select(f => Path.GetFileNameWithoutExtension(f.Name)))}); " +
                                            "set WORKBENCH_SKIMAGE_DATA to a folder holding other skimage data/*.png files.", nameof(name));
            Datasets.Datasets.EnsureCached(info);
            path = DatasetCache.PathFor(info, name + ".png");
        }
        return Images.Read(path);
    }

    /// <summary>
    /// A generated spiral, RGB [3,size,size] in [0,1]: two interleaved arms of an Archimedean spiral (red and blue, each
    /// <paramref name="turns"/> turns) on a pale textured background, with seeded pixel noise. Deterministic for a seed.
    /// </summary>
    public static Tensor Spiral(int size = 224, double turns = 3, long seed = 0)
    {
        if (size < 32) throw new ArgumentOutOfRangeException(nameof(size), size, "The spiral needs at least 32×32 pixels (VGG's five max-pools).");
        if (!(turns > 0)) throw new ArgumentOutOfRangeException(nameof(turns), turns, "The spiral needs a positive number of turns.");
        using var scope = NewDisposeScope();
        var g = Seeds.Generator(seed);
        var t = linspace(-1, 1, size, dtype: ScalarType.Float64);
        var yy = t.unsqueeze(1).expand(size, size); var xx = t.unsqueeze(0).expand(size, size);
        var r = (xx * xx + yy * yy).sqrt();
        var phi = atan2(yy, xx);                                                  // (−π, π]
        // arm phase: r grows by 1/turns per revolution; two arms half a revolution apart
        var u = r * turns - phi / (2 * Math.PI);
        var frac = u - u.floor();                                                 // in [0, 1)
        var inside = r.lt(0.95);
        var arm1 = frac.sub(0.25).abs().lt(0.11).logical_and(inside);
        var arm2 = frac.sub(0.75).abs().lt(0.11).logical_and(inside);
        var background = stack(new[] { full_like(r, 0.93), full_like(r, 0.90), full_like(r, 0.80) });
        var stripes = (0.04 * (xx * 40).sin() * (yy * 40).sin()).unsqueeze(0);    // texture
        var img = background + stripes;
        var red = tensor(new[] { 0.85, 0.15, 0.10 }).reshape(3, 1, 1).expand(3, size, size);
        var blue = tensor(new[] { 0.10, 0.25, 0.80 }).reshape(3, 1, 1).expand(3, size, size);
        img = where(arm1.unsqueeze(0), red, img);
        img = where(arm2.unsqueeze(0), blue, img);
        img = img + 0.03 * randn(new long[] { 3, size, size }, dtype: ScalarType.Float64, generator: g);
        return img.clamp(0, 1).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>An RGB image [3,H,W] in [0,1] as VGG input: resized to <paramref name="size"/>×<paramref name="size"/> (shorter side, centre crop), ImageNet-normalised, [1,3,size,size].</summary>
    public static Tensor Input(Tensor rgb, int size, Device? device = null) => ImageNet.Preprocess(rgb, resize: size, crop: size, device: device);
}
