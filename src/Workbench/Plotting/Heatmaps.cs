using Workbench.IO;
using static TorchSharp.torch;

namespace Workbench.Plotting;

/// <summary>Relevance maps as images: a diverging blue–white–red colour map, symmetric around 0 (red = positive relevance).</summary>
public static class Heatmaps
{
    /// <summary>
    /// Colours a relevance map [H, W] (or [C, H, W], summed over channels) as RGB [3, H, W] in [0, 1]: white at 0, red at
    /// +max|R|, blue at −max|R|. An all-zero map is white.
    /// </summary>
    public static Tensor ToRgb(Tensor relevance)
    {
        ArgumentNullException.ThrowIfNull(relevance);
        using var scope = NewDisposeScope();
        var r = relevance.detach().cpu().to(ScalarType.Float32);
        if (r.dim() == 4 && r.shape[0] == 1) r = r[0];
        if (r.dim() == 3) r = r.sum([0L]);
        if (r.dim() != 2) throw new ArgumentException($"A heatmap takes relevance [H, W] or [C, H, W]; got [{string.Join(", ", relevance.shape)}].", nameof(relevance));
        if (!r.isfinite().all().item<bool>()) throw new ArgumentException("The relevance map holds NaN or infinite values.", nameof(relevance));
        var scale = r.abs().max().clamp_min(1e-12f);
        var v = (r / scale).clamp(-1, 1);                 // in [−1, 1]
        var pos = v.clamp_min(0); var neg = (-v).clamp_min(0);
        var red = 1 - neg; var green = 1 - pos - neg; var blue = 1 - pos;
        return stack([red, green, blue]).MoveToOuterDisposeScope();
    }

    /// <summary>Writes <see cref="ToRgb"/> of <paramref name="relevance"/> as a PNG file.</summary>
    public static void SavePng(string path, Tensor relevance)
    {
        using var rgb = ToRgb(relevance);
        Images.WritePng(path, rgb);
    }
}
