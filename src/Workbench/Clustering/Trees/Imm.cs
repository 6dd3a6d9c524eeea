namespace Workbench.Clustering.Trees;

/// <summary>
/// Iterative Mistake Minimization (Dasgupta, Frost, Moshkovitz &amp; Rashtchian 2020, Alg. 1), the core of ExKMC: a
/// threshold tree with exactly K leaves that explains a reference clustering given by its centres. Each node holds
/// the centres that reach it and the rows not yet mistaken; it splits on the feature i and threshold θ, with
/// min_j μ_j,i ≤ θ &lt; max_j μ_j,i over its centres (so both sides keep a centre), that separates the fewest rows
/// from their own centre (a mistake: x_i ≤ θ while μ_y(x),i &gt; θ, or the reverse). Mistaken rows are dropped below
/// the split; the recursion stops when one centre is left.
/// </summary>
public static class Imm
{
    /// <summary>
    /// Grows the IMM tree for rows <paramref name="x"/> [N][D] assigned to <paramref name="labels"/> (0..K−1) with
    /// centres <paramref name="centres"/> [K][D]. Ties go to the lower feature, then the lower threshold. Each
    /// threshold is the midpoint between the chosen value and the next value at which the mistake count can change,
    /// so the training rows fall as counted. <paramref name="mistakes"/> is the total number of rows dropped.
    /// </summary>
    public static ThresholdTree Grow(double[][] x, long[] labels, double[][] centres, out int mistakes)
    {
        int k = centres.Length;
        var tree = new ThresholdTree();
        int total = 0;
        Build(Enumerable.Range(0, x.Length).ToArray(), Enumerable.Range(0, k).ToArray());
        mistakes = total;
        return tree;

        int Build(int[] rows, int[] ids)
        {
            if (ids.Length == 1) return tree.AddLeaf(ids[0]);
            var (feature, theta, count) = BestSplit(x, labels, centres, rows, ids);
            total += count;
            int node = tree.AddSplit(feature, theta);
            var leftIds = ids.Where(j => centres[j][feature] <= theta).ToArray();
            var rightIds = ids.Where(j => centres[j][feature] > theta).ToArray();
            // rows on their centre's side go on; mistaken rows are dropped (IMM Alg. 1)
            var kept = rows.Where(r => x[r][feature] <= theta == centres[labels[r]][feature] <= theta).ToArray();
            int l = Build(kept.Where(r => x[r][feature] <= theta).ToArray(), leftIds);
            int rr = Build(kept.Where(r => x[r][feature] > theta).ToArray(), rightIds);
            tree.Link(node, l, rr);
            return node;
        }
    }

    /// <summary>
    /// The split of fewest mistakes at a node: mistakes(i, θ) = #{rows r : min(x_ri, μ_i) ≤ θ &lt; max(x_ri, μ_i)} (μ the
    /// row's centre), counted for every candidate θ by two binary searches over the sorted interval ends.
    /// </summary>
    internal static (int Feature, double Threshold, int Mistakes) BestSplit(double[][] x, long[] labels, double[][] centres, int[] rows, int[] ids)
    {
        int d = centres[0].Length;
        int bestFeature = -1, bestCount = int.MaxValue; double bestTheta = 0;
        for (int i = 0; i < d; i++)
        {
            double lo = ids.Min(j => centres[j][i]), hi = ids.Max(j => centres[j][i]);
            if (!(lo < hi)) continue;                                  // every centre on one side: no valid θ
            var starts = new List<double>(rows.Length); var ends = new List<double>(rows.Length);
            foreach (var r in rows)
            {
                double a = x[r][i], b = centres[labels[r]][i];
                if (a != b) { starts.Add(Math.Min(a, b)); ends.Add(Math.Max(a, b)); }
            }
            var s = starts.ToArray(); var e = ends.ToArray();
            Array.Sort(s); Array.Sort(e);
            // the count changes only at interval ends; centre coordinates bound the admissible range
            var candidates = s.Concat(e).Concat(ids.Select(j => centres[j][i])).Where(v => v >= lo && v <= hi).Distinct().Order().ToArray();
            for (int c = 0; c < candidates.Length - 1; c++)   // the last candidate is hi itself, not admissible (θ < hi)
            {
                double v = candidates[c];
                int count = UpperBound(s, v) - UpperBound(e, v);        // #(start ≤ v) − #(end ≤ v)
                if (count < bestCount)
                {
                    bestCount = count; bestFeature = i; bestTheta = (v + candidates[c + 1]) / 2;
                }
            }
        }
        if (bestFeature < 0) throw new ArgumentException("Two or more centres coincide on every feature; IMM needs distinct centres.");
        return (bestFeature, bestTheta, bestCount);
    }

    static int UpperBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) >> 1; if (sorted[mid] <= v) lo = mid + 1; else hi = mid; }
        return lo;
    }
}
