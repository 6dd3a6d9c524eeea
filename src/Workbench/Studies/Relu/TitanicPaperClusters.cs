using Workbench.Clustering;

namespace Workbench.Studies.Relu;

/// <summary>
/// One activation cluster of a Titanic run described the way §5 describes its clusters: share of the passengers,
/// <b>predicted</b> survival share (the authors' table's "Positive"), true survival rate, who is in it, and which of the
/// paper's clusters a), b), c) it matches by composition.
/// </summary>
/// <param name="Cluster">Cluster id (0 = largest).</param>
/// <param name="Pattern">Activation pattern.</param>
/// <param name="Share">Share of all passengers ("Support").</param>
/// <param name="PredictedSurvival">Share predicted to survive ("Positive" in the authors' table).</param>
/// <param name="Survival">True survival rate.</param>
/// <param name="Female">Share of women.</param>
/// <param name="ThirdClassMale">Share of third-class men.</param>
/// <param name="FirstClassFemale">Share of first-class women.</param>
/// <param name="Classes">Class make-up, e.g. "3: 75 %, 2: 15 %, 1: 10 %".</param>
/// <param name="Paper">"a", "b", "c" or "" (see <see cref="TitanicPaperClusters.Match"/>).</param>
public sealed record TitanicCluster(int Cluster, string Pattern, double Share, double PredictedSurvival, double Survival,
                                    double Female, double ThirdClassMale, double FirstClassFemale, string Classes, string Paper);

/// <summary>Matching a run's clusters to the paper's a) mixed, b) third-class males, c) first-class females, by who is in them.</summary>
public static class TitanicPaperClusters
{
    /// <summary>A cluster is "of" a group when more than this share of its passengers belong to it (a majority).</summary>
    public const double Purity = 0.5;

    /// <summary>
    /// Every cluster of <paramref name="run"/> with its composition, and the paper's labels by composition, not size:
    /// b) = the cluster with the highest share of third-class men, if more than <see cref="Purity"/> of it are;
    /// c) = the cluster with the highest share of first-class women, if more than <see cref="Purity"/> of it are;
    /// a) = the largest other cluster holding both men and women (the paper's mixed cluster).
    /// </summary>
    public static IReadOnlyList<TitanicCluster> Match(TitanicStudyRun run, TitanicFeatures features)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(features);
        var labels = run.Clustering.Labels.data<long>().ToArray();
        if (labels.Length != features.Count)
            throw new ArgumentException($"The run clustered {labels.Length} passengers but the features hold {features.Count}; pass the features the run was trained on.", nameof(features));
        var rows = new List<TitanicCluster>();
        foreach (var c in run.Table.Rows)
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c.Cluster).ToArray();
            double Frac(Func<int, bool> p) => (double)members.Count(p) / members.Length;
            bool FemaleAt(int i) => features.Values[i, 1] == 1;
            int ClassAt(int i) => (int)features.Values[i, 2];
            var classes = string.Join(", ", members.GroupBy(ClassAt).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
                                                   .Select(g => $"{g.Key}: {100.0 * g.Count() / members.Length:F0} %"));
            rows.Add(new TitanicCluster(c.Cluster, c.Pattern, c.Share, c.PredictedPositive, c.PositiveRate ?? double.NaN,
                Frac(FemaleAt), Frac(i => !FemaleAt(i) && ClassAt(i) == 3), Frac(i => FemaleAt(i) && ClassAt(i) == 1), classes, ""));
        }
        int? Pick(Func<TitanicCluster, double> purity, ISet<int> taken)
        {
            var best = rows.Where(r => !taken.Contains(r.Cluster)).OrderByDescending(purity).ThenByDescending(r => r.Share).FirstOrDefault();
            return best is not null && purity(best) > Purity ? best.Cluster : null;
        }
        var used = new HashSet<int>();
        var b = Pick(r => r.ThirdClassMale, used); if (b is int bi) used.Add(bi);
        var c_ = Pick(r => r.FirstClassFemale, used); if (c_ is int ci) used.Add(ci);
        var a = rows.Where(r => !used.Contains(r.Cluster) && r.Female > 0 && r.Female < 1).OrderByDescending(r => r.Share).FirstOrDefault()?.Cluster;
        return rows.Select(r => r with { Paper = r.Cluster == a ? "a" : r.Cluster == b ? "b" : r.Cluster == c_ ? "c" : "" }).ToList();
    }

    /// <summary>The paper's structure: exactly three patterns over all passengers, and they are a), b) and c).</summary>
    public static bool IsPapersShape(IReadOnlyList<TitanicCluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        return clusters.Count == 3 && clusters.Select(c => c.Paper).OrderBy(p => p).SequenceEqual(["a", "b", "c"]);
    }
}
