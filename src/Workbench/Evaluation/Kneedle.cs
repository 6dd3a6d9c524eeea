namespace Workbench.Evaluation;

/// <summary>
/// The Kneedle knee/elbow detector (Satopää et al. 2011, NEON ref. [90]) for a decreasing convex curve such as k-means
/// inertia against K: normalise x and y to [0,1], flip y, take the difference curve D = ŷ − x̂, and return the first
/// local maximum of D after which D falls below its threshold T = D_max − S·mean(Δx̂) before the next local maximum
/// (offline mode; the global maximum of D when none does).
/// </summary>
public static class Kneedle
{
    /// <summary>Index of the elbow of the decreasing convex curve (x, y); x strictly increasing, at least 3 points.</summary>
    public static int Elbow(IReadOnlyList<double> x, IReadOnlyList<double> y, double sensitivity = 1.0)
    {
        int n = x.Count;
        if (n < 3 || y.Count != n) throw new ArgumentException($"Kneedle needs at least 3 points with one y per x; got {n} x and {y.Count} y.");
        for (int i = 1; i < n; i++) if (!(x[i] > x[i - 1])) throw new ArgumentException("x must be strictly increasing.");
        if (x.Concat(y).Any(v => !double.IsFinite(v))) throw new ArgumentException("x and y must be finite.");
        double x0 = x[0], x1 = x[n - 1], ymin = y.Min(), ymax = y.Max();
        if (ymax == ymin) return 0;
        var xn = x.Select(v => (v - x0) / (x1 - x0)).ToArray();
        var yn = y.Select(v => 1 - (v - ymin) / (ymax - ymin)).ToArray();   // decreasing → flipped to increasing
        var diff = xn.Zip(yn, (a, b) => b - a).ToArray();                    // difference curve
        double step = Enumerable.Range(1, n - 1).Average(i => xn[i] - xn[i - 1]);
        int? candidate = null; double threshold = 0;
        for (int i = 1; i < n; i++)
        {
            bool localMax = i < n - 1 && diff[i] >= diff[i - 1] && diff[i] > diff[i + 1];
            if (localMax) { candidate = i; threshold = diff[i] - sensitivity * step; continue; }
            if (candidate is { } c && diff[i] < threshold) return c;
        }
        int best = 0;
        for (int i = 1; i < n; i++) if (diff[i] > diff[best]) best = i;
        return best;
    }
}
