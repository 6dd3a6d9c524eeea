using TorchSharp;
using Workbench.Compute;
using Workbench.Evaluation;
using Workbench.Neuralization;
using Xunit;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary>
/// PDA₀ and PDA_cs (NEON Table I): the chunked PDA_cs gives the numbers of the unchunked computation bit for bit, and the
/// decision-function variants (g_c) against a hand computation.
/// </summary>
public class PdaTests
{
    static (Tensor X, ExplainedModel Model) KMeansModel(int k, long seed, int n, int d)
    {
        var g = Seeds.Generator(seed);
        var mu = randn(new long[] { k, d }, dtype: float64, generator: g) * 2;
        var x = randn(new long[] { n, d }, dtype: float64, generator: g) * 2;
        return (x, ExplainedModel.From(new NeuralizedKMeans(mu)));
    }

    /// <summary>The PDA_cs of the first implementation (one [B,N,d] tensor, α repeated per sample), kept as the oracle.</summary>
    static Tensor UnchunkedPdaConditional(ExplainedModel model, KdeImputer kde, Tensor x, Tensor c, Generator g, int samples = 10)
    {
        long b = x.shape[0], d = x.shape[1];
        var full = (x.unsqueeze(1) - kde.Data.unsqueeze(0)).pow(2);
        var total = full.sum(new long[] { 2 });
        var f0 = model.F(x, c);
        var r = zeros(b, d, dtype: float64);
        var cs = c.repeat(samples);
        for (long i = 0; i < d; i++)
        {
            var alpha = kde.Weights(total - full[.., .., i]);
            var idx = KdeImputer.SampleIndices(alpha.repeat(samples, 1), g);
            var xi = kde.Data[.., i].index_select(0, idx) + kde.Sigma * randn(new long[] { samples * b }, dtype: float64, generator: g);
            var xs = x.repeat(samples, 1);
            xs[.., i] = xi;
            r[.., i] = f0 - model.F(xs, cs).reshape(samples, b).mean(new long[] { 0 });
        }
        return r;
    }

    [Theory]
    [InlineData(1L)]          // one point per chunk
    [InlineData(7L * 90 * 6)] // 7 points per chunk, the last chunk shorter
    [InlineData(1L << 22)]    // the whole batch in one chunk
    public void ChunkedConditionalPdaEqualsTheUnchunkedOneExactly(long chunkElements)
    {
        var (x, model) = KMeansModel(4, 3, n: 90, d: 6);
        var c = model.Predict(x);
        var kde = new KdeImputer(x);
        var reference = UnchunkedPdaConditional(model, kde, x, c, Seeds.Generator(8));
        var chunked = RelevanceMethods.PdaConditional(model, kde, target: PdaTarget.Surrogate, chunkElements: chunkElements).Explain(x, c, Seeds.Generator(8));
        if (chunkElements >= 90L * 90 * 6)
            Assert.True(chunked.eq(reference).all().ToBoolean(), $"max |Δ| = {(chunked - reference).abs().max().ToDouble()}");   // one chunk: bit for bit
        else
            // smaller chunks draw the same components and noise (a different draw moves f_c by O(σ·‖w‖)); only f_c's matmul
            // over fewer rows rounds differently, by a few ulps
            Assert.True((chunked - reference).abs().max().ToDouble() < 1e-12, $"max |Δ| = {(chunked - reference).abs().max().ToDouble()}");
    }

    [Fact]
    public void DecisionPdaIsOneExactlyWhereRemovingTheFeatureChangesTheCluster()
    {
        var (x, model) = KMeansModel(5, 4, n: 300, d: 4);
        var c = model.Predict(x);
        var r = RelevanceMethods.PdaZero(model, PdaTarget.Decision).Explain(x, c, Seeds.Generator(0));
        Assert.Equal("pda0", RelevanceMethods.PdaZero(model, PdaTarget.Decision).Name);
        Assert.Equal("pda0f", RelevanceMethods.PdaZero(model, PdaTarget.Surrogate).Name);
        for (int i = 0; i < 4; i++)
        {
            var xi = x.clone(); xi[.., i] = 0;
            var moved = model.Predict(xi).ne(c).to_type(float64);                 // 1 − g_c(x with x_i ← 0), by hand
            Assert.True(r[.., i].eq(moved).all().ToBoolean(), $"feature {i}");
        }
        var flips = r.sum().ToDouble();
        Assert.True(flips > 10 && flips < 300 * 4 - 10, $"{flips} flips: the test needs both outcomes");
    }

    [Fact]
    public void DecisionConditionalPdaIsTheFractionOfDrawsThatLeaveTheCluster()
    {
        var (x, model) = KMeansModel(4, 5, n: 120, d: 5);
        var c = model.Predict(x);
        var kde = new KdeImputer(x);
        var m = RelevanceMethods.PdaConditional(model, kde, samples: 10, target: PdaTarget.Decision);
        Assert.Equal("pdacs", m.Name);
        var r = m.Explain(x, c, Seeds.Generator(6));
        Assert.True((r * 10).sub(r.mul(10).round()).abs().max().ToDouble() < 1e-12);   // multiples of 1/10
        Assert.True(r.ge(0).all().ToBoolean() && r.le(1).all().ToBoolean());
        // the surrogate variant draws the same components and noise: where every draw stays in c, f_c moved but g_c did not
        var f = RelevanceMethods.PdaConditional(model, kde, samples: 10, target: PdaTarget.Surrogate).Explain(x, c, Seeds.Generator(6));
        Assert.False(f.eq(0).all().ToBoolean());
        Assert.True(r.gt(0).any().ToBoolean());
    }

    [Fact]
    public void CreateKnowsTheExtraNames()
    {
        var (x, model) = KMeansModel(3, 7, n: 40, d: 3);
        var names = RelevanceMethods.Create(model, new KdeImputer(x), 1.0, RelevanceMethods.Extra).Select(m => m.Name);
        Assert.Equal(RelevanceMethods.Extra, names);
    }
}
