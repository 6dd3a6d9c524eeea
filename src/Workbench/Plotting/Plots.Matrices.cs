using Plotly.NET;
using TorchSharp;

namespace Workbench.Plotting;

public static partial class Plots
{
    /// <summary>
    /// A matrix as a heatmap, first row on top: e.g. mean relevance per cluster (rows) and feature (columns).
    /// With <paramref name="symmetric"/> the colour scale is centred on 0 (red positive, blue negative).
    /// </summary>
    public static GenericChart Heatmap(torch.Tensor matrix, IReadOnlyList<string>? columns = null, IReadOnlyList<string>? rows = null,
        string title = "", string xTitle = "", string yTitle = "", string valueName = "value", bool symmetric = true,
        string colorscale = "RdBu", int width = 760, int height = 460)
        => Heatmap(ToMatrix(matrix, nameof(matrix)), columns, rows, title, xTitle, yTitle, valueName, symmetric, colorscale, width, height);

    /// <inheritdoc cref="Heatmap(torch.Tensor, IReadOnlyList{string}?, IReadOnlyList{string}?, string, string, string, string, bool, string, int, int)"/>
    public static GenericChart Heatmap(double[][] matrix, IReadOnlyList<string>? columns = null, IReadOnlyList<string>? rows = null,
        string title = "", string xTitle = "", string yTitle = "", string valueName = "value", bool symmetric = true,
        string colorscale = "RdBu", int width = 760, int height = 460)
    {
        if (matrix.Length == 0) throw new ArgumentException("the matrix is empty; nothing to draw.");
        int nc = matrix[0].Length;
        if (matrix.Any(r => r.Length != nc)) throw new ArgumentException("every row of the matrix must have the same length.");
        if (columns is not null && columns.Count != nc) throw new ArgumentException($"{columns.Count} column names for {nc} columns; give one name per column.");
        if (rows is not null && rows.Count != matrix.Length) throw new ArgumentException($"{rows.Count} row names for {matrix.Length} rows; give one name per row.");
        var finite = matrix.SelectMany(r => r).Where(double.IsFinite).ToArray();
        double m = finite.Select(Math.Abs).DefaultIfEmpty(1).Max();
        var attrs = new List<(string, object)>
        {
            ("z", matrix), ("colorscale", colorscale), ("name", valueName), ("colorbar", new { title = new { text = valueName } }),
            ("zmin", symmetric ? -m : finite.DefaultIfEmpty(0).Min()), ("zmax", symmetric ? m : finite.DefaultIfEmpty(1).Max()),
        };
        if (columns is not null) attrs.Add(("x", columns.ToArray()));
        if (rows is not null) attrs.Add(("y", rows.ToArray()));
        return Figure.Chart(new[] { Figure.Trace("heatmap", attrs.ToArray()) }, title, xTitle, yTitle, width, height,
            xaxis: new { title = new { text = xTitle }, tickangle = columns is null ? 0 : -40, automargin = true },
            yaxis: new { title = new { text = yTitle }, autorange = "reversed", automargin = true });
    }

    /// <summary>
    /// Images in a grid, each with an optional heatmap over it (relevance, Grad-CeAM): <paramref name="images"/> is [N,H,W]
    /// (or [N,1,H,W]) grey levels, <paramref name="heats"/> the same size. Each heatmap is scaled to its own largest |value|
    /// (symmetric, red positive) unless <paramref name="sharedScale"/>.
    /// </summary>
    public static GenericChart ImageGrid(torch.Tensor images, torch.Tensor? heats = null, IReadOnlyList<string>? titles = null, int columns = 4,
        string title = "", double opacity = 0.55, bool sharedScale = false, string heatName = "relevance", int cellSize = 180)
    {
        var imgs = Stack3(images, nameof(images));
        var hs = heats is null ? null : Stack3(heats, nameof(heats));
        int n = imgs.Length;
        if (n == 0) throw new ArgumentException("no images to draw.");
        if (hs is not null && (hs.Length != n || hs[0].Length != imgs[0].Length || hs[0][0].Length != imgs[0][0].Length))
            throw new ArgumentException($"heats must have the images' shape: {n} maps of {imgs[0].Length}×{imgs[0][0].Length}.");
        if (titles is not null && titles.Count != n) throw new ArgumentException($"{titles.Count} titles for {n} images; give one per image.");
        if (columns < 1) throw new ArgumentException($"columns must be at least 1; got {columns}.");
        int cols = Math.Min(columns, n), rowsN = (n + cols - 1) / cols;
        double shared = hs is null ? 1 : hs.SelectMany(h => h.SelectMany(r => r)).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
        var traces = new List<Plotly.NET.Trace>();
        var layout = new Dictionary<string, object>();
        var annotations = new List<object>();
        for (int i = 0; i < n; i++)
        {
            string ax = i == 0 ? "" : (i + 1).ToString();
            traces.Add(Figure.Trace("heatmap", ("z", imgs[i]), ("colorscale", "Greys"), ("reversescale", true), ("showscale", false),
                ("xaxis", "x" + ax), ("yaxis", "y" + ax), ("name", "image"), ("hoverinfo", "skip")));
            if (hs is not null)
            {
                double m = sharedScale ? shared : hs[i].SelectMany(r => r).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
                if (m == 0) m = 1;
                traces.Add(Figure.Trace("heatmap", ("z", hs[i]), ("colorscale", "RdBu"), ("zmin", -m), ("zmax", m), ("opacity", opacity),
                    ("showscale", i == 0), ("xaxis", "x" + ax), ("yaxis", "y" + ax), ("name", heatName),
                    ("colorbar", new { title = new { text = sharedScale ? heatName : heatName + " (per image)" }, len = 0.5 })));
            }
            int r = i / cols, c = i % cols;
            double x0 = (double)c / cols, x1 = (c + 0.92) / cols, y1 = 1 - (double)r / rowsN, y0 = 1 - (r + 0.85) / rowsN;
            layout["xaxis" + ax] = new { domain = new[] { x0, x1 }, showticklabels = false, anchor = "y" + ax };
            layout["yaxis" + ax] = new { domain = new[] { y0, y1 }, showticklabels = false, autorange = "reversed", scaleanchor = "x" + ax, anchor = "x" + ax };
            if (titles is not null)
                annotations.Add(new { text = titles[i], x = (x0 + x1) / 2, y = y1, xref = "paper", yref = "paper", yanchor = "bottom", showarrow = false, font = new { size = 11 } });
        }
        var chart = Figure.Chart(traces, title, "", "", cols * cellSize + 120, rowsN * (cellSize + 20) + 90);
        var l = GenericChart.getLayout(chart);
        foreach (var (k, v) in layout) l.SetProperty(k, v);
        if (annotations.Count > 0) l.SetProperty("annotations", annotations.ToArray());
        return GenericChart.setLayout(l, chart);
    }

    static double[][][] Stack3(torch.Tensor t, string name)
    {
        if (t.dim() == 4 && t.shape[1] == 1) t = t.squeeze(1);
        if (t.dim() == 2) t = t.unsqueeze(0);
        if (t.dim() != 3) throw new ArgumentException($"{name} must be [N,H,W] or [N,1,H,W] grey images; got shape [{string.Join(", ", t.shape)}].");
        var m = t.to(torch.float64).cpu();
        return Enumerable.Range(0, (int)m.shape[0]).Select(i => ToMatrix(m[i], name)).ToArray();
    }
}
