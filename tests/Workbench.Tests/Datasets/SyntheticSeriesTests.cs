using TorchSharp;
using Workbench.Datasets.Synthetic;
using static TorchSharp.torch;

namespace Workbench.Tests.Datasets;

public class SyntheticSeriesTests
{
    [Fact]
    public void CbfShapesHoldOnTheirDefiningSegments()
    {
        var s = SyntheticSeries.Cbf(30, 60, seed: 1, normalize: false, noise: 0);
        var x = s.XTest.to_type(ScalarType.Float64).data<double>().ToArray();
        var y = s.YTest.data<long>().ToArray();
        Assert.Equal(new long[] { 20, 20, 20 }, y.GroupBy(v => v).OrderBy(g => g.Key).Select(g => (long)g.Count()).ToArray());
        for (int n = 0; n < y.Length; n++)
        {
            var row = x.Skip(n * 128).Take(128).ToArray();
            var nz = Enumerable.Range(0, 128).Where(i => Math.Abs(row[i]) > 1e-9).ToArray();
            int first = nz[0] + 1, last = nz[^1] + 1; // t is 1-based
            Assert.Equal(nz.Length, last - first + 1); // one contiguous segment, zero elsewhere
            int a, b;
            switch (y[n])
            {
                case 0: a = first; b = last; Assert.All(nz, i => Assert.Equal(row[nz[0]], row[i], 5)); break; // cylinder: constant 6+η on [a,b]
                case 1: b = last; a = first - 1; break;  // bell: 0 at t = a
                default: a = first; b = last + 1; break; // funnel: 0 at t = b
            }
            Assert.InRange(a, 16, 32);
            Assert.InRange(b - a, 32, 96);
            if (y[n] != 0)
            {
                double amp = y[n] == 1 ? row[b - 1] : row[a - 1];
                foreach (int i in nz)
                {
                    double t = i + 1, expected = amp * (y[n] == 1 ? (t - a) / (b - a) : (b - t) / (b - a));
                    Assert.Equal(expected, row[i], 4); // float32 output
                }
            }
        }
    }

    [Fact]
    public void GeneratorsAreSeededBalancedAndZNormalised()
    {
        foreach (var id in SyntheticSeries.Ids)
        {
            var a = SyntheticSeries.Generate(id, 24, 48, seed: 3);
            var b = SyntheticSeries.Generate(id, 24, 48, seed: 3);
            Assert.True(a.XTest.eq(b.XTest).all().item<bool>());
            Assert.Equal(48, a.XTest.shape[0]);
            var mean = a.XTest.mean([1]).abs().max().ToDouble();
            var sd = a.XTest.std(1, unbiased: false);
            Assert.True(mean < 1e-5, $"{id}: mean {mean}");
            Assert.True((sd - 1).abs().max().ToDouble() < 1e-4, $"{id}: sd");
            var counts = a.YTest.bincount(null).data<long>().ToArray();
            Assert.Equal(a.ClassCount, counts.Length);
            Assert.True(counts.Max() - counts.Min() <= 1);
        }
        Assert.Throws<ArgumentException>(() => SyntheticSeries.Generate("trace", 10, 10));
    }

    [Theory]
    [InlineData("cbf", 30, 900, 128, 3)]
    [InlineData("synthetic-control", 300, 300, 60, 6)]
    [InlineData("two-patterns", 1000, 4000, 128, 4)]
    public void CatalogGeneratorsLoadThroughDatasetLoad(string id, int nTrain, int nTest, int T, int k)
    {
        var ds = Workbench.Datasets.Dataset.Load(id, seed: 3);
        Assert.Equal(nTrain + nTest, ds.Count);
        Assert.Equal(T, ds.FeatureCount);
        Assert.Equal(k, ds.LabelNames.Length);
        var s = SyntheticSeries.Generate(id, nTrain, nTest, seed: 3);
        var test = ds.Where("split", "test");
        Assert.Equal(s.XTest.to_type(ScalarType.Float64).data<double>().ToArray(), test.Features().data<double>().ToArray());
        Assert.Equal(s.YTest.data<long>().ToArray(), test.Labels);
        Assert.Equal(s.YTrain.data<long>().ToArray(), ds.Where("split", "train").Labels);
        Assert.Equal(s.ClassNames, ds.LabelNames);
        // seeded: the same seed gives the same series, another seed others
        Assert.Equal(ds.Features().data<double>().ToArray(), Workbench.Datasets.Dataset.Load(id, seed: 3).Features().data<double>().ToArray());
        Assert.NotEqual(ds.Features().data<double>().ToArray(), Workbench.Datasets.Dataset.Load(id, seed: 4).Features().data<double>().ToArray());
        // nothing to fetch, also offline
        Assert.True(Workbench.Datasets.Datasets.IsCached(id));
        Assert.Equal("generated in code", Workbench.Datasets.Datasets.Fetch(id)[0].Source);
    }

    [Fact]
    public void TwoPatternsStepsHaveTheirClassDirection()
    {
        var s = SyntheticSeries.TwoPatterns(8, 200, seed: 2);
        var x = s.XTest.to_type(ScalarType.Float64).data<double>().ToArray();
        var y = s.YTest.data<long>().ToArray();
        for (int n = 0; n < y.Length; n++)
        {
            var row = x.Skip(n * 128).Take(128).ToArray();
            // the plateaus are runs of ≥ 8 equal values; + for the +5 level, − for −5. Up = (−, +), down = (+, −);
            // when the second pattern starts right after the first and the levels meet, the two middle plateaus merge.
            var runs = new List<char>();
            int i = 0;
            while (i < 128) { int j = i; while (j + 1 < 128 && row[j + 1] == row[i]) j++; if (j - i + 1 >= 8) runs.Add(row[i] > 0 ? '+' : '-'); i = j + 1; }
            string up = "-+", down = "+-";
            string expected = (y[n] is 1 or 3 ? up : down) + (y[n] is 2 or 3 ? up : down);
            string merged = expected[1] == expected[2] ? expected.Remove(2, 1) : expected;
            string got = new string(runs.ToArray());
            Assert.True(got == expected || got == merged, $"series {n}, class {y[n]}: plateaus {got}, expected {expected}");
        }
    }
}
