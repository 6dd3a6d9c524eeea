using Plotly.NET;

namespace Workbench.Plotting;

/// <summary>
/// Builds Plotly.NET charts directly in plotly.js vocabulary (trace type and attribute names as in the plotly.js
/// reference), which keeps the helpers short and every plotly.js option reachable. The result is an ordinary
/// Plotly.NET <see cref="GenericChart"/>.
/// </summary>
public static class Figure
{
    /// <summary>A trace of <paramref name="type"/> ("scatter", "contour", "heatmap", "bar"…) with the given attributes.</summary>
    public static Trace Trace(string type, params (string Name, object Value)[] attributes)
    {
        var trace = new Trace(type);
        foreach (var (name, value) in attributes) trace.SetProperty(name, value);
        return trace;
    }

    /// <summary>A chart of <paramref name="traces"/> with a white, titled layout; the legend is horizontal under the plot unless <paramref name="legend"/> (plotly.js layout.legend) is given.</summary>
    public static GenericChart Chart(IEnumerable<Trace> traces, string title = "", string xTitle = "", string yTitle = "",
        int width = 700, int height = 500, object? xaxis = null, object? yaxis = null, object? legend = null)
    {
        var charts = traces.Select(t => GenericChart.ofTraceObject(false, t)).ToList();
        var chart = charts.Count == 1 ? charts[0] : GenericChart.combine(charts);
        var layout = new Layout();
        if (!string.IsNullOrEmpty(title)) layout.SetProperty("title", new { text = title });
        layout.SetProperty("xaxis", xaxis ?? new { title = new { text = xTitle }, zeroline = false });
        layout.SetProperty("yaxis", yaxis ?? new { title = new { text = yTitle }, zeroline = false });
        layout.SetProperty("width", width);
        layout.SetProperty("height", height);
        layout.SetProperty("paper_bgcolor", "white");
        layout.SetProperty("plot_bgcolor", "white");
        layout.SetProperty("legend", legend ?? new { orientation = "h", y = -0.18, x = 0.0 });
        layout.SetProperty("margin", new { l = 70, r = 30, t = string.IsNullOrEmpty(title) ? 30 : 60, b = 90 });
        return GenericChart.setLayout(layout, chart);
    }
}
