using Workbench.Evaluation;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>ARI/NMI/ACC on the digest's fixtures (textbook formulas; sklearn values), Hungarian vs brute force, inertia vs a loop.</summary>
public class ClusterMetricsTests
{
    public static IEnumerable<object[]> Fixtures() => new[]
    {
        new object[] { new long[] { 0, 0, 1, 2 }, new long[] { 0, 0, 1, 1 }, 0.5714285714, 0.8, 0.75 },
        new object[] { new long[] { 0, 0, 1, 1 }, new long[] { 1, 1, 0, 0 }, 1.0, 1.0, 1.0 },
        new object[] { new long[] { 0, 0, 0, 0 }, new long[] { 0, 1, 2, 3 }, 0.0, 0.0, 0.25 },
        new object[] { new long[] { 0, 0, 0, 1, 1, 1, 2, 2, 2 }, new long[] { 0, 0, 1, 1, 1, 2, 2, 2, 0 }, 0.1111111111, 0.4206198357, 0.6666666667 },
        new object[] { new long[] { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2 }, new long[] { 1, 1, 1, 0, 0, 0, 2, 2, 2, 2 }, 0.4318181818, 0.6180656463, 0.8 },
    };

    [Theory, MemberData(nameof(Fixtures))]
    public void MetricsEqualTheirFixtures(long[] truth, long[] pred, double ari, double nmi, double acc)
    {
        Assert.Equal(ari, ClusterMetrics.AdjustedRand(truth, pred), 9);
        Assert.Equal(nmi, ClusterMetrics.NormalizedMutualInfo(truth, pred), 9);
        Assert.Equal(acc, ClusterMetrics.Accuracy(truth, pred), 9);
        Assert.Equal(ari, ClusterMetrics.AdjustedRand(tensor(truth), tensor(pred)), 9);
    }

    static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return new[] { items[i] }.Concat(rest).ToArray();
    }

    [Theory]
    [InlineData(1, 3, 3)] [InlineData(2, 4, 6)] [InlineData(3, 6, 5)] [InlineData(4, 5, 6)] [InlineData(5, 2, 6)]
    public void HungarianAccuracyEqualsBruteForce(int seed, int ka, int kb)
    {
        var rng = new Random(seed);
        var truth = Enumerable.Range(0, 60).Select(_ => (long)rng.Next(ka)).ToArray();
        var pred = truth.Select(t => rng.NextDouble() < 0.5 ? t : rng.Next(kb)).Select(v => (long)v).ToArray();
        int size = Math.Max(ka, kb);
        double best = 0;
        foreach (var perm in Permutations(Enumerable.Range(0, size).ToArray()))
            best = Math.Max(best, truth.Zip(pred).Count(p => perm[p.Second] == p.First) / 60.0);
        Assert.Equal(best, ClusterMetrics.Accuracy(truth, pred), 12);
    }

    [Fact]
    public void InertiaEqualsALoop()
    {
        var g = new TorchSharp.torch.Generator(3);
        var x = randn(new long[] { 40, 3 }, dtype: float64, generator: g);
        var lab = randint(0, 4, new long[] { 40 }, generator: g);
        var c = randn(new long[] { 4, 3 }, dtype: float64, generator: g);
        double loop = 0, loopMeans = 0;
        var xs = x.data<double>().ToArray(); var ls = lab.data<long>().ToArray(); var cs = c.data<double>().ToArray();
        var means = new double[4, 3]; var counts = new int[4];
        for (int n = 0; n < 40; n++) { counts[ls[n]]++; for (int j = 0; j < 3; j++) means[ls[n], j] += xs[n * 3 + j]; }
        for (int n = 0; n < 40; n++)
            for (int j = 0; j < 3; j++)
            {
                loop += Math.Pow(xs[n * 3 + j] - cs[ls[n] * 3 + j], 2);
                loopMeans += Math.Pow(xs[n * 3 + j] - means[ls[n], j] / counts[ls[n]], 2);
            }
        Assert.Equal(loop, ClusterMetrics.Inertia(x, lab, c), 9);
        Assert.Equal(loopMeans, ClusterMetrics.Inertia(x, lab), 9);
    }

    [Fact]
    public void MismatchedLengthsAreRejected() =>
        Assert.Throws<ArgumentException>(() => ClusterMetrics.AdjustedRand(new long[] { 0, 1 }, new long[] { 0 }));
}
