using Plotly.NET;
using TorchSharp;

namespace Workbench.Plotting;

public static partial class Plots
{
    /// <summary>
    /// Cluster label maps side by side (e.g. the k-means cluster of every location of an image's feature map, NEON
    /// Fig. 7): each map [h,w] of cluster indices 0…K−1 is drawn at its own resolution, first row on top, with one
    /// colour per cluster (the <see cref="Palette"/> of <see cref="Clusters"/>) and a legend entry per cluster.
    /// </summary>
    /// <param name="maps">one [h,w] integer map per panel; panels may differ in size</param>
    /// <param name="k">number of clusters K (every index must lie in 0…K−1)</param>
    /// <param name="names">one panel name per map, written under it</param>
    /// <param name="title">chart title</param>
    /// <param name="xTitle">x-axis title</param>
    /// <param name="yTitle">y-axis title</param>
    /// <param name="cellWidth">width per panel in pixels</param>
    /// <param name="height">chart height in pixels</param>
    public static GenericChart LabelMaps(IReadOnlyList<torch.Tensor> maps, int k, IReadOnlyList<string> names, string title = "",
        string xTitle = "panel (location column)", string yTitle = "location row", int cellWidth = 260, int height = 380)
    {
        if (maps.Count == 0) throw new ArgumentException("no label maps to draw.");
        if (names.Count != maps.Count) throw new ArgumentException($"{names.Count} names for {maps.Count} maps; give one name per map.");
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.");
        const int gap = 1;                                            // one empty column between panels
        var grids = maps.Select((m, i) =>
        {
            if (m.dim() != 2) throw new ArgumentException($"map {i} must be [h,w] cluster indices; got [{string.Join(", ", m.shape)}].");
            var v = m.cpu().to_type(torch.ScalarType.Int64).data<long>().ToArray();
            if (v.Any(c => c < 0 || c >= k)) throw new ArgumentException($"map {i} has cluster indices outside 0…{k - 1}.");
            return (H: (int)m.shape[0], W: (int)m.shape[1], V: v);
        }).ToList();
        int hMax = grids.Max(g => g.H), width = grids.Sum(g => g.W + gap) - gap;
        var z = new double?[hMax][];
        for (int y = 0; y < hMax; y++) z[y] = new double?[width];
        var ticks = new List<double>();
        int offset = 0;
        foreach (var g in grids)
        {
            for (int y = 0; y < g.H; y++)
                for (int x = 0; x < g.W; x++) z[y][offset + x] = g.V[y * g.W + x];
            ticks.Add(offset + (g.W - 1) / 2.0);
            offset += g.W + gap;
        }
        // a step colour scale: value c ∈ [c − ½, c + ½] takes the cluster's colour
        var scale = new List<object[]>();
        for (int c = 0; c < k; c++) { scale.Add([(double)c / k, ClusterColor(c)]); scale.Add([(double)(c + 1) / k, ClusterColor(c)]); }
        var traces = new List<Trace>
        {
            Figure.Trace("heatmap", ("z", z), ("colorscale", scale.ToArray()), ("zmin", -0.5), ("zmax", k - 0.5),
                ("showscale", false), ("hoverongaps", false), ("name", "cluster"), ("showlegend", false)),
        };
        for (int c = 0; c < k; c++)                                   // legend: one square marker per cluster
            traces.Add(Figure.Trace("scatter", ("x", new double?[] { null }), ("y", new double?[] { null }), ("mode", "markers"),
                ("name", $"{c}"), ("marker", new { color = ClusterColor(c), symbol = "square", size = 12 })));
        return Figure.Chart(traces, title, xTitle, yTitle, cellWidth * maps.Count + 160, height,
            xaxis: new { title = new { text = xTitle }, tickvals = ticks, ticktext = names.ToArray(), showgrid = false, zeroline = false },
            yaxis: new { title = new { text = yTitle }, autorange = "reversed", scaleanchor = "x", showgrid = false, zeroline = false },
            legend: new { orientation = "v", x = 1.02, y = 1.0, title = new { text = "cluster" } });
    }
}
