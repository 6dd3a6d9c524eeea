using Workbench.Clustering;

namespace Workbench.Studies.Relu;

/// <summary>What one seed of a ReLU study ended with (one row of a sweep over seeds).</summary>
/// <param name="Setup">Which configuration (e.g. "authors' code", "activity 0.02").</param>
/// <param name="Seed">The seed.</param>
/// <param name="Accuracy">The accuracy the study reports (say which in the notebook).</param>
/// <param name="Patterns">Distinct activation patterns over the clustered samples (no minimum share, as in the authors' code).</param>
/// <param name="PatternsOver1Pct">Patterns holding at least 1 % of the clustered samples.</param>
/// <param name="Dead">One class predicted for every clustered sample (<see cref="SeedSweep.IsDead"/>).</param>
/// <param name="PapersShape">Whether the clusters have the paper's structure (defined by each study), or null when not assessed.</param>
public sealed record SeedOutcome(string Setup, long Seed, double Accuracy, int Patterns, int PatternsOver1Pct, bool Dead, bool? PapersShape = null);

/// <summary>The distribution over seeds of one setup: dead rate, and over the live seeds the cluster counts and accuracy.</summary>
/// <param name="Setup">Configuration.</param>
/// <param name="Seeds">Seeds run.</param>
/// <param name="Dead">Seeds ending dead.</param>
/// <param name="DeadRate">Dead / Seeds.</param>
/// <param name="PatternsLive">Patterns of the live seeds: median (min–max).</param>
/// <param name="Over1PctLive">Patterns with ≥ 1 % of the samples, live seeds: median (min–max).</param>
/// <param name="AccuracyLive">Accuracy of the live seeds: median (min–max).</param>
/// <param name="PatternCounts">How many live seeds end with each number of patterns, e.g. "2×3, 3×5".</param>
/// <param name="PapersShape">Seeds with the paper's structure, as "k of N", or "-" when not assessed.</param>
public sealed record SeedDistribution(string Setup, int Seeds, int Dead, double DeadRate, string PatternsLive, string Over1PctLive,
                                      string AccuracyLive, string PatternCounts, string PapersShape);

/// <summary>Seed sweeps of the ReLU studies: one definition of a dead network and one summary table for both studies.</summary>
public static class SeedSweep
{
    /// <summary>
    /// A network is <b>dead</b> when it predicts the same class for every sample it is clustered on (every cluster's
    /// predicted-positive share is 0, or every one is 1). The same definition serves §4 and §5.
    /// </summary>
    public static bool IsDead(ClusterTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Rows.All(r => r.PredictedPositive == 0) || table.Rows.All(r => r.PredictedPositive == 1);
    }

    /// <summary>Median (average of the two middle values for an even count), e.g. for cluster counts.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) throw new ArgumentException("The median of no values is undefined.", nameof(values));
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>One <see cref="SeedDistribution"/> per setup, in the order the setups first appear.</summary>
    public static IReadOnlyList<SeedDistribution> Distribution(IEnumerable<SeedOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return outcomes.GroupBy(o => o.Setup).Select(g =>
        {
            var all = g.ToList();
            var live = all.Where(o => !o.Dead).ToList();
            string Stat(Func<SeedOutcome, double> f, string format) => live.Count == 0 ? "- (no live seed)"
                : $"{Median(live.Select(f)).ToString(format)} ({live.Min(f).ToString(format)}–{live.Max(f).ToString(format)})";
            var counts = string.Join(", ", live.GroupBy(o => o.Patterns).OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Count()}"));
            var assessed = all.Where(o => o.PapersShape is not null).ToList();
            return new SeedDistribution(g.Key, all.Count, all.Count - live.Count, (double)(all.Count - live.Count) / all.Count,
                Stat(o => o.Patterns, "0.#"), Stat(o => o.PatternsOver1Pct, "0.#"), Stat(o => o.Accuracy, "P1"),
                counts.Length == 0 ? "-" : counts,
                assessed.Count == 0 ? "-" : $"{assessed.Count(o => o.PapersShape == true)} of {assessed.Count}");
        }).ToList();
    }
}
