using System.Text.Json.Nodes;
using Plotly.NET;

namespace Workbench.Plotting;

/// <summary>
/// Plotly.NET charts as offline HTML. The plotly.js that Plotly.NET bundles is embedded (no CDN), so charts render
/// without a network: in a notebook the first chart of a session carries it, later charts wait for <c>window.Plotly</c>.
/// </summary>
public static class ChartHtml
{
    static readonly Lazy<string> Script = new(() =>
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames().First(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    });

    /// <summary>The plotly.js source Plotly.NET ships.</summary>
    public static string PlotlyJs => Script.Value;

    /// <summary>A &lt;div&gt; with the chart; with <paramref name="embedPlotly"/> it carries plotly.js itself.</summary>
    public static string Fragment(GenericChart chart, bool embedPlotly, bool staticImage = false)
    {
        string id = "wb-plot-" + Guid.NewGuid().ToString("N")[..12];
        string figure = GenericChart.toFigureJson(chart);
        var layout = JsonNode.Parse(figure)?["layout"];
        int height = (int?)layout?["height"]?.GetValue<double>() ?? 480;
        int? width = (int?)layout?["width"]?.GetValue<double>();
        string size = width is null ? $"width:100%;height:{height}px" : $"width:{width}px;height:{height}px";
        // plotly.js is a UMD bundle: where require.js is loaded (classic Jupyter Notebook) it would register as an AMD module
        // and never set window.Plotly, so AMD's define is hidden while it loads.
        string lib = embedPlotly
            ? $"<script type=\"text/javascript\">(function() {{ var amd = window.define; window.define = undefined; try {{\n{PlotlyJs}\n}} finally {{ window.define = amd; }} }})();</script>\n"
            : "";
        return $$"""
{{lib}}<div id="{{id}}" style="{{size}}"></div>
<script type="text/javascript">
(function() {
  var fig = {{figure}};
  function draw() {
    if (typeof window.Plotly === 'undefined') { setTimeout(draw, 50); return; }
    window.Plotly.newPlot('{{id}}', fig.data, fig.layout || {}, Object.assign({responsive: true{{(staticImage ? ", displayModeBar: false" : "")}}}, fig.config || {}));
  }
  draw();
})();
</script>
""";
    }

    /// <summary>A standalone HTML page with the chart and plotly.js inline (works offline).</summary>
    public static string Page(GenericChart chart) => $$"""
<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>body{margin:0;background:white}</style></head>
<body>{{Fragment(chart, embedPlotly: true, staticImage: true)}}</body></html>
""";
}
