using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// NEON §VI-C, Fig. 8 and App. J: how well K cluster heatmaps summarise an image's segments. The cosine similarity of every
/// segment mask with every heatmap (over pixels, signed heatmaps as they come), a maximum-weight one-to-one matching of
/// masks to heatmaps (Hungarian algorithm), and the score S ∈ [−1, 1] = the mean cosine over the matched pairs.
/// </summary>
public static class SegmentMatching
{
    /// <summary>
    /// cos(mask m, heatmap k) for masks [M,…] and heatmaps [K,…] of the same pixel shape, as [M,K] float64. A zero mask or a
    /// zero heatmap has cosine 0 with everything.
    /// </summary>
    public static Tensor Cosines(Tensor masks, Tensor heatmaps)
    {
        if (masks.dim() < 2 || heatmaps.dim() < 2)
            throw new ArgumentException($"masks [M,…] and heatmaps [K,…] need a leading axis; got [{string.Join(",", masks.shape)}] and [{string.Join(",", heatmaps.shape)}].");
        if (!masks.shape.Skip(1).SequenceEqual(heatmaps.shape.Skip(1)))
            throw new ArgumentException($"masks and heatmaps must cover the same pixels; got [{string.Join(",", masks.shape.Skip(1))}] and [{string.Join(",", heatmaps.shape.Skip(1))}]. " +
                                        "Sum heatmaps over colour channels and resize masks to the heatmap's size first.");
        using var scope = NewDisposeScope();
        var m = masks.to_type(ScalarType.Float64).flatten(1);
        var h = heatmaps.to(m.device).to_type(ScalarType.Float64).flatten(1);
        if (!h.isfinite().all().ToBoolean()) throw new ArgumentException("a heatmap holds NaN or infinity; fix the explanation before scoring it.");
        var mn = m.norm(1, keepdim: true); var hn = h.norm(1, keepdim: true);
        var mu = m / mn.masked_fill(mn.eq(0), 1); var hu = h / hn.masked_fill(hn.eq(0), 1);
        return mu.matmul(hu.T).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The maximum-weight one-to-one matching of the rows (masks) and columns (heatmaps) of <paramref name="weights"/> [M,K]:
    /// min(M, K) pairs (mask, heatmap) maximising the summed weight (Hungarian algorithm on the zero-padded square problem).
    /// </summary>
    public static (int Mask, int Heatmap)[] Match(double[,] weights)
    {
        int m = weights.GetLength(0), k = weights.GetLength(1), n = Math.Max(m, k);
        if (m == 0 || k == 0) throw new ArgumentException($"matching needs at least one mask and one heatmap; got {m}×{k}.");
        var cost = new double[n, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < k; j++)
            {
                if (!double.IsFinite(weights[i, j])) throw new ArgumentException($"weight [{i},{j}] is {weights[i, j]}; the matching needs finite weights.");
                cost[i, j] = -weights[i, j];
            }
        var assign = Hungarian.Solve(cost);
        return Enumerable.Range(0, m).Where(i => assign[i] < k).Select(i => (i, assign[i])).ToArray();
    }

    /// <summary>S = mean matched cosine of <paramref name="masks"/> [M,…] against <paramref name="heatmaps"/> [K,…] (NEON Fig. 8).</summary>
    public static SegmentScore Score(Tensor masks, Tensor heatmaps)
    {
        using var cos = Cosines(masks, heatmaps).cpu();
        long m = cos.shape[0], k = cos.shape[1];
        var w = new double[m, k];
        var flat = cos.data<double>().ToArray();
        for (int i = 0; i < m; i++) for (int j = 0; j < k; j++) w[i, j] = flat[i * k + j];
        var pairs = Match(w);
        var matched = pairs.Select(p => w[p.Mask, p.Heatmap]).ToArray();
        return new SegmentScore(matched.Average(), pairs, matched, w);
    }
}

/// <summary>The score of one image (<see cref="SegmentMatching.Score"/>): S, the matched (mask, heatmap) pairs, their cosines and all cosines [M,K].</summary>
/// <param name="S">mean cosine over the matched pairs, in [−1, 1]</param>
/// <param name="Pairs">matched (mask, heatmap) indices, min(M, K) of them</param>
/// <param name="Matched">cosine of each matched pair, in <paramref name="Pairs"/>' order</param>
/// <param name="Cosines">cosine of every mask with every heatmap, [M,K]</param>
public sealed record SegmentScore(double S, (int Mask, int Heatmap)[] Pairs, double[] Matched, double[,] Cosines);
