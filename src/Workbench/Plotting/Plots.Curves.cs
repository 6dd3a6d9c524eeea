using Plotly.NET;

namespace Workbench.Plotting;

/// <summary>One line of a <see cref="Plots.Curves"/> chart: y over x, with an optional band (e.g. ± one standard error).</summary>
/// <param name="Name">legend entry</param>
/// <param name="X">abscissae</param>
/// <param name="Y">values</param>
/// <param name="Lower">lower edge of the band, or null</param>
/// <param name="Upper">upper edge of the band, or null</param>
/// <param name="Markers">draw markers on the points too</param>
/// <param name="Dash">plotly.js dash style ("solid", "dot", "dash")</param>
/// <param name="Color">line and marker colour; null takes the next colour of <see cref="Plots.Palette"/></param>
/// <param name="Error">half-length of a symmetric error bar per point (e.g. one standard error), or null</param>
/// <param name="Lines">draw the line; false with <paramref name="Markers"/> marks single points (e.g. a heuristic's value)</param>
/// <param name="Width">line width in pixels</param>
/// <param name="MarkerSize">marker size in pixels</param>
/// <param name="Symbol">plotly.js marker symbol ("circle", "diamond", …)</param>
public sealed record Curve(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? Lower = null,
    IReadOnlyList<double>? Upper = null, bool Markers = false, string Dash = "solid", string? Color = null,
    IReadOnlyList<double>? Error = null, bool Lines = true, double Width = 2.5, double MarkerSize = 6, string Symbol = "circle");

public static partial class Plots
{
    /// <summary>
    /// Line chart of one or more curves, each with an optional shaded band (<see cref="Curve.Lower"/>…<see cref="Curve.Upper"/>)
    /// in a lighter shade of its colour. Curves are coloured in order of <see cref="Palette"/>.
    /// </summary>
    public static GenericChart Curves(IEnumerable<Curve> curves, string title, string xTitle, string yTitle, int width = 700, int height = 480,
        bool logX = false, bool logY = false)
    {
        var list = curves.ToList();
        if (list.Count == 0) throw new ArgumentException("no curves to draw.");
        var traces = new List<Plotly.NET.Trace>();
        for (int i = 0; i < list.Count; i++)
        {
            var c = list[i];
            if (c.X.Count != c.Y.Count) throw new ArgumentException($"curve '{c.Name}': {c.X.Count} x values but {c.Y.Count} y values.");
            string colour = c.Color ?? Palette[i % Palette.Length];
            if (!c.Lines && !c.Markers) throw new ArgumentException($"curve '{c.Name}': draws neither a line nor markers; set Lines or Markers.");
            if (c.Lower is not null && c.Upper is not null)
            {
                if (c.Lower.Count != c.X.Count || c.Upper.Count != c.X.Count) throw new ArgumentException($"curve '{c.Name}': the band needs one lower and one upper value per x.");
                traces.Add(Figure.Trace("scatter", ("x", c.X.Concat(c.X.Reverse()).ToArray()), ("y", c.Upper.Concat(c.Lower.Reverse()).ToArray()),
                    ("fill", "toself"), ("fillcolor", Tint(colour, 0.7)), ("line", new { width = 0 }), ("mode", "lines"), ("opacity", 0.6),
                    ("hoverinfo", "skip"), ("name", $"{c.Name} (band)"), ("showlegend", false)));
            }
            if (c.Error is not null && c.Error.Count != c.X.Count) throw new ArgumentException($"curve '{c.Name}': {c.Error.Count} error bars for {c.X.Count} points.");
            var mode = c.Lines ? (c.Markers ? "lines+markers" : "lines") : "markers";
            var fields = new List<(string, object)>
            {
                ("x", c.X.ToArray()), ("y", c.Y.ToArray()), ("mode", mode), ("name", c.Name),
                ("line", new { color = colour, width = c.Width, dash = c.Dash }), ("marker", new { color = colour, size = c.MarkerSize, symbol = c.Symbol }),
            };
            if (c.Error is not null) fields.Add(("error_y", new { type = "data", array = c.Error.ToArray(), visible = true, color = colour }));
            traces.Add(Figure.Trace("scatter", fields.ToArray()));
        }
        return Figure.Chart(traces, title, xTitle, yTitle, width, height,
            xaxis: new { title = new { text = xTitle }, type = logX ? "log" : "linear", zeroline = false },
            yaxis: new { title = new { text = yTitle }, type = logY ? "log" : "linear", zeroline = false });
    }

    /// <summary>A scatter of (x, y) pairs as one legend entry; with <paramref name="diagonal"/> the line y = x is drawn too (agreement plots).</summary>
    public static GenericChart Scatter(IReadOnlyList<double> x, IReadOnlyList<double> y, string name, string title, string xTitle, string yTitle,
        bool diagonal = false, int colorIndex = 0, string symbol = "circle", int width = 620, int height = 540)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} x values but {y.Count} y values; give one y per x.");
        var colour = Palette[colorIndex % Palette.Length];
        var traces = new List<Plotly.NET.Trace>
        {
            Figure.Trace("scatter", ("x", x.ToArray()), ("y", y.ToArray()), ("mode", "markers"), ("name", name), ("marker", new { color = colour, size = 6, symbol })),
        };
        if (diagonal)
        {
            var all = x.Concat(y).Where(double.IsFinite).ToArray();
            double lo = all.DefaultIfEmpty(0).Min(), hi = all.DefaultIfEmpty(1).Max();
            traces.Add(Figure.Trace("scatter", ("x", new[] { lo, hi }), ("y", new[] { lo, hi }), ("mode", "lines"), ("name", "y = x"),
                ("line", new { color = "black", dash = "dot" })));
        }
        return Figure.Chart(traces, title, xTitle, yTitle, width, height);
    }

    /// <summary>
    /// Grouped bars: one bar per category and series (e.g. a score per dataset and method). Horizontal when
    /// <paramref name="horizontal"/>, with the first category on top.
    /// </summary>
    public static GenericChart Bars(IReadOnlyList<string> categories, IEnumerable<(string Name, IReadOnlyList<double> Values)> series,
        string title, string categoryTitle, string valueTitle, bool horizontal = false, int width = 700, int height = 480, (double Min, double Max)? range = null)
    {
        var list = series.ToList();
        if (list.Count == 0) throw new ArgumentException("no series to draw.");
        var traces = list.Select((s, i) =>
        {
            if (s.Values.Count != categories.Count) throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories.");
            return horizontal
                ? Figure.Trace("bar", ("x", s.Values.ToArray()), ("y", categories.ToArray()), ("orientation", "h"), ("name", s.Name), ("marker", new { color = Palette[i % Palette.Length] }))
                : Figure.Trace("bar", ("x", categories.ToArray()), ("y", s.Values.ToArray()), ("name", s.Name), ("marker", new { color = Palette[i % Palette.Length] }));
        });
        object? valueAxis = range is null ? null : new { title = new { text = valueTitle }, range = new[] { range.Value.Min, range.Value.Max } };
        return horizontal
            ? Figure.Chart(traces, title, valueTitle, categoryTitle, width, Math.Max(height, 26 * categories.Count * list.Count + 120),
                xaxis: valueAxis, yaxis: new { title = new { text = categoryTitle, standoff = 12 }, autorange = "reversed", automargin = true })
            : Figure.Chart(traces, title, categoryTitle, valueTitle, width, height, yaxis: valueAxis);
    }
}
