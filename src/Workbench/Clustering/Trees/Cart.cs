namespace Workbench.Clustering.Trees;

/// <summary>
/// CART classification tree (Breiman et al. 1984) as scikit-learn's <c>DecisionTreeClassifier(criterion="gini",
/// max_depth=…)</c> grows it with its other defaults: best split over all features by the weighted Gini impurity of the
/// children, thresholds halfway between consecutive distinct values (values closer than 1e-7 are not split), a node
/// split while it is impure, holds ≥ 2 rows, is above the depth limit and has a valid split; a leaf predicts its most
/// frequent class (the lowest on ties). scikit-learn visits the features in a random order, so on exact ties between
/// features the trees may differ; here the lower feature wins.
/// </summary>
public static class Cart
{
    const double FeatureThreshold = 1e-7;   // sklearn/tree/_splitter.pyx

    /// <summary>Grows the tree on rows <paramref name="x"/> [N][D] with classes <paramref name="y"/> in 0..<paramref name="classes"/>−1.</summary>
    public static ThresholdTree Grow(double[][] x, long[] y, int classes, int maxDepth)
    {
        if (maxDepth < 1) throw new ArgumentException($"maxDepth must be ≥ 1; got {maxDepth}.", nameof(maxDepth));
        var tree = new ThresholdTree();
        Build(Enumerable.Range(0, x.Length).ToArray(), 0);
        return tree;

        int Build(int[] rows, int depth)
        {
            var counts = new long[classes];
            foreach (var r in rows) counts[y[r]]++;
            long majority = Array.IndexOf(counts, counts.Max());
            bool pure = counts.Count(c => c > 0) <= 1;
            if (pure || depth >= maxDepth || rows.Length < 2) return tree.AddLeaf(majority);
            var split = BestSplit(x, y, classes, rows, counts);
            if (split is null) return tree.AddLeaf(majority);
            var (feature, threshold) = split.Value;
            int node = tree.AddSplit(feature, threshold);
            int l = Build(rows.Where(r => x[r][feature] <= threshold).ToArray(), depth + 1);
            int rr = Build(rows.Where(r => x[r][feature] > threshold).ToArray(), depth + 1);
            tree.Link(node, l, rr);
            return node;
        }
    }

    /// <summary>Split of least weighted child Gini impurity n_L·G_L + n_R·G_R, G = 1 − Σ_c p_c²; null when every feature is constant.</summary>
    static (int Feature, double Threshold)? BestSplit(double[][] x, long[] y, int classes, int[] rows, long[] counts)
    {
        int d = x[0].Length, n = rows.Length;
        double best = double.PositiveInfinity; (int, double)? result = null;
        var order = new int[n]; var values = new double[n];
        var left = new long[classes];
        for (int i = 0; i < d; i++)
        {
            for (int t = 0; t < n; t++) { order[t] = rows[t]; values[t] = x[rows[t]][i]; }
            Array.Sort(values, order);
            if (values[n - 1] <= values[0] + FeatureThreshold) continue;
            Array.Clear(left);
            double sumSqLeft = 0, sumSqRight = counts.Sum(c => (double)c * c);
            for (int p = 1; p < n; p++)
            {
                long c = y[order[p - 1]];
                // move one row of class c from right to left, updating Σ count² on both sides
                sumSqLeft += 2 * left[c] + 1; left[c]++;
                long rightC = counts[c] - left[c];
                sumSqRight -= 2 * rightC + 1;
                if (values[p] <= values[p - 1] + FeatureThreshold) continue;
                double nl = p, nr = n - p;
                double impurity = nl - sumSqLeft / nl + nr - sumSqRight / nr;   // n_L·G_L + n_R·G_R
                if (impurity < best - 1e-12)
                {
                    best = impurity;
                    double threshold = values[p - 1] / 2.0 + values[p] / 2.0;
                    if (threshold == values[p] || double.IsInfinity(threshold)) threshold = values[p - 1];
                    result = (i, threshold);
                }
            }
        }
        return result;
    }
}
