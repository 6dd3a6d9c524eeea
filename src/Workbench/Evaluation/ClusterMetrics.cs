using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// External and internal clustering metrics on hard labels (NeurCAM §4 Eqs. 18–23): adjusted Rand index
/// (Hubert–Arabie), normalised mutual information (arithmetic mean of the entropies, scikit-learn's default),
/// clustering accuracy (best one-to-one map of clusters to classes, Hungarian algorithm) and inertia.
/// Labels are any integers (int32/int64 tensors or arrays); they need not be 0..K−1.
/// </summary>
public static class ClusterMetrics
{
    /// <summary>Adjusted Rand index (Eq. 19): (RI − E[RI]) / (max RI − E[RI]) from the contingency table; 1 for identical partitions.</summary>
    public static double AdjustedRand(long[] truth, long[] pred)
    {
        var (table, a, b, n) = Contingency(truth, pred);
        double sumComb = 0, sumA = 0, sumB = 0;
        foreach (var v in table) sumComb += Comb2(v);
        foreach (var v in a) sumA += Comb2(v);
        foreach (var v in b) sumB += Comb2(v);
        double expected = sumA * sumB / Comb2(n);
        double max = 0.5 * (sumA + sumB);
        if (max == expected) return 1.0;   // both partitions trivial (one cluster each, or all singletons): scikit-learn's convention
        return (sumComb - expected) / (max - expected);
    }

    /// <summary>Normalised mutual information (Eq. 20): MI / ((H(truth) + H(pred))/2); 1 when both are a single cluster.</summary>
    public static double NormalizedMutualInfo(long[] truth, long[] pred)
    {
        var (table, a, b, n) = Contingency(truth, pred);
        double ha = Entropy(a, n), hb = Entropy(b, n);
        if (a.Length == 1 && b.Length == 1) return 1.0;
        if (a.Length == 1 || b.Length == 1) return 0.0;
        double mi = 0;
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++)
            {
                double nij = table[i, j];
                if (nij > 0) mi += nij / n * Math.Log(n * nij / ((double)a[i] * b[j]));
            }
        double denom = (ha + hb) / 2;
        return denom <= 0 ? 0 : Math.Max(mi, 0) / denom;
    }

    /// <summary>Clustering accuracy (Eq. 21): the fraction of points on the diagonal under the best one-to-one map of clusters to classes.</summary>
    public static double Accuracy(long[] truth, long[] pred)
    {
        var (table, a, b, n) = Contingency(truth, pred);
        int size = Math.Max(a.Length, b.Length);
        var cost = new double[size, size];   // square, padded with zeros; minimise −count
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++) cost[i, j] = -table[i, j];
        var assign = Hungarian.Solve(cost);
        double matched = 0;
        for (int i = 0; i < size; i++) matched -= cost[i, assign[i]];
        return matched / n;
    }

    /// <summary>Inertia (Eqs. 22–23): Σ_n ‖x_n − c_{k(n)}‖² with the given centroids [K,d] (not divided by N).</summary>
    public static double Inertia(Tensor x, Tensor labels, Tensor centroids)
    {
        using var scope = NewDisposeScope();
        var c = centroids.to(x.device).to_type(x.dtype).index_select(0, labels.to(x.device).to_type(ScalarType.Int64));
        return (x - c).square().sum().ToDouble();
    }

    /// <summary>Inertia with each cluster's own mean as its centre: Σ_n ‖x_n − mean of its cluster‖² (not divided by N).</summary>
    public static double Inertia(Tensor x, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var lab = labels.to(x.device).to_type(ScalarType.Int64);
        long k = lab.max().ToInt64() + 1;
        var counts = zeros(k, dtype: x.dtype, device: x.device).index_add_(0, lab, ones(x.shape[0], dtype: x.dtype, device: x.device), 1);
        var sums = zeros(k, x.shape[1], dtype: x.dtype, device: x.device).index_add_(0, lab, x, 1);
        var means = sums / counts.clamp_min(1).unsqueeze(1);
        return (x - means.index_select(0, lab)).square().sum().ToDouble();
    }

    /// <summary><see cref="AdjustedRand(long[], long[])"/> on label tensors.</summary>
    public static double AdjustedRand(Tensor truth, Tensor pred) => AdjustedRand(Longs(truth), Longs(pred));
    /// <summary><see cref="NormalizedMutualInfo(long[], long[])"/> on label tensors.</summary>
    public static double NormalizedMutualInfo(Tensor truth, Tensor pred) => NormalizedMutualInfo(Longs(truth), Longs(pred));
    /// <summary><see cref="Accuracy(long[], long[])"/> on label tensors.</summary>
    public static double Accuracy(Tensor truth, Tensor pred) => Accuracy(Longs(truth), Longs(pred));

    static long[] Longs(Tensor t)
    {
        if (t.dim() != 1) throw new ArgumentException($"Labels must be a 1-D tensor [N]; got shape [{string.Join(", ", t.shape)}].");
        using var c = t.cpu().to_type(ScalarType.Int64);
        return c.data<long>().ToArray();
    }

    static double Comb2(double v) => v * (v - 1) / 2;

    static double Entropy(long[] counts, long n)
    {
        double h = 0;
        foreach (var c in counts) if (c > 0) { double p = (double)c / n; h -= p * Math.Log(p); }
        return h;
    }

    /// <summary>Contingency table [classes, clusters] with its row and column sums and N.</summary>
    static (long[,] Table, long[] A, long[] B, long N) Contingency(long[] truth, long[] pred)
    {
        if (truth.Length != pred.Length)
            throw new ArgumentException($"truth and pred must have the same length; got {truth.Length} and {pred.Length}.");
        if (truth.Length == 0) throw new ArgumentException("The label arrays are empty.");
        var ti = Index(truth, out int ka);
        var pi = Index(pred, out int kb);
        var table = new long[ka, kb];
        var a = new long[ka];
        var b = new long[kb];
        for (int i = 0; i < truth.Length; i++) { table[ti[i], pi[i]]++; a[ti[i]]++; b[pi[i]]++; }
        return (table, a, b, truth.Length);
    }

    static int[] Index(long[] labels, out int count)
    {
        var map = new Dictionary<long, int>();
        foreach (var l in labels.Distinct().OrderBy(v => v)) map[l] = map.Count;
        count = map.Count;
        return labels.Select(l => map[l]).ToArray();
    }
}
