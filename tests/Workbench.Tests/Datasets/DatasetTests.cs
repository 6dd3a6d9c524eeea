using System.Text;
using TorchSharp;
using Workbench.Datasets;
using static Workbench.Tests.Datasets.RdxWriter;

namespace Workbench.Tests.Datasets;

/// <summary>The Dataset contract on a made-up frame: NEON App. H preprocessing, features, labels, sampling.</summary>
public class DatasetTests
{
    // 6 rows: a real-valued column with one NA, a binary 0/1 column, a constant, a factor, a logical and the label.
    static Dataset Toy()
    {
        var bytes = new RdxWriter().Save(("toy", DataFrame(6,
            ("height", Doubles([1, 2, NaReal, 4, 5, 6])),
            ("weight", Ints([10, 20, 30, 40, 50, 60])),
            ("smoker", Doubles([0, 1, 0, 1, 1, 0])),
            ("same", Doubles([7, 7, 7, 7, 7, 7])),
            ("colour", Factor([1, 2, 3, 1, 2, 3], ["red", "green", "blue"])),
            ("flag", Logicals([1, 0, 1, 0, 1, 0])),
            ("group", Factor([2, 2, 1, 1, 2, 1], ["a", "b"])))));
        var path = Path.Combine(Path.GetTempPath(), $"wb-toy-{Guid.NewGuid():N}.rda");
        File.WriteAllBytes(path, bytes);
        try { return Dataset.ReadRData(path, "toy", label: "group"); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AppendixHDropsBinaryAndCategoricalImputesMeanAndStandardises()
    {
        var d = Toy().PreprocessAppendixH();
        Assert.Equal(new[] { "height", "weight" }, d.FeatureNames);
        var h = d.AppendixH!;
        Assert.Equal(new[] { "smoker", "same", "colour", "flag" }, h.Dropped.Select(x => x.Column));
        Assert.Equal("binary", h.Dropped[0].Reason);
        Assert.Equal("constant", h.Dropped[1].Reason);
        // NEON App. H: the missing height becomes the mean of the others, 18/5 = 3.6 …
        Assert.Equal(("height", 1, 3.6), (h.Imputed[0].Column, h.Imputed[0].Count, h.Imputed[0].Mean), new ToleranceComparer());
        using var x = d.Features();
        Assert.Equal(new long[] { 6, 2 }, x.shape);
        // … which standardises to exactly 0; every column has mean 0 and population s.d. 1.
        Assert.Equal(0.0, x[2, 0].item<double>(), 12);
        Assert.Equal(new[] { 0.0, 0.0 }, x.mean([0]).data<double>().ToArray(), new ToleranceComparer());
        Assert.Equal(new[] { 1.0, 1.0 }, x.std([0], unbiased: false).data<double>().ToArray(), new ToleranceComparer());
        // the mean and s.d. used are kept: x_std · s.d. + mean gives the imputed raw values back
        double sdWeight = Math.Sqrt(new[] { -25.0, -15, -5, 5, 15, 25 }.Sum(v => v * v) / 6);
        Assert.Equal(sdWeight, h.Std[1], 12);
        Assert.Equal(60.0, x[5, 1].item<double>() * h.Std[1] + h.Mean[1], 12);
        // the label survives preprocessing
        Assert.Equal(new long[] { 1, 1, 0, 0, 1, 0 }, d.Labels);
        Assert.Contains(d.History, l => l.StartsWith("NEON App. H"));
    }

    [Fact]
    public void FeaturesRefusesNonNumericAndMissing()
    {
        var d = Toy();
        var e = Assert.Throws<InvalidOperationException>(() => { d.Features(); });
        Assert.Contains("'colour' (Factor)", e.Message);
        Assert.Contains("PreprocessAppendixH", e.Message);
        var e2 = Assert.Throws<InvalidOperationException>(() => d.WithFeatures("height", "weight").Features());
        Assert.Contains("'height' (1)", e2.Message);
        using var w = d.WithFeatures("weight", "flag").Features(torch.ScalarType.Float32);
        Assert.Equal(torch.ScalarType.Float32, w.dtype);
        Assert.Equal(new float[] { 10, 1, 20, 0 }, w[..2].flatten().data<float>().ToArray());
    }

    [Fact]
    public void SampleIsSeededAndKeepsFileOrder()
    {
        var d = Toy();
        var a = d.Sample(4, seed: 3);
        var b = d.Sample(4, seed: 3);
        Assert.Equal(4, a.Count);
        Assert.Equal(a.Column("weight"), b.Column("weight"));
        Assert.Equal(a.Column("weight").Order(), a.Column("weight"));
        Assert.Equal(new[] { 10.0, 20 }, d.Take(2).Column("weight"));
        Assert.Equal(3, d.Where("group", "a").Count);
    }

    sealed class ToleranceComparer : IEqualityComparer<double>, IEqualityComparer<(string, int, double)>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < 1e-9;
        public int GetHashCode(double x) => 0;
        public bool Equals((string, int, double) a, (string, int, double) b) => a.Item1 == b.Item1 && a.Item2 == b.Item2 && Equals(a.Item3, b.Item3);
        public int GetHashCode((string, int, double) x) => 0;
    }
}
