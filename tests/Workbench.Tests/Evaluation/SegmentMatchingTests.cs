using TorchSharp;
using Workbench.Compute;
using Workbench.Evaluation;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>NEON Fig. 8 scoring (digest §6.9): Hungarian matching = brute force, S = 1 on the masks, S invariant to positive scaling.</summary>
public class SegmentMatchingTests
{
    static double BruteForce(double[,] w)
    {
        int m = w.GetLength(0), k = w.GetLength(1);
        double best = double.NegativeInfinity;
        // every injective map of the smaller side into the larger
        void Go(int i, bool[] used, double sum)
        {
            if (i == Math.Min(m, k)) { best = Math.Max(best, sum); return; }
            for (int j = 0; j < Math.Max(m, k); j++)
            {
                if (used[j]) continue;
                used[j] = true;
                Go(i + 1, used, sum + (m <= k ? w[i, j] : w[j, i]));
                used[j] = false;
            }
        }
        Go(0, new bool[Math.Max(m, k)], 0);
        return best;
    }

    [Theory, InlineData(1), InlineData(2), InlineData(3), InlineData(4), InlineData(5), InlineData(6)]
    public void MatchingEqualsBruteForceForFourClustersAndUpToSixMasks(int masks)
    {
        var rng = new Random(masks);
        for (int trial = 0; trial < 50; trial++)
        {
            var w = new double[masks, 4];
            for (int i = 0; i < masks; i++) for (int j = 0; j < 4; j++) w[i, j] = trial % 5 == 0 ? Math.Round(rng.NextDouble() * 2 - 1, 1) : rng.NextDouble() * 2 - 1;   // some ties
            var pairs = SegmentMatching.Match(w);
            Assert.Equal(Math.Min(masks, 4), pairs.Length);
            Assert.Equal(pairs.Length, pairs.Select(p => p.Mask).Distinct().Count());
            Assert.Equal(pairs.Length, pairs.Select(p => p.Heatmap).Distinct().Count());
            Assert.Equal(BruteForce(w), pairs.Sum(p => w[p.Mask, p.Heatmap]), 12);
        }
    }

    static Tensor Masks(int m, int side, long seed)
    {
        // m disjoint rectangles at seeded places, the last mask = everything else (the background segment)
        var g = new Random((int)seed);
        var lab = zeros(side, side, dtype: ScalarType.Int64).fill_(m - 1);
        for (int i = 0; i < m - 1; i++)
        {
            int r = i * side / (m - 1), h = Math.Max(1, side / (m - 1) - 1), c = g.Next(0, side / 2);
            lab[TensorIndex.Slice(r, r + h), TensorIndex.Slice(c, c + side / 3)].fill_(i);
        }
        return nn.functional.one_hot(lab, m).permute(2, 0, 1).to_type(ScalarType.Float64);
    }

    [Fact]
    public void HeatmapsEqualToTheMasksScoreOne()
    {
        var masks = Masks(4, 24, 1);
        var perm = tensor(new long[] { 2, 0, 3, 1 });
        var s = SegmentMatching.Score(masks, masks.index_select(0, perm));
        Assert.Equal(1.0, s.S, 12);
        foreach (var (mask, heat) in s.Pairs) Assert.Equal(mask, (int)perm[heat].ToInt64());
        // three masks, four heatmaps of which three are the masks: every mask finds its own
        var three = Masks(3, 24, 2);
        var heats = cat(new[] { three, randn(1, 24, 24, dtype: ScalarType.Float64, generator: Seeds.Generator(0)) });
        Assert.Equal(1.0, SegmentMatching.Score(three, heats).S, 12);
    }

    [Fact]
    public void TheScoreIsInvariantToAPositiveScalingOfAHeatmap()
    {
        var masks = Masks(5, 20, 3);
        var heats = randn(4, 20, 20, dtype: ScalarType.Float64, generator: Seeds.Generator(4)) + masks.narrow(0, 0, 4);
        var s0 = SegmentMatching.Score(masks, heats);
        var scale = tensor(new[] { 3.0, 0.01, 1.0, 250.0 }).reshape(4, 1, 1);
        var s1 = SegmentMatching.Score(masks, heats * scale);
        Assert.Equal(s0.S, s1.S, 12);
        Assert.Equal(s0.Pairs, s1.Pairs);
        Assert.InRange(s0.S, -1, 1);
        // a negative scaling is not harmless: it flips the sign of that heatmap's cosines
        var flipped = SegmentMatching.Cosines(masks, -heats);
        Assert.Equal(-SegmentMatching.Cosines(masks, heats).sum().ToDouble(), flipped.sum().ToDouble(), 10);
    }

    [Fact]
    public void BadShapesAreRefusedWithAClearMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => SegmentMatching.Score(zeros(3, 8, 8), zeros(4, 8, 9)));
        Assert.Contains("same pixels", e.Message);
        Assert.Throws<ArgumentException>(() => SegmentMatching.Score(ones(2, 4, 4), full(new long[] { 4, 4, 4 }, double.NaN)));
    }
}
