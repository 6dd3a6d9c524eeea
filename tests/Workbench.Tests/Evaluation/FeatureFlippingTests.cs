using TorchSharp;
using Workbench.Compute;
using Workbench.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>NEON §VII Algorithm 1: the AUC identities of issue 11, independent of any clustering model.</summary>
public class FeatureFlippingTests
{
    static Tensor Points(long n, long d, long seed) => rand(new long[] { n, d }, dtype: float64, generator: Seeds.Generator(seed)) + 1; // no zero entry

    /// <summary>1-based rank of feature j in the order "decreasing R, ties by index", computed by hand.</summary>
    static int Rank(double[] r, int j) => 1 + Enumerable.Range(0, r.Length).Count(i => r[i] > r[j] || (r[i] == r[j] && i < j));

    [Fact]
    public void AlwaysInClusterGivesHundred()
    {
        var z = Points(50, 7, 1);
        var rel = randn(new long[] { 50, 7 }, dtype: float64, generator: Seeds.Generator(2));
        var kde = new KdeImputer(Points(80, 7, 3));
        var curves = FeatureFlipping.Curves(x => zeros(x.shape[0], dtype: int64), z, zeros(50, dtype: int64), rel, kde, Seeds.Generator(4));
        Assert.Equal(new long[] { 50, 7 }, curves.shape);
        Assert.True(FeatureFlipping.Auc(curves).eq(100).all().ToBoolean());
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(4, false)]
    [InlineData(8, true)]
    public void KeyFeatureModelGivesRankFormula(int j, bool ties)
    {
        const int n = 200, d = 9;
        var z = Points(n, d, 5);
        var g = Seeds.Generator(6);
        var rel = ties ? randint(0, 3, new long[] { n, d }, generator: g).to_type(float64)   // many ties: order by index
                       : randn(new long[] { n, d }, dtype: float64, generator: g);
        // g_c = 1 iff feature j is present (zero imputation removes it)
        Func<Tensor, Tensor> predict = x => x[.., j].eq(0).to_type(int64);
        var auc = FeatureFlipping.Auc(FeatureFlipping.Curves(predict, z, zeros(n, dtype: int64), rel, null, Seeds.Generator(7)));
        for (int p = 0; p < n; p++)
        {
            var r = rel[p].data<double>().ToArray();
            double expected = 100.0 * (d - Rank(r, j) + 1) / d;
            Assert.Equal(expected, auc[p].ToDouble(), 12);
        }
    }

    [Fact]
    public void OracleOrderIsMaximalAndRandomOrderAveragesHalf()
    {
        const int n = 4000, d = 6, j = 2;
        var z = Points(n, d, 8);
        Func<Tensor, Tensor> predict = x => x[.., j].eq(0).to_type(int64);
        var c = zeros(n, dtype: int64);
        var oracle = zeros(n, d, dtype: float64); oracle[.., j] = 1;
        var best = FeatureFlipping.Auc(FeatureFlipping.Curves(predict, z, c, oracle, null, Seeds.Generator(9)));
        Assert.True(best.eq(100).all().ToBoolean());
        var random = rand(new long[] { n, d }, dtype: float64, generator: Seeds.Generator(10));
        var auc = FeatureFlipping.Auc(FeatureFlipping.Curves(predict, z, c, random, null, Seeds.Generator(11)));
        double expected = 100.0 * (d + 1) / (2 * d), se = auc.std().ToDouble() / Math.Sqrt(n);
        Assert.InRange(auc.mean().ToDouble(), expected - 4 * se, expected + 4 * se);
        Assert.True(auc.le(best).all().ToBoolean());
    }

    [Fact]
    public void IncrementalDistancesEqualRecomputedOnes()
    {
        // Curves updates ‖z_𝓟 − [x_n]_𝓟‖² one feature at a time; the reference recomputes it from the mask each step.
        const int n = 30, d = 5;
        var data = randn(new long[] { 60, d }, dtype: float64, generator: Seeds.Generator(12));
        var kde = new KdeImputer(data);
        var z = randn(new long[] { n, d }, dtype: float64, generator: Seeds.Generator(13));
        var rel = randn(new long[] { n, d }, dtype: float64, generator: Seeds.Generator(14));
        Tensor? seen = null;
        FeatureFlipping.Curves(x => { seen = x.clone().DetachFromDisposeScope(); return zeros(x.shape[0], dtype: int64); }, z, zeros(n, dtype: int64), rel, kde, Seeds.Generator(15));
        var rank = FeatureFlipping.Order(rel).argsort(1);
        var g = Seeds.Generator(15);
        var reference = stack(Enumerable.Range(0, d).Select(j => kde.SampleConditional(z, rank.lt(j + 1), g)), 0).reshape(d * n, d);
        Assert.True(seen!.allclose(reference, rtol: 1e-9, atol: 1e-9));
        // the last step keeps every feature: the draw is z itself
        Assert.True(seen.reshape(d, n, d)[d - 1].eq(z).all().ToBoolean());
    }

    [Fact]
    public void OrderBreaksTiesByIndex()
    {
        var r = tensor(new double[,] { { 1, 3, 3, 0, 3 } });
        Assert.Equal(new long[] { 1, 2, 4, 0, 3 }, FeatureFlipping.Order(r)[0].data<long>().ToArray());
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var z = Points(4, 3, 1);
        Assert.Throws<ArgumentException>(() => FeatureFlipping.Curves(x => x[.., 0].to_type(int64), z, zeros(4, dtype: int64), zeros(4, 2, dtype: float64), null, Seeds.Generator(1)));
        Assert.Throws<ArgumentException>(() => FeatureFlipping.Order(tensor(new double[,] { { double.NaN, 1 } })));
    }
}
