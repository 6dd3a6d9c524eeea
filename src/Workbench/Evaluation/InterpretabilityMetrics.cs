using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>Faithfulness of a feature ranking (IDC §4, code IM:19-35): features removed cumulatively in descending
/// importance, clustering ACC after each removal, and the Pearson correlation of importance with ACC; beside it the
/// ACC after removing the same numbers of random features.</summary>
public sealed record FaithfulnessResult(int[] Order, double[] Importance, double[] Accuracy, double[] RandomAccuracy, double Correlation);

/// <summary>Per-sample gate recovery against a known support (IDC Table 3): macro (mean of per-sample F1) and micro
/// (pooled counts) F1, precision and recall.</summary>
public sealed record GateRecovery(double MacroF1, double MicroF1, double MicroPrecision, double MicroRecall);

/// <summary>
/// Interpretability metrics of IDC (§4, Table 2; official <c>interpretability_metrics.py</c>, "IM"), in the paper's and in
/// the code's definitions where they differ (digest §3), plus the code's greedy cluster-to-label accuracy.
/// </summary>
public static class InterpretabilityMetrics
{
    /// <summary>
    /// The code's ACC (NMCE <c>cluster_match</c>, IDC TE:306-332): repeatedly take the largest remaining entry of the
    /// cluster × label contingency table and remove its row and column. A lower bound of the Hungarian ACC.
    /// </summary>
    public static double GreedyAccuracy(long[] truth, long[] pred)
    {
        if (truth.Length != pred.Length || truth.Length == 0) throw new ArgumentException($"truth and pred must have the same non-zero length; got {truth.Length} and {pred.Length}.");
        var labels = truth.Distinct().OrderBy(v => v).ToArray();
        var clusters = pred.Distinct().OrderBy(v => v).ToArray();
        var li = labels.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i);
        var ci = clusters.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i);
        var table = new long[clusters.Length, labels.Length];
        for (int i = 0; i < truth.Length; i++) table[ci[pred[i]], li[truth[i]]]++;
        var rowUsed = new bool[clusters.Length]; var colUsed = new bool[labels.Length];
        long correct = 0;
        for (int step = 0; step < Math.Min(clusters.Length, labels.Length); step++)
        {
            long best = -1; int br = -1, bc = -1;
            for (int r = 0; r < clusters.Length; r++)
            {
                if (rowUsed[r]) continue;
                for (int c = 0; c < labels.Length; c++)
                    if (!colUsed[c] && table[r, c] > best) { best = table[r, c]; br = r; bc = c; }
            }
            rowUsed[br] = true; colUsed[bc] = true; correct += best;
        }
        return (double)correct / truth.Length;
    }

    /// <summary>
    /// Uniqueness in the code's definition (IM:82-96): for each sample its Euclidean nearest neighbour (other than itself),
    /// ‖w_i − w_nn‖ / ‖x_i − x_nn‖, averaged over samples. <paramref name="x"/> [N,D], <paramref name="w"/> [N,D] the
    /// explanations (gates or attributions). Neighbours at distance 0 (duplicates) are skipped.
    /// </summary>
    public static double UniquenessCode(Tensor x, Tensor w)
    {
        using var scope = NewDisposeScope();
        var (dx, dw) = PairDistances(x, w);
        long n = dx.shape[0];
        var masked = dx.clone();
        masked.masked_fill_(masked.le(0).logical_or(eye(n, dtype: ScalarType.Bool, device: masked.device)), double.PositiveInfinity);   // self and duplicates
        var (dmin, nn) = masked.min(1);
        var ok = dmin.isfinite();
        var ratio = dw.gather(1, nn.unsqueeze(1)).squeeze(1) / dmin;
        return ratio.masked_select(ok).mean().ToDouble();
    }

    /// <summary>
    /// Uniqueness in the paper's definition (§4): min over pairs with 0 &lt; ‖x_i − x_k‖ ≤ ε of ‖w_i − w_k‖ / ‖x_i − x_k‖.
    /// NaN when no pair is within ε.
    /// </summary>
    public static double UniquenessPaper(Tensor x, Tensor w, double eps)
    {
        using var scope = NewDisposeScope();
        var (dx, dw) = PairDistances(x, w);
        var ok = dx.gt(0).logical_and(dx.le(eps)).logical_and(eye(dx.shape[0], dtype: ScalarType.Bool, device: dx.device).logical_not());
        if (!ok.any().item<bool>()) return double.NaN;
        return (dw / dx.clamp_min(1e-300)).masked_select(ok).min().ToDouble();
    }

    static (Tensor Dx, Tensor Dw) PairDistances(Tensor x, Tensor w)
    {
        if (x.dim() != 2 || w.dim() != 2 || x.shape[0] != w.shape[0])
            throw new ArgumentException($"x and w must be [N,D] with the same N; got [{string.Join(",", x.shape)}] and [{string.Join(",", w.shape)}].");
        var xd = x.to(ScalarType.Float64); var wd = w.to(ScalarType.Float64).to(xd.device);
        // Direct differences, not torch's default ‖a‖² + ‖b‖² − 2ab for more than 25 rows: its rounding leaves self and
        // duplicate distances at ~1e−7 instead of 0, and their ratio would then be noise / noise.
        return (Exact(xd), Exact(wd));
    }

    /// <summary>Euclidean distances between the rows of <paramref name="x"/> [N,D] by direct differences, [N,N]
    /// (exact zeros for equal rows).</summary>
    internal static Tensor Exact(Tensor x) => cdist(x, x, compute_mode: compute_mode.donot_use_mm_for_euclid_dist);

    /// <summary>The selected-feature set of each cluster, S_c = {d : median_{i∈c} gate_id &gt; 0} (IM:64-70).</summary>
    public static bool[][] ClusterSupports(Tensor gates, long[] clusters, int k)
    {
        var sets = new bool[k][];
        for (int c = 0; c < k; c++)
        {
            var rows = Enumerable.Range(0, clusters.Length).Where(i => clusters[i] == c).Select(i => (long)i).ToArray();
            if (rows.Length == 0) { sets[c] = new bool[gates.shape[1]]; continue; }
            using var sel = gates.index_select(0, tensor(rows, device: gates.device)).to(ScalarType.Float64);
            // numpy's median of an even count averages the two middle values; torch's returns the lower one.
            using var sorted = sel.sort(0).Values;
            long m = rows.Length;
            using var med = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
            sets[c] = med.gt(0).cpu().data<bool>().ToArray();
        }
        return sets;
    }

    static double Jaccard(bool[] a, bool[] b)
    {
        int inter = 0, union = 0;
        for (int i = 0; i < a.Length; i++) { if (a[i] && b[i]) inter++; if (a[i] || b[i]) union++; }
        return union == 0 ? 0.0 : (double)inter / union;                                           // sklearn's zero_division = 0
    }

    /// <summary>Diversity in the paper's definition: 100·(1 − Σ_{i&lt;j} J(S_i, S_j) / (K(K−1)/2)).</summary>
    public static double DiversityPaper(IReadOnlyList<bool[]> supports)
    {
        int k = supports.Count;
        if (k < 2) throw new ArgumentException("diversity needs at least 2 clusters.");
        double s = 0;
        for (int i = 0; i < k; i++) for (int j = i + 1; j < k; j++) s += Jaccard(supports[i], supports[j]);
        return 100 * (1 - s / (k * (k - 1) / 2.0));
    }

    /// <summary>Diversity as the code computes it (IM:71-78): the sum runs over all ordered pairs including i = j, over
    /// K(K−1); its maximum for K clusters is 100(1 − 1/(K−1)) (88.9 at K = 10).</summary>
    public static double DiversityCode(IReadOnlyList<bool[]> supports)
    {
        int k = supports.Count;
        if (k < 2) throw new ArgumentException("diversity needs at least 2 clusters.");
        double s = 0;
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) s += Jaccard(supports[i], supports[j]);
        return 100 * (1 - s / (k * (k - 1.0)));
    }

    /// <summary>
    /// Faithfulness (IM:19-35): importance_d = number of samples with gate &gt; 0; features with importance &gt; 0 are
    /// zeroed cumulatively in descending importance (at most <paramref name="maxFeatures"/>), recording the Hungarian ACC of
    /// <paramref name="predict"/> each time; the score is the Pearson correlation of importance and ACC. The same removal
    /// counts with a random order (seeded) give the baseline curve.
    /// </summary>
    public static FaithfulnessResult Faithfulness(Tensor x, Tensor gates, Func<Tensor, Tensor> predict, long[] truth,
        int? maxFeatures = null, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var imp = gates.gt(0).sum(new long[] { 0 }).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var order = Enumerable.Range(0, imp.Length).Where(i => imp[i] > 0).OrderByDescending(i => imp[i]).ThenBy(i => i).ToArray();
        if (maxFeatures is int m) order = order.Take(m).ToArray();
        if (order.Length < 2) throw new ArgumentException("faithfulness needs at least two features with an open gate.");
        var rng = new Random((int)seed);
        var randomOrder = Enumerable.Range(0, imp.Length).OrderBy(_ => rng.Next()).Take(order.Length).ToArray();
        double[] Curve(int[] ord)
        {
            var mask = ones(x.shape[1], dtype: x.dtype, device: x.device);
            var acc = new double[ord.Length];
            for (int i = 0; i < ord.Length; i++)
            {
                mask[ord[i]] = 0;
                using var _ = no_grad();
                acc[i] = ClusterMetrics.Accuracy(truth, predict(x * mask).cpu().data<long>().ToArray());
            }
            return acc;
        }
        var accs = Curve(order);
        var randomAccs = Curve(randomOrder);
        var impSorted = order.Select(i => imp[i]).ToArray();
        return new FaithfulnessResult(order, impSorted, accs, randomAccs, Pearson(impSorted, accs));
    }

    /// <summary>Pearson correlation (NaN when either side is constant).</summary>
    public static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Gate recovery (Table 3): open gates (<paramref name="gates"/> &gt; 0, [N,D]) against the true support [N,D] (bool).</summary>
    public static GateRecovery Recovery(Tensor gates, Tensor support)
    {
        using var scope = NewDisposeScope();
        var open = gates.gt(0); var truth = support.to(ScalarType.Bool).to(open.device);
        var tp = open.logical_and(truth).sum(1).to(ScalarType.Float64);
        var fp = open.logical_and(truth.logical_not()).sum(1).to(ScalarType.Float64);
        var fn = open.logical_not().logical_and(truth).sum(1).to(ScalarType.Float64);
        var f1 = (2 * tp / (2 * tp + fp + fn).clamp_min(1)).mean().ToDouble();
        double TP = tp.sum().ToDouble(), FP = fp.sum().ToDouble(), FN = fn.sum().ToDouble();
        double p = TP + FP == 0 ? 0 : TP / (TP + FP), r = TP + FN == 0 ? 0 : TP / (TP + FN);
        return new GateRecovery(f1, p + r == 0 ? 0 : 2 * p * r / (p + r), p, r);
    }
}
