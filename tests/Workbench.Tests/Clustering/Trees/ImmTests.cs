using TorchSharp;
using Workbench.Clustering.Trees;
using static TorchSharp.torch;

namespace Workbench.Tests.Clustering.Trees;

/// <summary>IMM (Dasgupta et al. 2020) on a hand-computed fixture, and its guarantees (K leaves, mistakes counted).</summary>
public class ImmTests
{
    // Three clusters with means (0,0), (10,0), (10,10). Cluster 0 also holds (−12,0) and (12,0) (its mean stays (0,0)).
    static readonly double[,] X =
    {
        { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 }, { -12, 0 }, { 12, 0 },
        { 9, 0 }, { 11, 0 }, { 10, -1 }, { 10, 1 },
        { 9, 10 }, { 11, 10 }, { 10, 9 }, { 10, 11 },
    };
    static readonly long[] Y = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2 };

    [Fact]
    public void HandComputedTreeOnTheFixture()
    {
        // Root, centres {0,10,10} on x0 and {0,0,10} on x1, θ ∈ [0,10):
        //   x0: the row (12,0) of cluster 0 is a mistake for every θ < 10 → ≥ 1 mistake;
        //   x1: mistakes(θ) = #{θ ∈ [min, max) of (row, centre)}: 2 at θ = 0 (the rows with x1 = 1), 0 on [1, 9), 1 at 9
        //   → x1, the interval [1, 9), threshold 5, no mistakes.
        // Left node {c0, c1} on x0, θ ∈ [0,10): (12,0) always a mistake, (1,0) on [0,1), (9,0) on [9,10) → 1 mistake on
        //   [1, 9), threshold 5; the row (12,0) is dropped. Right node {c2}: a leaf.
        var imm = new ImmTree(3).Fit(tensor(X), tensor(Y));
        var t = imm.Tree;
        Assert.Equal(3, t.LeafCount);
        Assert.Equal(1, t.Feature[0]);
        Assert.Equal(5.0, t.Threshold[0]);
        int left = t.Left[0];
        Assert.Equal(0, t.Feature[left]);
        Assert.Equal(5.0, t.Threshold[left]);
        Assert.Equal(2L, t.LeafCluster[t.Right[0]]);
        Assert.Equal(1, imm.Mistakes);
        var expected = (long[])Y.Clone(); expected[5] = 1;                 // (12,0) falls into cluster 1's leaf
        Assert.Equal(expected, imm.Labels.data<long>().ToArray());
        Assert.Equal(new[] { 0.0, 0, 10, 0, 10, 10 }, imm.Centres.data<double>().ToArray());
        Assert.Equal(expected, imm.Predict(tensor(X)).data<long>().ToArray());
    }

    [Fact]
    public void MistakeCountMatchesABruteForceScanOfThresholds()
    {
        var g = new Generator(3);
        var x = randn(new long[] { 200, 3 }, dtype: ScalarType.Float64, generator: g);
        var labels = randint(0, 4, new long[] { 200 }, generator: g);
        var rows = TreeRows(x); var y = labels.data<long>().ToArray();
        var centres = Enumerable.Range(0, 4).Select(j => Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 200).Where(r => y[r] == j).Average(r => rows[r][i])).ToArray()).ToArray();
        var (f, theta, count) = Imm.BestSplit(rows, y, centres, Enumerable.Range(0, 200).ToArray(), new[] { 0, 1, 2, 3 });
        int Mistakes(int i, double th) => Enumerable.Range(0, 200).Count(r => rows[r][i] <= th != centres[y[r]][i] <= th);
        Assert.Equal(count, Mistakes(f, theta));
        // brute force over every row value and centre coordinate as θ in [min centre, max centre)
        int best = int.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            double lo = centres.Min(c => c[i]), hi = centres.Max(c => c[i]);
            foreach (var th in rows.Select(r => r[i]).Concat(centres.Select(c => c[i])).Where(v => v >= lo && v < hi))
                best = Math.Min(best, Mistakes(i, th));
        }
        Assert.Equal(best, count);
    }

    [Fact]
    public void KMeansReferenceGivesExactlyKLeavesAndLabelsFromTheTree()
    {
        var g = new Generator(5);
        var x = randn(new long[] { 300, 4 }, dtype: ScalarType.Float64, generator: g);
        var imm = new ImmTree(5, seed: 1).Fit(x);
        Assert.Equal(5, imm.Tree.LeafCount);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, imm.Tree.LeafCluster.Where(c => c >= 0).Order().ToArray());
        Assert.Equal(imm.Labels.data<long>().ToArray(), imm.Tree.Predict(x).data<long>().ToArray());
        long disagree = imm.Labels.ne(imm.ReferenceLabels).sum().ToInt64();
        Assert.True(disagree <= imm.Mistakes, $"{disagree} rows leave their reference cluster but IMM counted {imm.Mistakes} mistakes");
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var x = tensor(X);
        Assert.Contains("one label per row", Assert.Throws<ArgumentException>(() => new ImmTree(3).Fit(x, tensor(new long[] { 0, 1, 2 }))).Message);
        Assert.Contains("every cluster", Assert.Throws<ArgumentException>(() => new ImmTree(4).Fit(x, tensor(Y))).Message);
        Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => new ImmTree(3).Predict(x)).Message);
    }

    internal static double[][] TreeRows(Tensor x) =>
        Enumerable.Range(0, (int)x.shape[0]).Select(r => x[r].data<double>().ToArray()).ToArray();
}
