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

    /// <summary>Whether every expected file is present with its expected size (checksums are checked when fetching).</summary>
    public static bool IsCached(DatasetInfo info)
        => info.Files.All(f => new FileInfo(PathFor(info, f.Name)) is { Exists: true } fi && (f.Bytes <= 0 || fi.Length == f.Bytes || HasOwnChecksum(info, f.Name)));

    // A URL source may deliver different bytes (e.g. recompressed) under its own checksum; source.json records them.
    static bool HasOwnChecksum(DatasetInfo info, string name)
        => ReadManifest(info.Id)?.Files.Any(f => f.Name == name && f.Bytes == new FileInfo(PathFor(info, name)).Length) == true;

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

    internal static void WriteManifest(string id, CacheManifest manifest)
        => File.WriteAllText(Path.Combine(DirectoryFor(id), ManifestName),
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

/// <summary>The record kept beside a cached dataset: the source it came from, when, and the files' sums.</summary>
public sealed class CacheManifest
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("source")] public string Source { get; init; } = "";
    [JsonPropertyName("fetched")] public DateTimeOffset Fetched { get; init; }
    [JsonPropertyName("files")] public List<DatasetFile> Files { get; init; } = [];
}
