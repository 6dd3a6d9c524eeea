using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Studies.Idc;

/// <summary>The synthetic set of IDC Table 3: features [N,13], labels (4 classes) and the true per-sample support.</summary>
public sealed record IdcSyntheticData(Tensor X, long[] Labels, Tensor Support);

/// <summary>
/// The synthetic data of IDC §4 / Table 3, following the code's recipe (dataset.py <c>Synthetic.setup</c>, digest §4):
/// three 2-D blobs (scikit-learn's make_blobs centres for random_state 0, std 0.5), cluster 2 stretched along x2 and
/// split by a uniform third feature x3 into classes 2 and 3 (class 3 shifted by 0.5 in x3), class 0 given class 1's x1,
/// classes 0 and 1 given x3 rescaled to the range of classes 2∪3, ten N(0, 0.01²) nuisance columns, every class cut to
/// the size of class 3, x1…x3 z-scored. Classes 0 and 1 are told apart by {x1, x2}, classes 2 and 3 by {x1, x3}.
/// Draws come from our seeded generator, not numpy's, so the class size differs slightly from the paper's 817.
/// </summary>
public static class IdcSynthetic
{
    /// <summary>make_blobs(…, centers=3, random_state=0) centres: uniform(−10, 10) from numpy's RandomState(0).</summary>
    public static readonly double[,] Centres = { { 0.97627008, 4.30378733 }, { 2.05526752, 0.89766366 }, { -1.52690401, 2.91788226 } };

    /// <summary>Generates the set from <paramref name="samples"/> initial points and <paramref name="noiseColumns"/> nuisance columns.</summary>
    public static IdcSyntheticData Generate(int samples = 5000, int noiseColumns = 10, long seed = 0)
    {
        if (samples < 30) throw new ArgumentException($"samples must be ≥ 30; got {samples}.");
        var g = Seeds.Generator(seed);
        int n = samples;
        var y = new long[n];
        var x1 = new double[n]; var x2 = new double[n];
        var noise2 = randn(new long[] { n, 2 }, dtype: ScalarType.Float64, generator: g).data<double>().ToArray();
        for (int i = 0, start = 0; i < 3; i++)
        {
            int count = n / 3 + (i < n % 3 ? 1 : 0);                                                 // make_blobs' split
            for (int j = start; j < start + count; j++) { y[j] = i; x1[j] = Centres[i, 0] + 0.5 * noise2[2 * j]; x2[j] = Centres[i, 1] + 0.5 * noise2[2 * j + 1]; }
            start += count;
        }
        // Stretch cluster 2's x2 to the full x2 range.
        double lo = x2.Min(), hi = x2.Max();
        Rescale(x2, Enumerable.Range(0, n).Where(i => y[i] == 2).ToArray(), lo, hi);
        // Uniform x3 splits cluster 2 into classes 2 and 3.
        var z = rand(n, dtype: ScalarType.Float64, generator: g).data<double>().ToArray();
        for (int i = 0; i < n; i++) if (y[i] == 2 && z[i] > 0.5) y[i] = 3;
        // Class 0 takes class 1's x1 values (equal counts by construction).
        var i0 = Enumerable.Range(0, n).Where(i => y[i] == 0).ToArray();
        var i1 = Enumerable.Range(0, n).Where(i => y[i] == 1).ToArray();
        for (int j = 0; j < Math.Min(i0.Length, i1.Length); j++) x1[i0[j]] = x1[i1[j]];
        var bg = (0.01 * randn(new long[] { n, noiseColumns }, dtype: ScalarType.Float64, generator: g)).data<double>().ToArray();
        var x3 = z.ToArray();
        for (int i = 0; i < n; i++) if (y[i] == 3) x3[i] += 0.5;
        var i23 = Enumerable.Range(0, n).Where(i => y[i] >= 2).ToArray();
        double lo3 = i23.Min(i => x3[i]), hi3 = i23.Max(i => x3[i]);
        Rescale(x3, i0, lo3, hi3);
        Rescale(x3, i1, lo3, hi3);
        // Cut every class to the size of class 3, class by class in order.
        int m = y.Count(v => v == 3);
        var keep = Enumerable.Range(0, 4).SelectMany(c => Enumerable.Range(0, n).Where(i => y[i] == c).Take(m)).ToArray();
        int d = 3 + noiseColumns;
        var data = new double[keep.Length, d];
        var support = new bool[keep.Length, d];
        var labels = new long[keep.Length];
        for (int r = 0; r < keep.Length; r++)
        {
            int i = keep[r];
            data[r, 0] = x1[i]; data[r, 1] = x2[i]; data[r, 2] = x3[i];
            for (int c = 0; c < noiseColumns; c++) data[r, 3 + c] = bg[i * noiseColumns + c];
            labels[r] = y[i];
            support[r, 0] = true; support[r, y[i] <= 1 ? 1 : 2] = true;
        }
        var xt = tensor(data);
        var head = xt[.., ..3];
        xt[.., ..3] = (head - head.mean(new long[] { 0 })) / head.std(new long[] { 0 }, unbiased: false);   // scipy zscore, ddof = 0
        return new IdcSyntheticData(xt, labels, tensor(support));
    }

    static void Rescale(double[] v, int[] idx, double lo, double hi)
    {
        if (idx.Length == 0) return;
        double a = idx.Min(i => v[i]), b = idx.Max(i => v[i]);
        foreach (var i in idx) v[i] = lo + (v[i] - a) / (b - a) * (hi - lo);                         // MinMaxScaler((lo, hi))
    }
}
