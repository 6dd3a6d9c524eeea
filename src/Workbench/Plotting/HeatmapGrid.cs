using Plotly.NET;
using static TorchSharp.torch;

namespace Workbench.Plotting;

/// <summary>
/// A grid of relevance heatmaps: one row per image, the image itself in the first column and one heatmap per method in the
/// others (e.g. LRP rules side by side). Each heatmap is divided by its own max |R|, so the colours compare shapes, not scales.
/// </summary>
public static class HeatmapGrid
{
    /// <summary>
    /// <paramref name="images"/> [R,H,W] (or [R,1,H,W]) and <paramref name="heats"/> [R,C,H,W]; <paramref name="columns"/> names
    /// the C methods, <paramref name="rows"/> the R images; <paramref name="xTitle"/>/<paramref name="yTitle"/> title the axes.
    /// </summary>
    public static GenericChart Chart(Tensor images, Tensor heats, IReadOnlyList<string> columns, IReadOnlyList<string> rows,
        string title = "", string colorscale = "RdBu_r", int tilePixels = 110, string xTitle = "input and rule", string yTitle = "image")
    {
        if (images.dim() == 4) images = images.squeeze(1);
        if (images.dim() != 3 || heats.dim() != 4)
            throw new ArgumentException($"images must be [R,H,W] and heats [R,C,H,W]; got [{string.Join(",", images.shape)}] and [{string.Join(",", heats.shape)}].");
        long r = heats.shape[0], c = heats.shape[1], h = heats.shape[2], w = heats.shape[3];
        if (images.shape[0] != r || images.shape[1] != h || images.shape[2] != w)
            throw new ArgumentException("images and heats must have the same number of rows and the same image size.");
        if (columns.Count != c || rows.Count != r)
            throw new ArgumentException($"give {c} column names and {r} row names; got {columns.Count} and {rows.Count}.");
        var img = images.to(float64).cpu(); var ht = heats.to(float64).cpu();
        var scale = ht.abs().flatten(2).amax(new long[] { 2 }).clamp(min: 1e-300);   // [R,C]
        ht = ht / scale.unsqueeze(-1).unsqueeze(-1);
        int gap = 2;
        long width = (c + 1) * (w + gap), height = r * (h + gap);
        var zi = new double?[height][]; var zh = new double?[height][];
        for (int y = 0; y < height; y++) { zi[y] = new double?[width]; zh[y] = new double?[width]; }
        var iv = img.data<double>().ToArray(); var hv = ht.data<double>().ToArray();
        for (long a = 0; a < r; a++)
            for (long yy = 0; yy < h; yy++)
            {
                long row = a * (h + gap) + yy;
                for (long xx = 0; xx < w; xx++) zi[row][xx] = iv[(a * h + yy) * w + xx];
                for (long b = 0; b < c; b++)
                    for (long xx = 0; xx < w; xx++)
                        zh[row][(b + 1) * (w + gap) + xx] = hv[((a * c + b) * h + yy) * w + xx];
            }
        var traces = new[]
        {
            Figure.Trace("heatmap", ("z", zi), ("colorscale", "Greys"), ("reversescale", true), ("showscale", false), ("name", "image"), ("hoverongaps", false)),
            Figure.Trace("heatmap", ("z", zh), ("colorscale", colorscale), ("zmin", -1.0), ("zmax", 1.0), ("zmid", 0.0), ("name", "relevance"),
                ("hoverongaps", false), ("colorbar", new { title = new { text = "R / max|R|" } })),
        };
        var xt = Enumerable.Range(0, (int)c + 1).Select(i => i * (w + gap) + w / 2.0).ToArray();
        var yt = Enumerable.Range(0, (int)r).Select(i => i * (h + gap) + h / 2.0).ToArray();
        return Figure.Chart(traces, title, "", "", (int)(tilePixels * (c + 1) + 200), (int)(tilePixels * r + 140),
            xaxis: new { title = new { text = xTitle }, tickvals = xt, ticktext = new[] { "input" }.Concat(columns).ToArray(), showgrid = false, zeroline = false },
            yaxis: new { title = new { text = yTitle }, tickvals = yt, ticktext = rows.ToArray(), autorange = "reversed", scaleanchor = "x", showgrid = false, zeroline = false, automargin = true });
    }
}
