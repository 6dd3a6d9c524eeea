using System.Diagnostics;
using System.Text.Json;
using Workbench.Evaluation;
using Workbench.Reporting;
using static TorchSharp.torch;
using Workbench.IO;

namespace Workbench.Studies.NeurCam;

/// <summary>One table entry: a method on one dataset and representation, the run kept among the seeds.</summary>
public sealed record StudyRow(string Dataset, string Representation, string Method, long Seed, double Ari, double Nmi, double Acc, double Inertia, double Seconds);

/// <summary>
/// The protocol of NeurCAM Tables 1–2: each method runs with several seeds, the run with the lowest hard inertia in the
/// representation space x̃ is kept (Eqs. 22–23, around each cluster's mean, divided by N), and ARI, NMI and ACC of that
/// run are reported against the true classes.
/// </summary>
public static class TabularStudy
{
    /// <summary>Hard inertia of <paramref name="labels"/> in <paramref name="rep"/> around the cluster means, divided by N.</summary>
    public static double InertiaPerPoint(Tensor rep, Tensor labels) => ClusterMetrics.Inertia(rep.to(ScalarType.Float64), labels) / rep.shape[0];

    /// <summary>Runs <paramref name="fit"/> (seed → labels) for every seed and keeps the lowest-inertia run.</summary>
    public static StudyRow Best(string dataset, string representation, string method, Tensor rep, Tensor truth, IEnumerable<long> seeds, Func<long, Tensor> fit)
    {
        StudyRow? best = null;
        foreach (var seed in seeds)
        {
            var sw = Stopwatch.StartNew();
            var labels = fit(seed);
            double secs = sw.Elapsed.TotalSeconds;
            var row = new StudyRow(dataset, representation, method, seed, ClusterMetrics.AdjustedRand(truth, labels),
                ClusterMetrics.NormalizedMutualInfo(truth, labels), ClusterMetrics.Accuracy(truth, labels), InertiaPerPoint(rep, labels), secs);
            if (best is null || row.Inertia < best.Inertia) best = row;
        }
        return best ?? throw new ArgumentException("No seeds were given.", nameof(seeds));
    }

    /// <summary>
    /// <see cref="Best"/> with the kept row cached under <c>artifacts/cache/neurcam-study/</c> by <paramref name="config"/>
    /// (everything that decides the result: set, rows, representation, method settings, seeds), so a rerun of a notebook
    /// gives the same numbers without retraining. <see cref="StudyRow.Seconds"/> is the time of the run that was cached.
    /// </summary>
    public static StudyRow BestCached(string config, string dataset, string representation, string method, Tensor rep, Tensor truth, IEnumerable<long> seeds, Func<long, Tensor> fit)
    {
        var seedList = seeds.ToArray();
        var key = string.Join("_", $"{config}-seeds{string.Join(".", seedList)}".Split(Path.GetInvalidFileNameChars().Append(' ').ToArray()));
        var file = Artifacts.Path("cache", "neurcam-study", key + ".json");
        if (File.Exists(file))
        {
            var cached = JsonSerializer.Deserialize<StudyRow>(File.ReadAllText(file));
            if (cached is not null) return cached with { Dataset = dataset, Representation = representation, Method = method };
        }
        var row = Best(dataset, representation, method, rep, truth, seedList, fit);
        AtomicFile.WriteAllText(file, JsonSerializer.Serialize(row));   // parts of a notebook may run in parallel processes
        return row;
    }

    /// <summary>
    /// Average rank of each method per metric over the (dataset, representation) groups: rank 1 is the best (highest
    /// ARI/NMI/ACC, lowest inertia), ties get the mean rank.
    /// </summary>
    public static IReadOnlyDictionary<string, (double Ari, double Nmi, double Acc, double Inertia)> AverageRanks(IReadOnlyList<StudyRow> rows)
    {
        var sums = new Dictionary<string, double[]>();
        var counts = new Dictionary<string, int>();
        foreach (var group in rows.GroupBy(r => (r.Dataset, r.Representation)))
        {
            var g = group.ToList();
            var ranks = new[]
            {
                Rank(g.Select(r => -r.Ari).ToArray()), Rank(g.Select(r => -r.Nmi).ToArray()),
                Rank(g.Select(r => -r.Acc).ToArray()), Rank(g.Select(r => r.Inertia).ToArray()),
            };
            for (int i = 0; i < g.Count; i++)
            {
                var s = sums.TryGetValue(g[i].Method, out var v) ? v : sums[g[i].Method] = new double[4];
                for (int m = 0; m < 4; m++) s[m] += ranks[m][i];
                counts[g[i].Method] = counts.GetValueOrDefault(g[i].Method) + 1;
            }
        }
        return sums.ToDictionary(kv => kv.Key, kv => (kv.Value[0] / counts[kv.Key], kv.Value[1] / counts[kv.Key], kv.Value[2] / counts[kv.Key], kv.Value[3] / counts[kv.Key]));
    }

    /// <summary>
    /// Average ranks as NeurCAM Table 1 computes them (digest §3, inferred from its rank sums): per dataset, ARI, NMI and ACC
    /// rank all method×representation entries jointly; inertia ranks the methods within each representation (the
    /// representations' inertias are not comparable). Keyed by (method, representation).
    /// </summary>
    public static IReadOnlyDictionary<(string Method, string Representation), (double Ari, double Nmi, double Acc, double Inertia)> JointRanks(IReadOnlyList<StudyRow> rows, Func<StudyRow, string> representationKind)
    {
        var acc = new Dictionary<(string, string), double[]>();
        var count = new Dictionary<(string, string), int>();
        foreach (var set in rows.GroupBy(r => r.Dataset))
        {
            var g = set.ToList();
            var ext = new[] { Rank(g.Select(r => -r.Ari).ToArray()), Rank(g.Select(r => -r.Nmi).ToArray()), Rank(g.Select(r => -r.Acc).ToArray()) };
            var iner = new double[g.Count];
            foreach (var rep in g.Select((r, i) => (r, i)).GroupBy(t => representationKind(t.r)))
            {
                var idx = rep.Select(t => t.i).ToArray();
                var rk = Rank(idx.Select(i => g[i].Inertia).ToArray());
                for (int j = 0; j < idx.Length; j++) iner[idx[j]] = rk[j];
            }
            for (int i = 0; i < g.Count; i++)
            {
                var key = (g[i].Method, representationKind(g[i]));
                var v = acc.TryGetValue(key, out var a) ? a : acc[key] = new double[4];
                v[0] += ext[0][i]; v[1] += ext[1][i]; v[2] += ext[2][i]; v[3] += iner[i];
                count[key] = count.GetValueOrDefault(key) + 1;
            }
        }
        return acc.ToDictionary(kv => kv.Key, kv => (kv.Value[0] / count[kv.Key], kv.Value[1] / count[kv.Key], kv.Value[2] / count[kv.Key], kv.Value[3] / count[kv.Key]));
    }

    /// <summary>Ranks of <paramref name="values"/> (smallest = 1), ties averaged.</summary>
    public static double[] Rank(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            for (int t = i; t <= j; t++) ranks[order[t]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return ranks;
    }
}
