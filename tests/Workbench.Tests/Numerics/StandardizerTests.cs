using TorchSharp;
using Workbench.Numerics;
using static TorchSharp.torch;

// Not Workbench.Tests.Numerics: that namespace would shadow Workbench.Numerics in the other tests (`Numerics.Lme`).
namespace Workbench.Tests.NumericsChecks;

/// <summary>The shared z-scoring: fixture values (scikit-learn 1.2.1 StandardScaler), round trip, clear errors.</summary>
public class StandardizerTests
{
    static Tensor Fixture() => tensor(new double[] { 1, 2, 3, 6, 5, 10, 7, 2 }, new long[] { 4, 2 });

    [Fact]
    public void MatchesScikitLearnStandardScaler()
    {
        // StandardScaler().fit(x): mean_ [4, 5], scale_ [√5, √11] = [2.23606797749979, 3.3166247903554]
        var s = new Standardizer(ScalarType.Float64).Fit(Fixture());
        Assert.Equal(new[] { 4.0, 5.0 }, s.Mean.data<double>().ToArray());
        Assert.Equal(2.23606797749979, s.Scale[0].ToDouble(), 14);
        Assert.Equal(3.3166247903554, s.Scale[1].ToDouble(), 13);
        var expected = new[]
        {
            -1.3416407864998738, -0.9045340337332909, -0.4472135954999579, 0.30151134457776363,
            0.4472135954999579, 1.507556722888818, 1.3416407864998738, -0.9045340337332909,
        };
        var z = s.Transform(Fixture()).data<double>().ToArray();
        for (int i = 0; i < z.Length; i++) Assert.Equal(expected[i], z[i], 14);
        Assert.True((s.InverseTransform(s.Transform(Fixture())) - Fixture()).abs().max().ToDouble() < 1e-14);
    }

    [Fact]
    public void Float32StatisticsAreTheFloat64OnesRounded()
    {
        // the models' convention: statistics in float64, stored and applied in float32
        var x = randn(new long[] { 50, 3 }, dtype: ScalarType.Float64, generator: new Generator(2)) * 10 + 3;
        var s = new Standardizer().Fit(x);
        Assert.Equal(ScalarType.Float32, s.Transform(x).dtype);
        Assert.Equal(0.0, (s.Mean - x.mean(new long[] { 0 }).to(ScalarType.Float32)).abs().max().ToDouble());
        Assert.Equal(0.0, (s.Scale - x.std(new long[] { 0 }, unbiased: false).to(ScalarType.Float32)).abs().max().ToDouble());
        var z = s.Transform(x);
        Assert.Equal(0.0, (z - (x.to(ScalarType.Float32) - s.Mean) / s.Scale).abs().max().ToDouble());
    }

    [Fact]
    public void ConstantColumnsAreNamed()
    {
        var x = tensor(new double[] { 1, 2, 3, 1, 5, 3, 1, 7, 3 }, new long[] { 3, 3 });
        var e = Assert.Throws<ArgumentException>(() => new Standardizer().Fit(x));
        Assert.Contains("Columns 0, 2", e.Message);
        Assert.Contains("constant", e.Message);
        Assert.Contains("drop constant columns", e.Message);
        var one = x.clone(); one[0, 0] = 2.0;
        Assert.Contains("Column 2 of x is constant", Assert.Throws<ArgumentException>(() => new Standardizer().Fit(one)).Message);
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var nan = Fixture(); nan[2, 1] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => new Standardizer().Fit(nan));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("row 2, column 1", e.Message);
        var inf = Fixture(); inf[1, 0] = double.PositiveInfinity;
        Assert.Contains("infinite", Assert.Throws<ArgumentException>(() => new Standardizer().Fit(inf)).Message);
        Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => new Standardizer().Transform(Fixture())).Message);
        var s = new Standardizer().Fit(Fixture());
        Assert.Contains("fitted on 2", Assert.Throws<ArgumentException>(() => s.Transform(zeros(3, 5))).Message);
        Assert.Contains("2-d", Assert.Throws<ArgumentException>(() => s.Transform(zeros(3))).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => s.Transform(nan)).Message);
    }
}
