using Plotly.NET;
using TorchSharp;

namespace Workbench.Plotting;

/// <summary>
/// The charts the notebooks share, on Plotly.NET: points coloured by cluster, a function over a 2-D domain,
/// relevance bars per feature, an image with a heatmap overlay; and <see cref="SavePng"/> to look at them.
/// </summary>
public static partial class Plots
{
    /// <summary>Qualitative colours (Plotly's D3 palette) for clusters.</summary>
    public static readonly string[] Palette =
        { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };

    /// <summary>The colour of cluster <paramref name="cluster"/> in every chart (points, regions, bars).</summary>
    public static string ClusterColor(long cluster) => Palette[(int)(((cluster % Palette.Length) + Palette.Length) % Palette.Length)];

    /// <summary><see cref="ClusterColor"/> mixed with white (<paramref name="amount"/> = 0 the colour, 1 white), for filled regions.</summary>
    public static string Tint(string hex, double amount = 0.65)
    {
        int r = Convert.ToInt32(hex.Substring(1, 2), 16), g = Convert.ToInt32(hex.Substring(3, 2), 16), b = Convert.ToInt32(hex.Substring(5, 2), 16);
        int Mix(int v) => (int)Math.Round(v + (255 - v) * amount);
        return $"#{Mix(r):x2}{Mix(g):x2}{Mix(b):x2}";
    }

    /// <summary>2-D points coloured by cluster label (one trace per cluster). <paramref name="points"/> is N×2.</summary>
    public static GenericChart Clusters(torch.Tensor points, torch.Tensor labels, string title = "", string[]? axisNames = null, double markerSize = 7)
    {
        var (x, y) = Columns2(points, nameof(points));
        var lab = ToLongs(labels, nameof(labels));
        if (lab.Length != x.Length) throw new ArgumentException($"labels has {lab.Length} entries but points has {x.Length} rows; give one label per point.");
        var traces = lab.Distinct().OrderBy(c => c).Select(c =>
        {
            var idx = Enumerable.Range(0, lab.Length).Where(i => lab[i] == c).ToArray();
            return Figure.Trace("scatter", ("x", idx.Select(i => x[i]).ToArray()), ("y", idx.Select(i => y[i]).ToArray()),
                ("mode", "markers"), ("name", $"cluster {c}"), ("marker", new { color = ClusterColor(c), size = markerSize }));
        });
        return Figure.Chart(traces, title, axisNames?.ElementAtOrDefault(0) ?? "x₁", axisNames?.ElementAtOrDefault(1) ?? "x₂");
    }

    /// <summary>Marks (e.g. centroids or support vectors), to combine with other charts via <see cref="Combine"/>.</summary>
    public static GenericChart Marks(torch.Tensor points, string name = "centroids", string symbol = "x", double size = 12, string color = "black")
    {
        var (x, y) = Columns2(points, nameof(points));
        return Figure.Chart(new[] { Figure.Trace("scatter", ("x", x), ("y", y), ("mode", "markers"), ("name", name),
            ("marker", new { color, size, symbol, line = new { width = 1, color = "white" } })) });
    }

    /// <summary>
    /// Overlays charts: the traces of all, the layout (title, axis titles, size) of the first. (Plotly.NET's own
    /// <c>combine</c> merges layouts, so a later chart's empty axis title would erase the first one's.)
    /// </summary>
    public static GenericChart Combine(params GenericChart[] charts)
    {
        if (charts.Length == 0) throw new ArgumentException("Combine needs at least one chart.");
        // combine merges the layouts into the first chart's layout object in place, so copy it before.
        var layout = new Layout();
        GenericChart.getLayout(charts[0]).ShallowCopyDynamicPropertiesTo(layout, Microsoft.FSharp.Core.FSharpOption<bool>.Some(true));
        return GenericChart.setLayout(layout, GenericChart.combine(charts));
    }

    /// <summary>
    /// A function over a 2-D box as a filled contour (<paramref name="heatmap"/> = false) or heatmap, with its zero level drawn.
    /// <paramref name="f"/> maps an M×2 batch of points (float64) to M values; the grid has <paramref name="resolution"/>² points.
    /// </summary>
    public static GenericChart Function2D(Func<torch.Tensor, torch.Tensor> f, (double Min, double Max) x1, (double Min, double Max) x2,
        int resolution = 100, string title = "", string name = "f", bool heatmap = false, bool showZeroLine = true, string colorscale = "RdBu",
        string xTitle = "x₁", string yTitle = "x₂")
    {
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), "resolution must be at least 2.");
        double[][] z; double[] xs, ys;
        using (var scope = torch.NewDisposeScope())
        {
            var grid = Grid.Over(x1, x2, resolution);
            var values = f(grid.Points).to(torch.float64).cpu().reshape(resolution, resolution);
            z = ToMatrix(values, "f(grid)");
            (xs, ys) = (grid.X, grid.Y);
        }
        double m = z.SelectMany(r => r).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
        var traces = new List<Plotly.NET.Trace>
        {
            Figure.Trace(heatmap ? "heatmap" : "contour", ("z", z), ("x", xs), ("y", ys), ("name", name), ("colorscale", colorscale),
                ("zmin", -m), ("zmax", m), ("zmid", 0.0), ("ncontours", 20), ("colorbar", new { title = new { text = name } })),
        };
        if (showZeroLine)
            traces.Add(Figure.Trace("contour", ("z", z), ("x", xs), ("y", ys), ("name", $"{name} = 0"), ("showscale", false), ("hoverinfo", "skip"),
                ("contours", new { coloring = "none", start = 0.0, end = 0.0, size = 1.0, showlines = true }), ("line", new { color = "black", width = 2 })));
        return Figure.Chart(traces, title, xTitle, yTitle);
    }

    /// <summary>Relevance (or importance) per feature as horizontal bars, positive red and negative blue, first feature on top.</summary>
    public static GenericChart RelevanceBars(IReadOnlyList<string> features, IReadOnlyList<double> relevance, string title = "", string valueName = "relevance")
    {
        if (features.Count != relevance.Count)
            throw new ArgumentException($"{features.Count} feature names but {relevance.Count} relevance values; give one value per feature.");
        var trace = Figure.Trace("bar", ("x", relevance.ToArray()), ("y", features.ToArray()), ("orientation", "h"), ("name", valueName),
            ("marker", new { color = relevance.Select(r => r >= 0 ? "#d62728" : "#1f77b4").ToArray() }));
        return Figure.Chart(new[] { trace }, title, valueName, "feature", height: Math.Max(300, 26 * features.Count + 120),
            yaxis: new { title = new { text = "feature", standoff = 12 }, autorange = "reversed", automargin = true });
    }

    /// <summary>A grey-scale image (H×W, or 1×H×W) with a heatmap (H×W) drawn over it, like relevance or Grad-CeAM maps.</summary>
    public static GenericChart ImageHeatmap(torch.Tensor image, torch.Tensor heat, string title = "", double opacity = 0.6, string colorscale = "RdBu", bool symmetric = true)
    {
        var img = ToMatrix(image.dim() == 3 ? image[0] : image, nameof(image));
        var h = ToMatrix(heat, nameof(heat));
        if (img.Length != h.Length || img[0].Length != h[0].Length)
            throw new ArgumentException($"image is {img.Length}×{img[0].Length} but heat is {h.Length}×{h[0].Length}; they must have the same size.");
        double m = h.SelectMany(r => r).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
        var traces = new[]
        {
            Figure.Trace("heatmap", ("z", img), ("colorscale", "Greys"), ("reversescale", true), ("showscale", false), ("name", "image")),
            Figure.Trace("heatmap", ("z", h), ("colorscale", colorscale), ("opacity", opacity), ("name", "heat"),
                ("zmin", symmetric ? -m : h.SelectMany(r => r).Min()), ("zmax", m)),
        };
        int width = 460, height = (int)(400.0 * img.Length / Math.Max(1, img[0].Length)) + 80;
        return Figure.Chart(traces, title, "", "", width, height, yaxis: new { autorange = "reversed", scaleanchor = "x", showticklabels = false },
            xaxis: new { showticklabels = false });
    }

    /// <summary>
    /// Renders <paramref name="chart"/> to a PNG file through headless Chromium and returns it (shown as an image in notebooks).
    /// When Chromium is not installed, says so on stdout and returns null; nothing else is skipped.
    /// </summary>
    public static PngImage? SavePng(GenericChart chart, string path, int? width = null, int? height = null)
    {
        if (Chromium.Executable is null)
        {
            Console.WriteLine($"PNG not written ({path}): Chromium not found. Install it (Debian: apt-get install chromium) or set WORKBENCH_CHROMIUM.");
            return null;
        }
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var html = Path.ChangeExtension(full, ".html");
        File.WriteAllText(html, ChartHtml.Page(chart));
        if (File.Exists(full)) File.Delete(full);
        int w = width ?? SizeOf(chart, "width") ?? 900, h = height ?? SizeOf(chart, "height") ?? 600;
        Chromium.Screenshot(html, full, w, h);
        return PngImage.Load(full);
    }

    static int? SizeOf(GenericChart chart, string key)
    {
        var v = System.Text.Json.Nodes.JsonNode.Parse(GenericChart.toFigureJson(chart))?["layout"]?[key];
        return v is null ? null : (int)v.GetValue<double>();
    }

    static (double[] X, double[] Y) Columns2(torch.Tensor points, string name)
    {
        if (points.dim() != 2 || points.shape[1] != 2)
            throw new ArgumentException($"{name} must be an N×2 tensor of 2-D points, got shape [{string.Join(", ", points.shape)}]. Project to two dimensions first (e.g. two features or PCA).");
        var p = points.to(torch.float64).cpu();
        return (p[.., 0].data<double>().ToArray(), p[.., 1].data<double>().ToArray());
    }

    internal static long[] ToLongs(torch.Tensor t, string name)
    {
        if (t.dim() != 1) throw new ArgumentException($"{name} must be a 1-D tensor of cluster labels, got shape [{string.Join(", ", t.shape)}].");
        return t.to(torch.int64).cpu().data<long>().ToArray();
    }

    internal static double[][] ToMatrix(torch.Tensor t, string name)
    {
        if (t.dim() != 2) throw new ArgumentException($"{name} must be a 2-D (H×W) tensor, got shape [{string.Join(", ", t.shape)}].");
        var m = t.to(torch.float64).cpu();
        int rows = (int)m.shape[0];
        return Enumerable.Range(0, rows).Select(i => m[i].data<double>().ToArray()).ToArray();
    }
}
