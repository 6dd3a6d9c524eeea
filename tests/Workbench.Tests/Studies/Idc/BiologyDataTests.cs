using TorchSharp;
using Workbench.Studies.Idc;
using static TorchSharp.torch;

namespace Workbench.Tests.Studies.Idc;

/// <summary>The Table 5 gene-expression sets as IDC's notebook 53 uses them.</summary>
public class BiologyDataTests
{
    [Fact]
    public void SrbctIsTheImputedTrainingPart()
    {
        var s = BiologyData.Srbct();
        Assert.Equal(new long[] { 63, 2308 }, s.X.shape);
        Assert.Equal(BiologyData.SrbctCounts, s.ClassCounts);
        Assert.Equal(1282, s.Imputed);
        Assert.Equal("GENE1", s.Genes[0]);
        Assert.Equal(2308, s.Genes.Length);
        Assert.True(s.X.isfinite().all().item<bool>());
        Assert.True(s.X.mean(new long[] { 0 }).abs().max().item<float>() < 1e-4);
        Assert.True((s.X.std(new long[] { 0 }, unbiased: false) - 1).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void AllamlIsGolubMerged()
    {
        var s = BiologyData.Allaml();
        Assert.Equal(new long[] { 72, 7129 }, s.X.shape);
        Assert.Equal(new[] { "ALL", "AML" }, s.ClassNames);
        Assert.Equal(BiologyData.AllamlCounts, s.ClassCounts);
        Assert.True((s.X.std(new long[] { 0 }, unbiased: false) - 1).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void ZScoreRefusesConstantColumns()
    {
        var x = tensor(new double[] { 1, 2, 1, 3 }).view(2, 2);
        Assert.Contains("constant", Assert.Throws<ArgumentException>(() => BiologyData.ZScore(x)).Message);
        var z = BiologyData.ZScore(tensor(new double[] { 1, 2, 3, 6 }).view(2, 2));
        Assert.Equal(new[] { -1.0, -1.0, 1.0, 1.0 }, z.data<double>().ToArray());
    }
}
