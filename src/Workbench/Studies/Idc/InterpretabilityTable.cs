using TorchSharp;
using Workbench.Evaluation;
using static TorchSharp.torch;

namespace Workbench.Studies.Idc;

/// <summary>
/// One row of IDC Table 2 on one subset: the clustering's Hungarian ACC, |S| (median number of selected features per
/// sample), uniqueness in the code's (nearest neighbour, mean) and the paper's (min over pairs within ε) definitions,
/// diversity in the paper's (pairs i &lt; j) and the code's (diagonal included) definitions, and faithfulness (Pearson
/// correlation of importance with ACC after cumulative removal, code IM:19-35) with its curves. NonEmptySupports E is the
/// number of clusters whose support S_c is not empty: the code's diversity equals the paper's − 100·E/(K(K−1)).
/// </summary>
public sealed record InterpretabilityRow(string Method, double Accuracy, double SelectedFeatures, double UniquenessCode,
    double UniquenessPaper, double DiversityPaper, double DiversityCode, double Faithfulness, double NonEmptySupports, FaithfulnessResult Curves);

/// <summary>IDC §5 and Table 2: turning attributions into selections and scoring a selection on a subset.</summary>
public static class InterpretabilityTable
{
    /// <summary>
    /// The <paramref name="k"/> features of largest |attribution| of each row as a 0/1 selection [N,D] (Table 2: "we take
    /// 15 top feature importance indices, the number of selected gates by our model"). Ties are broken by torch's topk.
    /// </summary>
    public static Tensor TopK(Tensor attributions, int k)
    {
        if (attributions.dim() != 2) throw new ArgumentException($"attributions must be [N,D]; got [{string.Join(", ", attributions.shape)}].");
        if (k < 1 || k > attributions.shape[1]) throw new ArgumentException($"k must be in 1…{attributions.shape[1]}; got {k}.");
        if (!attributions.isfinite().all().item<bool>()) throw new ArgumentException("attributions contain NaN or infinity; check the explainer's input.");
        using var scope = NewDisposeScope();
        var idx = attributions.abs().topk(k, dim: 1).indexes;
        return zeros_like(attributions, dtype: ScalarType.Float32).scatter_(1, idx, ones(idx.shape, dtype: ScalarType.Float32, device: idx.device))
            .MoveToOuterDisposeScope();
    }

    /// <summary>ε of the paper's uniqueness: the median distance of a row of <paramref name="x"/> to its nearest other row
    /// (the paper gives no value; with it half of the rows have a neighbour within ε).</summary>
    public static double MedianNearestNeighbourDistance(Tensor x)
    {
        using var scope = NewDisposeScope();
        var xd = x.to(ScalarType.Float64);
        var dist = InterpretabilityMetrics.Exact(xd);                                   // exact zeros on the diagonal and for duplicates
        dist.masked_fill_(dist.le(0).logical_or(eye(xd.shape[0], dtype: ScalarType.Bool, device: xd.device)), double.PositiveInfinity);
        var nn = dist.amin(new long[] { 1 });
        return nn.masked_select(nn.isfinite()).median().ToDouble();
    }

    /// <summary>
    /// Scores a selection <paramref name="w"/> [N,D] (gate values or 0/1 top-k selections; a feature is selected where
    /// w &gt; 0) of the clustering <paramref name="clusters"/> [N] (K clusters) of <paramref name="x"/> [N,D] against the
    /// labels <paramref name="truth"/>. Faithfulness removes the selected features in descending order of how many rows
    /// select them (at most <paramref name="maxFeatures"/>) and reclusters the masked data with <paramref name="predict"/>;
    /// uniqueness (paper) uses <paramref name="eps"/>.
    /// </summary>
    public static InterpretabilityRow Score(string method, Tensor x, Tensor w, long[] clusters, int k, long[] truth,
        Func<Tensor, Tensor> predict, double eps, int? maxFeatures = null, long seed = 0)
    {
        if (w.shape[0] != x.shape[0] || w.shape[1] != x.shape[1])
            throw new ArgumentException($"w must have the shape of x [{x.shape[0]},{x.shape[1]}]; got [{string.Join(", ", w.shape)}].");
        if (clusters.Length != x.shape[0] || truth.Length != x.shape[0])
            throw new ArgumentException($"clusters ({clusters.Length}) and truth ({truth.Length}) need one entry per row of x ({x.shape[0]}).");
        using var scope = NewDisposeScope();
        double acc = ClusterMetrics.Accuracy(truth, clusters);
        double size = w.gt(0).sum(new long[] { 1 }).to(ScalarType.Float64).median().ToDouble();
        var supports = InterpretabilityMetrics.ClusterSupports(w, clusters, k);
        var faith = InterpretabilityMetrics.Faithfulness(x, w, predict, truth, maxFeatures, seed);
        return new InterpretabilityRow(method, acc, size, InterpretabilityMetrics.UniquenessCode(x, w), InterpretabilityMetrics.UniquenessPaper(x, w, eps),
            InterpretabilityMetrics.DiversityPaper(supports), InterpretabilityMetrics.DiversityCode(supports), faith.Correlation,
            supports.Count(sc => sc.Any(v => v)), faith);
    }

    /// <summary>The mean of each numeric column over subsets (Table 2 averages ten 1k subsets), with the method name.</summary>
    public static InterpretabilityRow Mean(IReadOnlyList<InterpretabilityRow> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows to average.");
        double M(Func<InterpretabilityRow, double> f) => rows.Average(f);
        return new InterpretabilityRow(rows[0].Method, M(r => r.Accuracy), M(r => r.SelectedFeatures), M(r => r.UniquenessCode),
            M(r => r.UniquenessPaper), M(r => r.DiversityPaper), M(r => r.DiversityCode), M(r => r.Faithfulness), M(r => r.NonEmptySupports), rows[0].Curves);
    }
}
