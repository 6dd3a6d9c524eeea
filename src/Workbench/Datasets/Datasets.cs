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
    /// Loads a dataset, fetching it into the cache first if it is not there (one line on standard output says so; see
    /// <see cref="EnsureCached"/>). With <paramref name="limit"/>, at most that many rows, drawn with
    /// <paramref name="seed"/> (file order kept); the same seed gives the same rows everywhere. A dataset generated in code
    /// (<c>cbf</c>, <c>synthetic-control</c>, <c>two-patterns</c>) is generated with <paramref name="seed"/>.
    /// </summary>
    public static Dataset Load(string id, int? limit = null, int seed = 0)
    {
        var info = DatasetCatalog.Get(id);
        var data = info.Generator is not null ? DatasetGenerators.Generate(info, seed) : DatasetLoaders.Load(info);
        return limit is int n ? data.Sample(n, seed) : data;
    }

    /// <summary>The environment variable that turns automatic fetching off (<c>WORKBENCH_OFFLINE=1</c>).</summary>
    public const string OfflineVariable = "WORKBENCH_OFFLINE";

    static readonly AsyncLocal<bool?> _offline = new();

    /// <summary>Whether <see cref="Load"/> must not fetch: <c>WORKBENCH_OFFLINE</c> is <c>1</c> or <c>true</c> (or a test set it
    /// for its own async flow with <see cref="UseOffline"/>).</summary>
    public static bool Offline => _offline.Value
        ?? Environment.GetEnvironmentVariable(OfflineVariable)?.Trim().ToLowerInvariant() is "1" or "true" or "yes";

    /// <summary>Sets <see cref="Offline"/> for the current async flow until the returned scope is disposed (tests).</summary>
    internal static IDisposable UseOffline(bool offline)
    {
        var previous = _offline.Value;
        _offline.Value = offline;
        return new Scope(() => _offline.Value = previous);
    }

    sealed class Scope(Action undo) : IDisposable { public void Dispose() => undo(); }

    /// <summary>
    /// Makes sure <paramref name="info"/>'s files are in the cache and intact before they are read. A dataset that is
    /// missing (or incomplete) is fetched once, under the dataset's lock (a concurrent caller waits and reuses it), with one
    /// line on standard output; with <see cref="Offline"/> it is a <see cref="DatasetNotCachedException"/> naming the
    /// command that fetches it. A damaged file (SHA-256 or size differs from the record) is a
    /// <see cref="DatasetDamagedException"/>: it is never loaded, and never replaced without <c>--force</c>.
    /// </summary>
    public static void EnsureCached(DatasetInfo info)
    {
        var status = DatasetCache.Check(info);
        if (status.State == CacheState.Cached) return;
        if (status.State == CacheState.Damaged) throw new DatasetDamagedException(info.Id, status.File!, status.Detail);
        if (Offline)
            throw new DatasetNotCachedException(info.Id, status.State == CacheState.Missing
                ? $"Dataset '{info.Id}' ({info.Title}) is not in the cache {DatasetCache.DirectoryFor(info.Id)}, and {OfflineVariable} is set, " +
                  $"so it is not fetched. Fetch it with:  {FetchCommand(info.Id)}   (or from C#: Datasets.Fetch(\"{info.Id}\")). " +
                  $"The cache folder is set by {DatasetCache.EnvironmentVariable}."
                : $"Dataset '{info.Id}' is only partly in the cache {DatasetCache.DirectoryFor(info.Id)} ({status.Detail}), and " +
                  $"{OfflineVariable} is set. Fetch it again with:  {FetchCommand(info.Id)} --force");
        long bytes = info.Files.Sum(f => f.Bytes);
        Console.Out.WriteLine($"dataset {info.Id}: not in the cache yet; fetching it once ({Size(bytes)}) into {DatasetCache.DirectoryFor(info.Id)}");
        Console.Out.Flush();
        using var fetcher = new DatasetFetcher(TextWriter.Null);
        fetcher.Fetch(info);
        var after = DatasetCache.Check(info);
        if (after.State == CacheState.Damaged) throw new DatasetDamagedException(info.Id, after.File!, after.Detail);
    }

    static string Size(long bytes) => bytes < 1 << 20 ? $"{Math.Max(1, bytes / 1024)} KB" : $"{bytes / (1024.0 * 1024):F1} MB";

    /// <summary>Checks the SHA-256 of every cached file of the given datasets (all cataloged ones when none are given).</summary>
    public static IReadOnlyList<(string Id, CacheStatus Status)> Verify(params string[] ids)
        => (ids.Length == 0 ? Catalog : ids.Select(DatasetCatalog.Get)).Select(d => (d.Id, DatasetCache.Check(d))).ToList();

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
