using Plotly.NET;
using TorchSharp;

namespace Workbench.Plotting;

public static partial class Plots
{
    /// <summary>
    /// The partition of a 2-D box by a clustering: each grid point is filled with a tint of its cluster's colour
    /// (<see cref="ClusterColor"/>), so regions match the points of <see cref="Clusters"/>. <paramref name="assign"/> maps an
    /// M×2 float64 batch to M cluster indices. With <paramref name="only"/>, only that cluster's region is filled.
    /// Combine with <see cref="Clusters"/> and <see cref="Marks"/> for the legend.
    /// </summary>
    public static GenericChart Regions(Func<torch.Tensor, torch.Tensor> assign, (double Min, double Max) x1, (double Min, double Max) x2,
        int resolution = 100, string title = "", long? only = null, string xTitle = "x₁", string yTitle = "x₂", int width = 560, int height = 500)
    {
        double[][] z;
        Grid grid;
        long kMax;
        using (var scope = torch.NewDisposeScope())
        {
            grid = Grid.Over(x1, x2, resolution);
            var labels = assign(grid.Points).to(torch.int64).cpu();
            if (labels.dim() != 1 || labels.shape[0] != grid.Points.shape[0])
                throw new ArgumentException($"assign must return one cluster index per grid point ([{grid.Points.shape[0]}]); got shape [{string.Join(", ", labels.shape)}].");
            kMax = labels.numel() == 0 ? 0 : labels.max().item<long>();
            var shown = only is null ? labels.to(torch.float64) : labels.eq(only.Value).to(torch.float64) * only.Value + labels.ne(only.Value).to(torch.float64) * -1;
            z = grid.ToMatrix(shown);
        }
        // A step colour scale: value k ↦ the tint of cluster k; −1 (outside the highlighted cluster) ↦ white.
        long lo = only is null ? 0 : -1, hi = only ?? kMax;
        hi = Math.Max(hi, lo + 1);
        var scale = new List<object[]>();
        for (long v = lo; v <= hi; v++)
        {
            string colour = v < 0 || (only is not null && v != only) ? "#ffffff" : Tint(ClusterColor(v));
            double a = (v - lo) / (double)(hi - lo + 1), b = (v - lo + 1) / (double)(hi - lo + 1);
            scale.Add(new object[] { a, colour });
            scale.Add(new object[] { b, colour });
        }
        var trace = Figure.Trace("heatmap", ("z", z), ("x", grid.X), ("y", grid.Y), ("zmin", lo - 0.5), ("zmax", hi + 0.5),
            ("colorscale", scale.ToArray()), ("showscale", false), ("hoverinfo", "skip"),
            ("name", only is null ? "cluster regions" : $"region of cluster {only}"));
        return Figure.Chart(new[] { trace }, title, xTitle, yTitle, width, height);
    }
}
