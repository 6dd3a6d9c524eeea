using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Datasets;

/// <summary>Where fetched datasets live: a user-level folder, never in git. <c>WORKBENCH_DATA</c> overrides it;
/// otherwise <c>%LOCALAPPDATA%\workbench\datasets</c> on Windows, <c>$XDG_CACHE_HOME/workbench/datasets</c> or
/// <c>~/.cache/workbench/datasets</c> elsewhere. Each dataset has a folder named after its id holding its files and
/// <c>source.json</c> (where and when they came from).</summary>
public static class DatasetCache
{
    /// <summary>The environment variable that overrides <see cref="Root"/>.</summary>
    public const string EnvironmentVariable = "WORKBENCH_DATA";
    const string ManifestName = "source.json";
    static readonly AsyncLocal<string?> _override = new();

    /// <summary>Uses <paramref name="root"/> as the cache for the current async flow (tests, a notebook's own data
    /// folder) until the returned scope is disposed; takes precedence over <c>WORKBENCH_DATA</c>.</summary>
    public static IDisposable UseRoot(string root)
    {
        var previous = _override.Value;
        _override.Value = Path.GetFullPath(root);
        return new Scope(() => _override.Value = previous);
    }

    sealed class Scope(Action undo) : IDisposable { public void Dispose() => undo(); }

    /// <summary>The cache folder (not created until something is fetched).</summary>
    public static string Root
    {
        get
        {
            if (_override.Value is { } o) return o;
            var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "workbench", "datasets");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseDir = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseDir, "workbench", "datasets");
        }
    }

    /// <summary>The folder of dataset <paramref name="id"/>.</summary>
    public static string DirectoryFor(string id) => Path.Combine(Root, id);

    /// <summary>The cached path of one of <paramref name="info"/>'s files.</summary>
    public static string PathFor(DatasetInfo info, string fileName) => Path.Combine(DirectoryFor(info.Id), fileName);

    /// <summary>Whether every expected file is present and intact (size and SHA-256, see <see cref="Check"/>).</summary>
    public static bool IsCached(DatasetInfo info) => Check(info).State == CacheState.Cached;

    /// <summary>
    /// The state of <paramref name="info"/>'s cached copy: missing, incomplete (some files absent), damaged (a file
    /// whose size or SHA-256 differs from the ones recorded when it was fetched) or cached. Each file's SHA-256 is
    /// computed once per process (again only if the file's size or time stamp changes), before it is first read.
    /// </summary>
    public static CacheStatus Check(DatasetInfo info)
    {
        if (info.Generator is not null) return new CacheStatus(CacheState.Cached, null, "generated in code (nothing to fetch)");
        var present = info.Files.Where(f => File.Exists(PathFor(info, f.Name))).ToArray();
        if (present.Length == 0) return new CacheStatus(CacheState.Missing, null, "not in the cache");
        if (present.Length < info.Files.Length)
            return new CacheStatus(CacheState.Incomplete, null,
                "missing " + string.Join(", ", info.Files.Except(present).Select(f => f.Name)));
        var manifest = ReadManifest(info.Id);
        foreach (var f in info.Files)
        {
            var path = PathFor(info, f.Name);
            var recorded = manifest?.Files.FirstOrDefault(m => m.Name == f.Name);
            long expectedBytes = recorded?.Bytes ?? f.Bytes;
            string expectedSha = (recorded?.Sha256 ?? f.Sha256).ToLowerInvariant();
            var fi = new FileInfo(path);
            if (expectedBytes > 0 && fi.Length != expectedBytes)
                return new CacheStatus(CacheState.Damaged, path, $"{fi.Length} bytes, {expectedBytes} expected");
            if (!Verified(fi, expectedSha))
                return new CacheStatus(CacheState.Damaged, path, "its SHA-256 differs from the one recorded when it was fetched");
        }
        return new CacheStatus(CacheState.Cached, null, "cached");
    }

    // path → (length, last write, sha256 it was found to have): each file is hashed once per process.
    static readonly ConcurrentDictionary<string, (long Length, DateTime Written, string Sha)> _hashed = new();

    static bool Verified(FileInfo fi, string expectedSha)
    {
        var key = fi.FullName;
        if (!_hashed.TryGetValue(key, out var h) || h.Length != fi.Length || h.Written != fi.LastWriteTimeUtc)
        {
            h = (fi.Length, fi.LastWriteTimeUtc, Sha256Of(fi.FullName));
            _hashed[key] = h;
        }
        return h.Sha == expectedSha;
    }

    /// <summary>Bytes on disk of a cached dataset (0 when absent).</summary>
    public static long SizeOf(DatasetInfo info)
        => info.Files.Sum(f => new FileInfo(PathFor(info, f.Name)) is { Exists: true } fi ? fi.Length : 0);

    /// <summary>Where the cached copy came from, or null.</summary>
    public static CacheManifest? ReadManifest(string id)
    {
        var path = Path.Combine(DirectoryFor(id), ManifestName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<CacheManifest>(File.ReadAllText(path)); }
        catch (JsonException) { return null; }
    }

    internal static void WriteManifest(string folder, CacheManifest manifest)
        => File.WriteAllText(Path.Combine(folder, ManifestName),
            JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>Lower-case hex MD5 of a file (only for publishers that give MD5 sums).</summary>
    public static string Md5Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(s));
    }
}

/// <summary>What <see cref="DatasetCache.Check"/> found.</summary>
public enum CacheState
{
    /// <summary>No file of the dataset is in the cache.</summary>
    Missing,
    /// <summary>Some files are there, others are not (a fetch fetches the dataset again).</summary>
    Incomplete,
    /// <summary>A file's size or SHA-256 differs from the ones recorded when it was fetched: it is never loaded.</summary>
    Damaged,
    /// <summary>Every file is there and intact.</summary>
    Cached,
}

/// <summary>The state of a cached dataset; <see cref="File"/> names the damaged file, <see cref="Detail"/> says what is wrong.</summary>
public sealed record CacheStatus(CacheState State, string? File, string Detail);

/// <summary>The record kept beside a cached dataset: the source it came from, when, and the files' sums.</summary>
public sealed class CacheManifest
{
    /// <summary>The dataset's id.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>The source the files came from (<see cref="DatasetSource.Describe"/>).</summary>
    [JsonPropertyName("source")] public string Source { get; init; } = "";
    /// <summary>When the fetch completed.</summary>
    [JsonPropertyName("fetched")] public DateTimeOffset Fetched { get; init; }
    /// <summary>Each cached file with the size and SHA-256 measured at fetch time; loads compare against these.</summary>
    [JsonPropertyName("files")] public List<DatasetFile> Files { get; init; } = [];
}
