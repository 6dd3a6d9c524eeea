namespace Workbench.Evaluation;

/// <summary>
/// The assignment problem (Kuhn–Munkres, O(n³) with potentials): a permutation minimising Σ_i cost[i, π(i)] over a
/// square cost matrix. Used by <see cref="ClusterMetrics.Accuracy(long[], long[])"/>.
/// </summary>
public static class Hungarian
{
    /// <summary>Column assigned to each row of the square <paramref name="cost"/> matrix at minimum total cost.</summary>
    public static int[] Solve(double[,] cost)
    {
        int n = cost.GetLength(0);
        if (cost.GetLength(1) != n) throw new ArgumentException($"The cost matrix must be square; got {n}×{cost.GetLength(1)}. Pad it with zeros.");
        var u = new double[n + 1];
        var v = new double[n + 1];
        var p = new int[n + 1];     // p[j]: row matched to column j (1-based, 0 = none)
        var way = new int[n + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double cur = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= n; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do { int j1 = way[j0]; p[j0] = p[j1]; j0 = j1; } while (j0 != 0);
        }
        var assign = new int[n];
        for (int j = 1; j <= n; j++) assign[p[j] - 1] = j - 1;
        return assign;
    }
}
