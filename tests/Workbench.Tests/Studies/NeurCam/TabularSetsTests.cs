using Workbench.Studies.NeurCam;

namespace Workbench.Tests.Studies.NeurCam;

/// <summary>Stratified subsampling (NeurCAM's Shuttle) on hand-computed shares.</summary>
public class TabularSetsTests
{
    [Fact]
    public void StratifiedSampleKeepsTheSharesAndEveryClass()
    {
        // 1000 rows: class 0 ×900, class 1 ×95, class 2 ×5. n = 100 → exact shares 90, 9.5, 0.5 → floors 90, 9, max(1, 0) = 1
        // → 100 rows: 90, 9, 1 (the "at least one" row of class 2 uses up the remainder that would go to class 1).
        var labels = Enumerable.Repeat(0L, 900).Concat(Enumerable.Repeat(1L, 95)).Concat(Enumerable.Repeat(2L, 5)).ToArray();
        var rows = TabularSets.StratifiedRows(labels, 100, seed: 0);
        Assert.Equal(100, rows.Length);
        Assert.Equal(rows.Order().ToArray(), rows);
        Assert.Equal(100, rows.Distinct().Count());
        Assert.Equal(new[] { 90, 9, 1 }, new long[] { 0, 1, 2 }.Select(c => rows.Count(r => labels[r] == c)).ToArray());
        // n = 50 → 45, 4.75, 0.25 → floors 45, 4, 1 = 50
        Assert.Equal(new[] { 45, 4, 1 }, new long[] { 0, 1, 2 }.Select(c => TabularSets.StratifiedRows(labels, 50, 0).Count(r => labels[r] == c)).ToArray());
        // n = 20 → 18, 1.9, 0.1 → floors 18, 1, 1 = 20
        Assert.Equal(new[] { 18, 1, 1 }, new long[] { 0, 1, 2 }.Select(c => TabularSets.StratifiedRows(labels, 20, 0).Count(r => labels[r] == c)).ToArray());
        Assert.Equal(TabularSets.StratifiedRows(labels, 100, 0), TabularSets.StratifiedRows(labels, 100, 0));
        Assert.Contains("at least 3", Assert.Throws<ArgumentException>(() => TabularSets.StratifiedRows(labels, 2, 0)).Message);
    }
}
