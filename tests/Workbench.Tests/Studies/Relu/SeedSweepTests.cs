using Deedle;
using Workbench.Studies.Relu;

namespace Workbench.Tests.Studies.Relu;

[Collection("torch global state")]
public class SeedSweepTests
{
    [Fact]
    public void DistributionCountsDeadSeedsAndSummarisesOnlyTheLiveOnes()
    {
        var outcomes = new[]
        {
            new SeedOutcome("A", 0, 0.80, 3, 3, false, true),
            new SeedOutcome("A", 1, 0.62, 1, 1, true, false),      // dead: excluded from the live statistics
            new SeedOutcome("A", 2, 0.82, 5, 4, false, false),
            new SeedOutcome("A", 3, 0.78, 2, 2, false, false),
            new SeedOutcome("A", 4, 0.81, 4, 3, false, true),
            new SeedOutcome("B", 0, 0.70, 9, 7, false),
        };
        var d = SeedSweep.Distribution(outcomes);
        Assert.Equal(new[] { "A", "B" }, d.Select(x => x.Setup));
        var a = d[0];
        Assert.Equal(5, a.Seeds);
        Assert.Equal(1, a.Dead);
        Assert.Equal(0.2, a.DeadRate, 12);
        Assert.Equal("3.5 (2–5)", a.PatternsLive);                 // live patterns 3, 5, 2, 4: median 3.5
        Assert.Equal("3 (2–4)", a.Over1PctLive);
        Assert.Equal("2×1, 3×1, 4×1, 5×1", a.PatternCounts);
        Assert.Equal("2 of 5", a.PapersShape);
        Assert.StartsWith("80", a.AccuracyLive.Replace(",", "."));  // median of 0.78, 0.80, 0.81, 0.82 = 0.805
        Assert.Equal("-", d[1].PapersShape);
    }

    [Fact]
    public void MedianAveragesTheMiddlePairAndRefusesNoValues()
    {
        Assert.Equal(2, SeedSweep.Median(new double[] { 3, 1, 2 }));
        Assert.Equal(2.5, SeedSweep.Median(new double[] { 4, 1, 3, 2 }));
        Assert.Throws<ArgumentException>(() => SeedSweep.Median(Array.Empty<double>()));
    }

    [Fact]
    public void AuthorsCodeSetupIsTheOneOfTheirTitanicScript()
    {
        var s = TitanicSetup.AuthorsCode;                            // digest 001: tit:141-159
        Assert.Equal(new[] { 3, 2 }, s.Hidden);
        Assert.Equal(0, s.ActivityL1);
        Assert.Equal(0.1, s.FirstLayerL2);
        Assert.Equal(0.001, s.LearningRate);
        Assert.Equal((100, 32), (s.Epochs, s.BatchSize));
        Assert.True(s.KerasAdam && s.HoldOutLastRows);
        Assert.Equal(0.1, s.HeldOutShare);
        var p = TitanicSetup.PaperText;                              // §5's text
        Assert.Equal(new[] { 4, 2 }, p.Hidden);
        Assert.Equal((0.02, 0.0, 0.01, 10, 100), (p.ActivityL1, p.FirstLayerL2, p.LearningRate, p.Epochs, p.BatchSize));
    }

    // 40 passengers: the authors' setup holds out the same last 10 % of one fixed shuffle for every seed; clusters cover everyone.
    [Fact]
    public void AuthorsCodeHoldsOutTheSameLastTenPercentForEverySeedAndClustersAllPassengers()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new TitanicFeaturesTests.RawRow(
            $"P{i}, {(i % 2 == 0 ? "Mr" : "Mrs")}. X", i % 2 == 0 ? "male" : "female", 20.0 + i, $"{1 + i % 3}{(i % 3 == 0 ? "st" : i % 3 == 1 ? "nd" : "rd")}",
            "S", "England", 1, 7.05 + i, "0", "0", i % 2 == 0 ? "no" : "yes")).ToArray();
        var f = TitanicFeatures.Build(Frame.FromRecords(rows));
        var quick = TitanicSetup.AuthorsCode with { Epochs = 2 };
        var r0 = TitanicStudy.Run(f, 0, quick, progress: false);
        var r1 = TitanicStudy.Run(f, 1, quick, progress: false);
        Assert.Equal(4, r0.TestRows.Length);
        Assert.Equal(r0.TestRows, r1.TestRows);
        Assert.Equal(40, r0.Clustering.Labels.shape[0]);
        Assert.Equal(40, r0.Table.Rows.Sum(x => x.Size));
        Assert.Equal(new[] { 3, 2 }, r0.Mlp.Hidden);
        var matched = TitanicPaperClusters.Match(r0, f);
        Assert.Equal(r0.Clustering.Count, matched.Count);
        Assert.True(matched.Count(c => c.Paper == "b") <= 1 && matched.Count(c => c.Paper == "c") <= 1);
    }
}
