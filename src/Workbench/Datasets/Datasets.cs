using Workbench.Reporting;

namespace Workbench.Datasets;

/// <summary>
/// The papers' datasets: load from the cache, fetch from their sources.
/// <code>var letter = Datasets.Load("letter");                 // 20000 rows × 16 features + lettr
/// var fm = Datasets.Load("fashion-mnist", limit: 5000);       // 5000 rows sampled with seed 0
/// Datasets.Fetch("wine");                                      // what `workbench datasets fetch wine` does</code>
/// Inside <c>Workbench.*</c> namespaces write <c>Dataset.Load(...)</c>: there <c>Datasets</c> names the namespace.
/// </summary>
public static class Datasets
{
    /// <summary>Every cataloged dataset.</summary>
    public static IReadOnlyList<DatasetInfo> Catalog => DatasetCatalog.All;

    /// <summary>The command that fetches <paramref name="id"/>.</summary>
    public static string FetchCommand(string id) => $"workbench datasets fetch {id}";

    /// <summary>Whether <paramref name="id"/> is in the cache.</summary>
    public static bool IsCached(string id) => DatasetCache.IsCached(DatasetCatalog.Get(id));

    /// <summary>
    /// Loads a cached dataset. A dataset that is not cached is a <see cref="DatasetNotCachedException"/> naming the
    /// command that fetches it. With <paramref name="limit"/>, at most that many rows, drawn with <paramref name="seed"/>
    /// (file order kept); the same seed gives the same rows everywhere.
    /// </summary>
    public static Dataset Load(string id, int? limit = null, int seed = 0)
    {
        var info = DatasetCatalog.Get(id);
        var data = DatasetLoaders.Load(info);
        return limit is int n ? data.Sample(n, seed) : data;
    }

    /// <summary>Fetches the given datasets (skipping those already cached with the right checksums).</summary>
    public static IReadOnlyList<FetchOutcome> Fetch(params string[] ids) => Fetch(ids, force: false);

    /// <summary>Fetches the given datasets; <paramref name="force"/> fetches again even when cached.</summary>
    public static IReadOnlyList<FetchOutcome> Fetch(IEnumerable<string> ids, bool force, TextWriter? log = null, TimeSpan? urlTimeout = null)
    {
        var infos = ids.Select(DatasetCatalog.Get).ToList();
        var outcomes = new List<FetchOutcome>();
        var failures = new List<DatasetFetchException>();
        using var fetcher = new DatasetFetcher(log, urlTimeout);
        using (var bar = Progress.Start("fetch datasets", infos.Count))
        {
            foreach (var info in infos)
            {
                try { outcomes.Add(fetcher.Fetch(info, force)); }
                catch (DatasetFetchException e) { failures.Add(e); }
                bar.Report(outcomes.Count + failures.Count, info.Id);
            }
        }
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1)
            throw new AggregateException($"{failures.Count} datasets could not be fetched: {string.Join(", ", failures.Select(f => f.Id))}.", failures);
        return outcomes;
    }

    /// <summary>Fetches every dataset of the catalog except the optional ones (unless <paramref name="includeOptional"/>).</summary>
    public static IReadOnlyList<FetchOutcome> FetchAll(bool includeOptional = false, bool force = false, TextWriter? log = null)
        => Fetch(Catalog.Where(d => includeOptional || !d.Optional).Select(d => d.Id), force, log);
}
