using Plotly.NET;

namespace Workbench.Plotting;

/// <summary>One panel of <see cref="Plots.HeatSeries"/>: a series whose points are coloured by a heat value (e.g. a Grad-CeAM map).</summary>
/// <param name="Title">panel title</param>
/// <param name="Y">the series' values, one per time step</param>
/// <param name="Heat">one heat value per time step</param>
public sealed record HeatSeriesPanel(string Title, IReadOnlyList<double> Y, IReadOnlyList<double> Heat);

public static partial class Plots
{
    /// <summary>
    /// Series coloured by heat in a grid of panels (one series per panel, row-major, <paramref name="columns"/> per row; a null
    /// entry leaves its cell empty). Each series is a grey line whose points are coloured by its heat, scaled to that
    /// series' own min..max (as Grad-CeAM's official plots do), on one colour bar from 0 (low) to 1 (high). Every panel has
    /// its own time axis starting at 0, so no offsets are drawn; the bottom row carries the x title, the left column the y title.
    /// </summary>
    public static GenericChart HeatSeries(IReadOnlyList<HeatSeriesPanel?> panels, string title, int columns, string xTitle = "time step",
        string yTitle = "value", string heatTitle = "heat (per series min–max)", string colorscale = "Jet", int cellWidth = 230, int cellHeight = 170)
    {
        if (panels.Count == 0 || panels.All(p => p is null)) throw new ArgumentException("no series to draw.");
        if (columns < 1) throw new ArgumentException($"columns must be at least 1; got {columns}.");
        int cols = Math.Min(columns, panels.Count), rows = (panels.Count + cols - 1) / cols;
        var traces = new List<Plotly.NET.Trace>();
        var axes = new Dictionary<string, object>();
        var annotations = new List<object>();
        bool first = true;
        for (int i = 0; i < panels.Count; i++)
        {
            int r = i / cols, c = i % cols;
            string ax = i == 0 ? "" : (i + 1).ToString();
            double x0 = (c + 0.08) / cols, x1 = (c + 0.97) / cols, y1 = 1 - (r + 0.12) / rows, y0 = 1 - (r + 0.88) / rows;
            bool bottom = r == rows - 1 || i + cols >= panels.Count, left = c == 0;
            axes["xaxis" + ax] = new { domain = new[] { x0, x1 }, anchor = "y" + ax, zeroline = false, title = new { text = bottom ? xTitle : "" }, tickfont = new { size = 9 } };
            axes["yaxis" + ax] = new { domain = new[] { y0, y1 }, anchor = "x" + ax, zeroline = false, title = new { text = left ? yTitle : "" }, tickfont = new { size = 9 } };
            var p = panels[i];
            if (p is null) { axes["xaxis" + ax] = new { domain = new[] { x0, x1 }, anchor = "y" + ax, visible = false }; axes["yaxis" + ax] = new { domain = new[] { y0, y1 }, anchor = "x" + ax, visible = false }; continue; }
            if (p.Y.Count != p.Heat.Count) throw new ArgumentException($"panel '{p.Title}': {p.Y.Count} values but {p.Heat.Count} heat values; give one heat value per time step.");
            if (p.Y.Concat(p.Heat).Any(v => !double.IsFinite(v))) throw new ArgumentException($"panel '{p.Title}' holds NaN or ∞; plot finite values only.");
            var xs = Enumerable.Range(0, p.Y.Count).Select(t => (double)t).ToArray();
            double lo = p.Heat.Min(), hi = p.Heat.Max();
            var colours = p.Heat.Select(h => hi > lo ? (h - lo) / (hi - lo) : 0.0).ToArray();
            // one trace per panel (grey line, heat-coloured points): half the traces of a line + marker pair, so large grids render in time
            traces.Add(Figure.Trace("scatter", ("x", xs), ("y", p.Y.ToArray()), ("mode", "lines+markers"), ("name", p.Title), ("showlegend", false),
                ("line", new { color = "#9a9a9a", width = 1 }), ("xaxis", "x" + ax), ("yaxis", "y" + ax),
                ("marker", new { color = colours, colorscale, cmin = 0.0, cmax = 1.0, size = 4, showscale = first,
                    colorbar = new { title = new { text = heatTitle, side = "right" }, len = Math.Min(1.0, 0.9 * 3 / Math.Max(3, rows)) + 0.1, thickness = 14 } })));
            annotations.Add(new { text = p.Title, x = (x0 + x1) / 2, y = y1, xref = "paper", yref = "paper", yanchor = "bottom", showarrow = false, font = new { size = 10 } });
            first = false;
        }
        // Legend entries: the grey line, and a neutral marker for the points (the real markers carry the heat colours, which a legend cannot show).
        traces.Add(Figure.Trace("scatter", ("x", new double?[] { null }), ("y", new double?[] { null }), ("mode", "lines"), ("name", "series"),
            ("line", new { color = "#9a9a9a", width = 1 }), ("hoverinfo", "skip")));
        traces.Add(Figure.Trace("scatter", ("x", new double?[] { null }), ("y", new double?[] { null }), ("mode", "markers"), ("name", "point coloured by heat (colour bar)"),
            ("marker", new { color = "#555555", size = 7, symbol = "circle-open" }), ("hoverinfo", "skip")));
        var chart = Figure.Chart(traces, title, xTitle, yTitle, cols * cellWidth + 140, rows * cellHeight + 150);
        var layout = GenericChart.getLayout(chart);
        foreach (var (k, v) in axes) layout.SetProperty(k, v);
        layout.SetProperty("annotations", annotations.ToArray());
        layout.SetProperty("legend", new { orientation = "h", y = -60.0 / (rows * cellHeight), x = 0.0, yanchor = "top" });
        return GenericChart.setLayout(layout, chart);
    }
}
