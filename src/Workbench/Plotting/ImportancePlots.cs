using Plotly.NET;
using Workbench.Plotting;
using Figure = Workbench.Plotting.Figure;

using Workbench.Clustering;

namespace Workbench.Plotting;

/// <summary>Bar charts of the effective vector ω per activation cluster (ReLU Figs. 1 and 2).</summary>
public static class ImportancePlots
{
    /// <summary>
    /// Grouped bars: for each chosen cluster (default: every cluster whose ω is not zero, largest first) the feature
    /// importance ω_j of its affine map (§3), one colour per cluster. Features keep their order, or are sorted by the
    /// largest |ω_j| over the shown clusters when <paramref name="sortByMagnitude"/> (as in Fig. 1).
    /// </summary>
    public static GenericChart ImportanceBars(ActivationClustering clustering, IReadOnlyList<string>? featureNames = null,
        IEnumerable<int>? clusters = null, string title = "Feature importance ω per cluster", bool sortByMagnitude = false)
    {
        ArgumentNullException.ThrowIfNull(clustering);
        if (!clustering.IsFitted) throw new InvalidOperationException("Fit the clustering first: new ActivationClustering(mlp).Fit(x).");
        int d = clustering.Network.InputWidth;
        var names = featureNames?.ToArray() ?? Enumerable.Range(1, d).Select(i => $"x{i}").ToArray();
        if (names.Length != d) throw new ArgumentException($"Give one name per feature: {d} expected, {names.Length} given.", nameof(featureNames));
        var chosen = (clusters ?? clustering.Clusters.Where(c => c.Importance.Any(w => w != 0)).Select(c => c.Id)).ToList();
        foreach (var id in chosen)
            if (id < 0 || id >= clustering.Count) throw new ArgumentException($"There is no cluster {id}; the clustering has clusters 0..{clustering.Count - 1}.", nameof(clusters));
        var order = Enumerable.Range(0, d).ToArray();
        if (sortByMagnitude && chosen.Count > 0)
            order = order.OrderByDescending(j => chosen.Max(id => Math.Abs(clustering.Clusters[id].Importance[j]))).ToArray();
        var traces = chosen.Select(id =>
        {
            var c = clustering.Clusters[id];
            var w = c.Importance;
            return Figure.Trace("bar", ("x", order.Select(j => names[j]).ToArray()), ("y", order.Select(j => w[j]).ToArray()),
                ("name", $"cluster {id} ({c.Pattern}, {c.Share:P0})"), ("marker", new { color = Plots.ClusterColor(id) }));
        }).ToList();
        var chart = Figure.Chart(traces, title, "feature", "ω (effective weight)", width: Math.Max(600, 60 * d + 200), height: 450,
            xaxis: new { title = new { text = "feature" }, type = "category" });
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("barmode", "group");
        layout.SetProperty("showlegend", true);                  // name the cluster even when only one is shown
        return GenericChart.setLayout(layout, chart);
    }
}
