using TorchSharp;
using Workbench.Gating;
using static TorchSharp.torch;

namespace Workbench.Tests.Gating;

/// <summary>Entmax-1.5 and bisection entmax-α against the digest's worked values, float64 bisection, limits and finite differences.</summary>
public class EntmaxTests
{
    static Tensor T(params double[] v) => tensor(v, dtype: float64);
    static double[] V(Tensor t) => t.detach().cpu().to_type(float64).data<double>().ToArray();
    static double MaxAbs(Tensor t) => t.abs().max().ToDouble();

    public static IEnumerable<object[]> Worked() => new[]
    {
        new object[] { new[] { 0.0, 0 }, new[] { .5, .5 } },
        new object[] { new[] { 1.0, 0 }, new[] { 0.830719, 0.169281 } },
        new object[] { new[] { 2.0, 0 }, new[] { 1.0, 0 } },
        new object[] { new[] { 3.0, 0 }, new[] { 1.0, 0 } },
        new object[] { new[] { 1, .5, -1 }, new[] { 0.673993, 0.326007, 0 } },
        new object[] { new[] { .3, .2, .1, 0 }, new[] { 0.32703, 0.272343, 0.222657, 0.17797 } },
        new object[] { new[] { 2, 1, .5, 0, -1 }, new[] { 0.814649, 0.16207, 0.02328, 0, 0 } },
    };

    [Theory, MemberData(nameof(Worked))]
    public void Entmax15MatchesTheDigestValues(double[] z, double[] expected)
    {
        var p = V(Entmax.Entmax15(T(z)));
        for (int i = 0; i < z.Length; i++) Assert.True(Math.Abs(p[i] - expected[i]) < 2e-6, $"p[{i}] = {p[i]}, expected {expected[i]}");
        var pb = V(Entmax.Bisect(T(z), 1.5, nIter: 60));
        for (int i = 0; i < z.Length; i++) Assert.True(Math.Abs(pb[i] - expected[i]) < 2e-6, $"bisection p[{i}] = {pb[i]}");
    }

    [Fact]
    public void SortEqualsFloat64BisectionAlongAnyDimension()
    {
        var g = new Generator(7);
        var z = randn(new long[] { 5, 7, 9 }, dtype: float64, generator: g) * 3;
        for (long dim = 0; dim < 3; dim++)
        {
            var p = Entmax.Entmax15(z, dim);
            var pb = Entmax.Bisect(z, 1.5, dim, nIter: 60);
            Assert.True(MaxAbs(p - pb) < 1e-6);
            Assert.True(MaxAbs(p.sum(new long[] { dim }) - 1) < 1e-12);
            Assert.True(p.min().ToDouble() >= 0);
            Assert.True(MaxAbs(Entmax.Entmax15(z + 3.7, dim) - p) < 1e-12);   // shift invariance
        }
        // float32 gives the same to single precision
        Assert.True(MaxAbs(Entmax.Entmax15(z.to_type(float32), 1).to_type(float64) - Entmax.Entmax15(z, 1)) < 1e-5);
    }

    [Fact]
    public void OneHotIffTheTopGapIsAtLeastTwo()
    {
        foreach (var gap in new[] { 0.5, 1.9, 1.999, 2.0, 2.001, 5.0 })
        {
            var p = Entmax.Entmax15(T(0.3, 0.3 - gap, -4));
            bool hard = Entmax.IsOneHot(p).item<bool>();
            Assert.Equal(gap >= 2, hard);
            if (hard) Assert.Equal(1.0, V(p)[0]);   // exactly 1
        }
    }

    [Fact]
    public void BisectionLimitsAreSparsemaxAndSoftmax()
    {
        var z = T(1, .5, -1);
        var sp = V(Entmax.Bisect(z, 2.0, nIter: 60));
        Assert.Equal(new[] { .75, .25, 0 }, sp.Select(v => Math.Round(v, 9)).ToArray());
        var soft = V(Entmax.Bisect(z, 1.001, nIter: 200));
        var expected = new[] { 0.574097, 0.348207, 0.077696 };
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(soft[i] - expected[i]) < 1e-3, $"α=1.001: {soft[i]} vs softmax {expected[i]}");
        Assert.True(MaxAbs(T(soft) - z.softmax(0)) < 1e-3);
    }

    [Fact]
    public void JacobianMatchesTheDigestAndSumsToZero()
    {
        var z = T(1, .5, -1).requires_grad_(true);
        var p = Entmax.Entmax15(z);
        var j = Entmax.Jacobian(p.detach());
        var expected = tensor(new double[,] { { .33676, -.33676, 0 }, { -.33676, .33676, 0 }, { 0, 0, 0 } });
        Assert.True(MaxAbs(j - expected) < 1e-5);
        Assert.True(MaxAbs(j.sum(0)) < 1e-12 && MaxAbs(j.sum(1)) < 1e-12);
        // autograd rows equal the closed form
        for (int r = 0; r < 3; r++)
        {
            var grad = autograd.grad(new[] { p[r] }, new[] { z }, retain_graph: true)[0];
            Assert.True(MaxAbs(grad - j[r]) < 1e-12);
        }
    }

    [Theory]
    [InlineData(1.5, 11L)]
    [InlineData(1.5, 12L)]
    [InlineData(1.3, 13L)]
    [InlineData(2.0, 14L)]
    public void AutogradEqualsClosedFormAndFiniteDifferences(double alpha, long seed)
    {
        var g = new Generator((ulong)seed);
        var z0 = randn(new long[] { 4, 6 }, dtype: float64, generator: g) * 1.5;
        var dy = randn(new long[] { 4, 6 }, dtype: float64, generator: g);
        Func<Tensor, Tensor> f = alpha == 1.5 ? (t => Entmax.Entmax15(t, 1)) : (t => Entmax.Bisect(t, alpha, 1, nIter: 80));
        var z = z0.clone().requires_grad_(true);
        var p = f(z);
        var auto = autograd.grad(new[] { (p * dy).sum() }, new[] { z })[0];
        var closed = Entmax.Backward(p.detach(), dy, alpha, 1);
        Assert.True(MaxAbs(auto - closed) < 1e-9, $"autograd vs closed form: {MaxAbs(auto - closed)}");
        // central differences, h = 1e-6
        double h = 1e-6;
        var fd = zeros_like(z0);
        using (no_grad())
            for (int i = 0; i < 4; i++)
                for (int k = 0; k < 6; k++)
                {
                    var e = zeros_like(z0); e[i, k] = h;
                    fd[i, k] = ((f(z0 + e) - f(z0 - e)) * dy).sum() / (2 * h);
                }
        Assert.True(MaxAbs(fd - closed) < 1e-6, $"finite differences vs closed form: {MaxAbs(fd - closed)}");
    }

    [Fact]
    public void TemperatureValuesOfTheDigest()
    {
        var logits = T(.9, .5, .3);
        (double t, double[] p)[] cases =
        {
            (1, new[] { 0.533461, 0.281308, 0.185231 }), (.5, new[] { 0.729344, 0.206131, 0.064524 }),
            (.25, new[] { 0.966476, 0.033524, 0 }), (.2, new[] { 1.0, 0, 0 }),
        };
        foreach (var (t, expected) in cases)
        {
            var p = V(Entmax.Entmax15(logits / t));
            for (int i = 0; i < 3; i++) Assert.True(Math.Abs(p[i] - expected[i]) < 2e-6, $"T={t}: p[{i}] = {p[i]}");
        }
    }

    [Fact]
    public void BisectRejectsAlphaAtMostOne() => Assert.Throws<ArgumentException>(() => Entmax.Bisect(T(1, 2), 1.0));
}
