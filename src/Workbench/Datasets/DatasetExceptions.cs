namespace Workbench.Datasets;

/// <summary>A dataset was asked for that is not in the cache; the message names the command that fetches it.</summary>
public sealed class DatasetNotCachedException(string id, string message) : Exception(message)
{
    /// <summary>The requested dataset's id.</summary>
    public string Id { get; } = id;
    /// <summary>The exact command that fetches the dataset.</summary>
    public string FetchCommand => Datasets.FetchCommand(Id);
}

/// <summary>A cached file's size or SHA-256 differs from the ones recorded when it was fetched: it is not loaded.</summary>
public sealed class DatasetDamagedException(string id, string file, string detail)
    : Exception($"Dataset '{id}': the cached file {file} is damaged ({detail}); it is not loaded. " +
                $"Fetch it again with:  {Datasets.FetchCommand(id)} --force")
{
    /// <summary>The dataset's id.</summary>
    public string Id { get; } = id;
    /// <summary>Full path of the damaged file.</summary>
    public string File { get; } = file;
}

/// <summary>A fetched file's checksum differs from the catalog's: the file is refused.</summary>
public sealed class ChecksumMismatchException(string file, string source, string algorithm, string expected, string actual)
    : Exception($"{file} from {source}: {algorithm} {actual}, the catalog expects {expected}; refused.")
{
    /// <summary>The file's name in the cache.</summary>
    public string File { get; } = file;
    /// <summary>The source that delivered it (<see cref="DatasetSource.Describe"/>).</summary>
    public string SourceName { get; } = source;
    /// <summary><c>SHA-256</c> or <c>MD5</c>.</summary>
    public string Algorithm { get; } = algorithm;
    /// <summary>The checksum the catalog records (lower-case hex).</summary>
    public string Expected { get; } = expected;
    /// <summary>The checksum of the bytes received (lower-case hex).</summary>
    public string Actual { get; } = actual;
}

/// <summary>No source could deliver a dataset; the message lists what each source said.</summary>
public sealed class DatasetFetchException(string id, IReadOnlyList<string> attempts)
    : Exception($"Could not fetch dataset '{id}': every source failed:\n  " + string.Join("\n  ", attempts) +
                $"\nOnce a source is reachable, `{Datasets.FetchCommand(id)}` fetches it (datasets/README.md lists the sources); " +
                $"{Datasets.OfflineVariable}=1 turns automatic fetching off.")
{
    /// <summary>The dataset's id.</summary>
    public string Id { get; } = id;
    /// <summary>One line per source tried: the source and why it failed.</summary>
    public IReadOnlyList<string> Attempts { get; } = attempts;
}
