using Plotly.NET;
using TorchSharp;
using Workbench.Plotting;
using static TorchSharp.torch;
using Model = Workbench.Additive.NeurCam;

namespace Workbench.Studies.NeurCam;

/// <summary>
/// Charts of NeurCAM Fig. 3 (§5.5.2): the shape graph of one selected feature, one curve per cluster (centred on the
/// data, Agarwal et al.), with a rug of the feature's values in the data; and the surface of a pairwise term for one
/// cluster as a heatmap (Eq. 25).
/// </summary>
public static class FiguresShapeGraphs
{
    /// <summary>
    /// Shape graph of <paramref name="feature"/> (named <paramref name="featureName"/>) for the clusters
    /// <paramref name="clusters"/> (all when null): f_{i,k} minus its mean over <paramref name="data"/> (original units, [N,D]) on
    /// <paramref name="points"/> values spanning the data's range, and a rug (one tick per distinct data value, at most 400).
    /// </summary>
    public static GenericChart Curve(Model model, int feature, string featureName, Tensor data, IReadOnlyList<string> clusterNames,
        IReadOnlyList<int>? clusters = null, int points = 60, string? title = null, int width = 720, int height = 460)
    {
        if (clusterNames.Count != model.K) throw new ArgumentException($"{clusterNames.Count} cluster names for K = {model.K}; give one name per cluster.");
        var values = data[.., feature].to(ScalarType.Float64).cpu();
        double lo = values.min().ToDouble(), hi = values.max().ToDouble();
        if (!(hi > lo)) throw new ArgumentException($"feature {featureName} is constant in the data; nothing to draw.");
        var grid = linspace(lo, hi, points, dtype: ScalarType.Float64);
        var f = model.ShapeGraphs().Curve(feature, grid, data).to(ScalarType.Float64).cpu();     // [G,K], centred on the data
        var gx = grid.data<double>().ToArray();
        var ks = clusters ?? Enumerable.Range(0, model.K).ToList();
        var curves = ks.Select(k => new Workbench.Plotting.Curve(clusterNames[k], gx, f[.., k].data<double>().ToArray(), Color: Plots.ClusterColor(k))).ToList();
        double yMin = ks.Min(k => f[.., k].min().ToDouble()), yMax = ks.Max(k => f[.., k].max().ToDouble());
        double rugY = yMin - 0.06 * Math.Max(yMax - yMin, 1e-6);
        var rug = values.data<double>().Distinct().OrderBy(v => v).ToArray();
        if (rug.Length > 400) rug = Enumerable.Range(0, 400).Select(i => rug[(int)((long)i * (rug.Length - 1) / 399)]).ToArray();
        curves.Add(new Workbench.Plotting.Curve("data (rug)", rug, rug.Select(_ => rugY).ToArray(), Lines: false, Markers: true,
            Color: "#444444", Symbol: "line-ns-open", MarkerSize: 10));
        return Plots.Curves(curves, title ?? $"Shape graph of {featureName} (centred), per cluster", featureName, "contribution to the cluster logit", width, height);
    }

    /// <summary>
    /// The pairwise term (<paramref name="i"/>, <paramref name="j"/>) of cluster <paramref name="cluster"/> on a
    /// <paramref name="points"/>×<paramref name="points"/> grid over the data's range (original units), as a heatmap with x_j
    /// across and x_i down (the tick labels are the grid values; <see cref="Plots.Heatmap(double[][], IReadOnlyList{string}?, IReadOnlyList{string}?, string, string, string, string, bool, string, int, int)"/>
    /// draws its y-axis top-down, so x_i grows downwards). Its values are the term's contribution to the cluster logit, centred on the data.
    /// </summary>
    public static GenericChart Surface(Model model, int i, int j, string nameI, string nameJ, Tensor data, int cluster, string clusterName,
        int points = 25, int width = 560, int height = 480)
    {
        if (cluster < 0 || cluster >= model.K) throw new ArgumentException($"cluster must be in 0..{model.K - 1}; got {cluster}.");
        var sg = model.ShapeGraphs();
        int t = sg.Terms.ToList().IndexOf(new Workbench.Additive.AdditiveTerm(Math.Min(i, j), Math.Max(i, j)));
        if (t < 0) throw new ArgumentException($"no pairwise channel selected ({i},{j}); the selected terms are {string.Join(", ", sg.Terms)}.");
        Tensor Range(int f) => linspace(data[.., f].min().ToDouble(), data[.., f].max().ToDouble(), points, dtype: ScalarType.Float64);
        var vi = Range(i); var vj = Range(j);
        double mean = sg.TermContributions(data)[.., t, cluster].to(ScalarType.Float64).mean().ToDouble();
        var s = sg.Surface(i, j, vi, vj)[.., .., cluster].to(ScalarType.Float64).cpu() - mean;   // [x_i, x_j], Eq. 25 centred
        var rows = vi.data<double>().Select(v => v.ToString("G3")).ToList();
        var cols = vj.data<double>().Select(v => v.ToString("G3")).ToList();
        var m = Enumerable.Range(0, points).Select(r => s[r].data<double>().ToArray()).ToArray();
        return Plots.Heatmap(m, cols, rows, $"Pair term {nameI} × {nameJ}, cluster {clusterName} (centred)", nameJ, nameI,
            valueName: "contribution", width: width, height: height);
    }
}
