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

    /// <summary>
    /// Writes maps [K, H, W] or [K, C, H, W] (e.g. one relevance map per cluster) as one PNG: <see cref="ToRgb"/> of each (own
    /// scale), laid out left to right in rows of <paramref name="columns"/>, separated by 4 grey pixels.
    /// </summary>
    public static void SaveGridPng(string path, Tensor maps, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.dim() is not (3 or 4)) throw new ArgumentException($"A heatmap grid takes maps [K, H, W] or [K, C, H, W]; got [{string.Join(", ", maps.shape)}].", nameof(maps));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be at least 1.");
        using var scope = NewDisposeScope();
        long k = maps.shape[0], h = maps.shape[^2], w = maps.shape[^1];
        int cols = (int)Math.Min(columns, k), rows = (int)((k + cols - 1) / cols), gap = 4;
        var canvas = full(new long[] { 3, rows * (h + gap) - gap, cols * (w + gap) - gap }, 0.6f);
        for (int i = 0; i < k; i++)
        {
            long top = i / cols * (h + gap), left = i % cols * (w + gap);
            canvas.narrow(1, top, h).narrow(2, left, w).copy_(ToRgb(maps[i]));
        }
        Images.WritePng(path, canvas);
    }
}
