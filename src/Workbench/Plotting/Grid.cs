using TorchSharp;

namespace Workbench.Plotting;

/// <summary>
/// A regular grid over a 2-D box, for drawing a function or a partition: <see cref="Points"/> is [R·R, 2] float64 in
/// row-major order (x₂ outer, x₁ inner), so <c>values.reshape(R, R)</c> has one row per x₂ and one column per x₁.
/// </summary>
/// <param name="Points">the grid points, [R·R, 2]</param>
/// <param name="X">the x₁ coordinates of the columns, length R</param>
/// <param name="Y">the x₂ coordinates of the rows, length R</param>
public sealed record Grid(torch.Tensor Points, double[] X, double[] Y)
{
    /// <summary>Number of grid lines per axis.</summary>
    public int Resolution => X.Length;

    /// <summary>The grid with <paramref name="resolution"/> lines per axis over [x1.Min, x1.Max] × [x2.Min, x2.Max].</summary>
    public static Grid Over((double Min, double Max) x1, (double Min, double Max) x2, int resolution)
    {
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), $"resolution must be at least 2; got {resolution}.");
        if (!(x1.Max > x1.Min) || !(x2.Max > x2.Min))
            throw new ArgumentException($"the box must have Min < Max on both axes; got x₁ ∈ [{x1.Min}, {x1.Max}], x₂ ∈ [{x2.Min}, {x2.Max}].");
        var gx = torch.linspace(x1.Min, x1.Max, resolution, dtype: torch.float64);
        var gy = torch.linspace(x2.Min, x2.Max, resolution, dtype: torch.float64);
        var mesh = torch.meshgrid(new[] { gy, gx }, indexing: "ij");
        var points = torch.stack(new[] { mesh[1].reshape(-1), mesh[0].reshape(-1) }, 1);
        return new Grid(points, gx.data<double>().ToArray(), gy.data<double>().ToArray());
    }

    /// <summary>Values on the grid ([R·R] tensor, in <see cref="Points"/> order) as rows of a matrix for a heatmap or contour.</summary>
    public double[][] ToMatrix(torch.Tensor values) => Plots.ToMatrix(values.to(torch.float64).cpu().reshape(Resolution, Resolution), "values");
}
