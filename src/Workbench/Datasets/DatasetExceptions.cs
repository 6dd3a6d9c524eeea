namespace Workbench.Datasets;

/// <summary>A dataset was asked for that is not in the cache; the message names the command that fetches it.</summary>
public sealed class DatasetNotCachedException(string id, string message) : Exception(message)
{
    public string Id { get; } = id;
    /// <summary>The exact command that fetches the dataset.</summary>
    public string FetchCommand => Datasets.FetchCommand(Id);
}

/// <summary>A fetched file's checksum differs from the catalog's: the file is refused.</summary>
public sealed class ChecksumMismatchException(string file, string source, string algorithm, string expected, string actual)
    : Exception($"{file} from {source}: {algorithm} {actual}, the catalog expects {expected}; refused.")
{
    public string File { get; } = file;
    public string SourceName { get; } = source;
    public string Algorithm { get; } = algorithm;
    public string Expected { get; } = expected;
    public string Actual { get; } = actual;
}

/// <summary>No source could deliver a dataset; the message lists what each source said.</summary>
public sealed class DatasetFetchException(string id, IReadOnlyList<string> attempts)
    : Exception($"Could not fetch dataset '{id}': every source failed:\n  " + string.Join("\n  ", attempts))
{
    public string Id { get; } = id;
    public IReadOnlyList<string> Attempts { get; } = attempts;
}
