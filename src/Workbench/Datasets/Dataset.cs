using System.Globalization;
using Deedle;
using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Datasets;

/// <summary>
/// A dataset as read from its files: a Deedle <see cref="Frame"/> of every column (factors as their level names,
/// NA as missing), the names of the feature columns, the label column with its classes, and tensors built from them.
/// <code>var wine = Dataset.Load("wine");            // or Datasets.Load("wine")
/// var x = wine.PreprocessAppendixH().Features();  // 178 × 13, standardised (NEON App. H)
/// long[] y = wine.Labels;                          // 0, 1, 2 → wine.LabelNames</code>
/// Datasets are immutable: <see cref="PreprocessAppendixH"/>, <see cref="Sample"/>, <see cref="Take"/> return new ones.
/// </summary>
public sealed class Dataset
{
    readonly List<DataColumn> _columns;
    readonly Dictionary<string, DataColumn> _byName;
    Frame<int, string>? _frame;
    long[]? _labels;
    string[]? _labelNames;
    readonly string[]? _declaredLabelNames;

    internal Dataset(string id, string title, List<DataColumn> columns, IEnumerable<string> featureNames, string? labelColumn,
        string[]? labelNames = null, ImageFormat? image = null, IEnumerable<string>? history = null, string[]? rowNames = null,
        AppendixHInfo? appendixH = null)
    {
        Id = id; Title = title;
        _columns = columns;
        _byName = new Dictionary<string, DataColumn>(StringComparer.Ordinal);
        foreach (var c in columns)
            if (!_byName.TryAdd(c.Name, c)) throw new ArgumentException($"Dataset '{id}' has two columns named '{c.Name}'.");
        int n = columns.Count > 0 ? columns[0].Length : 0;
        foreach (var c in columns)
            if (c.Length != n) throw new ArgumentException($"Dataset '{id}': column '{c.Name}' has {c.Length} rows, '{columns[0].Name}' has {n}.");
        Count = n;
        FeatureNames = featureNames.ToArray();
        foreach (var f in FeatureNames)
            if (!_byName.ContainsKey(f)) throw new ArgumentException($"Dataset '{id}': feature '{f}' is not a column ({string.Join(", ", ColumnNames)}).");
        if (labelColumn is not null && !_byName.ContainsKey(labelColumn))
            throw new ArgumentException($"Dataset '{id}': label column '{labelColumn}' is not a column.");
        LabelColumn = labelColumn;
        _declaredLabelNames = labelNames;
        Image = image;
        History = (history ?? []).ToArray();
        RowNames = rowNames;
        AppendixH = appendixH;
    }

    /// <summary>Loads a cached dataset (see <see cref="Datasets.Load(string, int?, int)"/>).</summary>
    public static Dataset Load(string id, int? limit = null, int seed = 0) => Datasets.Load(id, limit, seed);

    /// <summary>Reads a data.frame (or a Bioconductor ExpressionSet, one row per sample) from your own
    /// <c>.rda</c>/<c>.RData</c> file (xz, bzip2, gzip or none): the object <paramref name="objectName"/> (default: the
    /// first), with <paramref name="label"/> as the label column.</summary>
    public static Dataset ReadRData(string path, string? objectName = null, string? label = null)
    {
        var objects = Formats.RDataReader.ReadRData(path);
        string name = objectName ?? objects.Keys.FirstOrDefault() ?? throw new Formats.DataFormatException($"{path}: the file holds no objects.");
        if (!objects.TryGetValue(name, out var obj))
            throw new Formats.DataFormatException($"{path}: no object '{name}' (the file holds {string.Join(", ", objects.Keys)}).");
        string what = $"{Path.GetFileName(path)}: {name}";
        if (obj is Formats.RS4Object)
        {
            var (cols, features, samples) = Formats.RFrames.FromExpressionSet(obj, what);
            return new Dataset(name, Path.GetFileName(path), cols, features, label, history: [$"{name} (ExpressionSet) read from {path}"], rowNames: samples);
        }
        var (columns, rowNames) = Formats.RFrames.ToColumns(obj, what);
        return new Dataset(name, Path.GetFileName(path), columns, columns.Select(c => c.Name).Where(c => c != label), label,
            history: [$"{name} read from {path}"], rowNames: rowNames);
    }

    /// <summary>Reads your own CSV file (plain or gzip/xz/bzip2) whose first line holds the column names; empty and
    /// <c>NA</c> fields are missing; columns whose values all parse as numbers are numeric (the lenient mode of
    /// <see cref="Formats.CsvReader"/>, which the command line reads in strict mode).</summary>
    public static Dataset ReadCsv(string path, string? label = null)
    {
        var (header, rows) = Formats.CsvReader.ReadWithHeader(path);
        if (label is not null && !header.Contains(label))
            throw new Formats.DataFormatException($"{path}: no column named '{label}' for the label (the header has {string.Join(", ", header)}).");
        var columns = Formats.CsvReader.ToColumns(rows, header, path, hasHeader: true);
        return new Dataset(Path.GetFileNameWithoutExtension(path), Path.GetFileName(path), columns,
            columns.Select(c => c.Name).Where(c => c != label), label, history: [$"read from {path}"]);
    }

    /// <summary>The catalog id (e.g. <c>wine</c>).</summary>
    public string Id { get; }
    /// <summary>Human-readable name (the catalog title, or the file name for a dataset read from a path).</summary>
    public string Title { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>Every column name, in file order.</summary>
    public IReadOnlyList<string> ColumnNames => _columns.Select(c => c.Name).ToArray();

    /// <summary>How each column was stored (double, integer, logical, factor, text).</summary>
    public IReadOnlyDictionary<string, ColumnKind> ColumnKinds => _columns.ToDictionary(c => c.Name, c => c.Kind);

    /// <summary>The feature columns, in order (every column except the label and identifiers unless narrowed).</summary>
    public string[] FeatureNames { get; }

    /// <summary>The column holding the classes, or null.</summary>
    public string? LabelColumn { get; }

    /// <summary>Row names when the file has them (R data.frames with named rows), else null.</summary>
    public string[]? RowNames { get; }

    /// <summary>Images: height, width, and the pixel value that means white (1.0); null for tabular data.</summary>
    public ImageFormat? Image { get; }

    /// <summary>Where the data came from and what was done to it, one line per step.</summary>
    public IReadOnlyList<string> History { get; }

    /// <summary>Set by <see cref="PreprocessAppendixH"/>: what was dropped, imputed and the standardisation used.</summary>
    public AppendixHInfo? AppendixH { get; }

    /// <summary>All columns as a Deedle frame (rows 0..N-1; factors as level names; NA missing). Built on first use.</summary>
    public Frame<int, string> Frame
    {
        get
        {
            if (_frame is null)
            {
                var b = new FrameBuilder.Columns<int, string>();
                var index = DataColumn.RowIndex(Count);
                foreach (var c in _columns) b.Add(c.Name, c.ToSeries(index));
                _frame = b.Frame;
            }
            return _frame;
        }
    }

    /// <summary>The classes: factor levels in R's order, the catalog's names for label codes, or the sorted distinct values.</summary>
    public string[] LabelNames => _labelNames ??= ComputeLabels().Names;

    /// <summary>Label codes 0..K-1 indexing <see cref="LabelNames"/> (-1 where the label is missing).</summary>
    public long[] Labels => _labels ??= ComputeLabels().Codes;

    /// <summary>The labels as an int64 tensor of length N.</summary>
    public Tensor LabelTensor(Device? device = null) => torch.tensor(RequireLabels(), device: Devices.Resolve(device));

    /// <summary>Number of feature columns.</summary>
    public int FeatureCount => FeatureNames.Length;

    /// <summary>The numeric feature matrix N × d in <see cref="FeatureNames"/> order. Non-numeric feature columns and
    /// missing values are errors (use <see cref="PreprocessAppendixH"/> or <see cref="WithFeatures"/>).</summary>
    public Tensor Features(ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        var cols = FeatureNames.Select(f => _byName[f]).ToArray();
        var bad = cols.Where(c => !(c.IsNumeric || c.Kind == ColumnKind.Logical)).ToArray();
        if (bad.Length > 0)
            throw new InvalidOperationException(
                $"Dataset '{Id}': feature column(s) {string.Join(", ", bad.Select(c => $"'{c.Name}' ({c.Kind})"))} are not numeric. " +
                "Drop them with PreprocessAppendixH() (NEON App. H) or choose numeric columns with WithFeatures(...), or encode them yourself from Frame.");
        var missing = cols.Select(c => (c.Name, Count: c.MissingCount())).Where(t => t.Count > 0).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException(
                $"Dataset '{Id}': missing values in {string.Join(", ", missing.Select(m => $"'{m.Name}' ({m.Count})"))}. " +
                "Mean-impute with PreprocessAppendixH(), or drop rows/columns from Frame first.");
        return Matrix(cols, dtype, device, 1.0);
    }

    /// <summary>Images N × 1 × H × W with values in [0, 1] (pixel / max), for image datasets.</summary>
    public Tensor Images(ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (Image is null)
            throw new InvalidOperationException($"Dataset '{Id}' is not an image dataset (fashion-mnist, mnist-10k and digits are).");
        if (FeatureNames.Length != Image.Height * Image.Width)
            throw new InvalidOperationException($"Dataset '{Id}': {FeatureNames.Length} feature columns do not form {Image.Height}×{Image.Width} images (were features narrowed or preprocessed?).");
        using var scope = torch.NewDisposeScope();
        var flat = Matrix(FeatureNames.Select(f => _byName[f]).ToArray(), dtype, device, 1.0 / Image.Max);
        return flat.reshape(Count, 1, Image.Height, Image.Width).MoveToOuterDisposeScope();
    }

    Tensor Matrix(DataColumn[] cols, ScalarType dtype, Device? device, double scale)
    {
        int n = Count, d = cols.Length;
        Tensor t;
        if (dtype is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16)
        {
            var buf = new float[(long)n * d];
            for (int j = 0; j < d; j++) { var c = cols[j]; for (int i = 0; i < n; i++) buf[(long)i * d + j] = (float)(c.GetDouble(i) * scale); }
            t = torch.tensor(buf, [n, d]);
        }
        else
        {
            var buf = new double[(long)n * d];
            for (int j = 0; j < d; j++) { var c = cols[j]; for (int i = 0; i < n; i++) buf[(long)i * d + j] = c.GetDouble(i) * scale; }
            t = torch.tensor(buf, [n, d]);
        }
        if (t.dtype != dtype) { var u = t.to_type(dtype); t.Dispose(); t = u; }
        var dev = Devices.Resolve(device);
        if (dev.type != DeviceType.CPU) { var u = t.to(dev); t.Dispose(); t = u; }
        return t;
    }

    /// <summary>
    /// NEON App. H preprocessing in one call: binary and categorical attributes (factors, text, logicals, numeric
    /// columns with at most two distinct values) are removed, missing values are replaced by the attribute's mean,
    /// and every remaining feature is standardised to mean 0 and standard deviation 1 (population s.d., as
    /// scikit-learn's StandardScaler). The label column is kept (not a feature); what was dropped is in <see cref="AppendixH"/>.
    /// </summary>
    public Dataset PreprocessAppendixH()
    {
        var dropped = new List<(string Column, string Reason)>();
        var kept = new List<DataColumn>();
        var imputed = new List<(string Column, int Count, double Mean)>();
        var means = new List<double>();
        var stds = new List<double>();
        foreach (var name in FeatureNames)
        {
            var c = _byName[name];
            if (!c.IsNumeric) { dropped.Add((name, c.Kind == ColumnKind.Logical ? "binary (logical)" : $"categorical ({c.Kind.ToString().ToLowerInvariant()})")); continue; }
            int distinct = c.DistinctCount(3);
            if (distinct <= 1) { dropped.Add((name, distinct == 0 ? "all missing" : "constant")); continue; }
            if (distinct == 2) { dropped.Add((name, "binary")); continue; }
            // NEON App. H: missing → attribute mean; then mean 0, s.d. 1.
            double sum = 0; int present = 0;
            for (int i = 0; i < Count; i++) if (!c.IsMissing(i)) { sum += c.GetDouble(i); present++; }
            double mean = sum / present;
            var x = new double[Count];
            for (int i = 0; i < Count; i++) x[i] = c.IsMissing(i) ? mean : c.GetDouble(i);
            if (present < Count) imputed.Add((name, Count - present, mean));
            double ss = 0;
            for (int i = 0; i < Count; i++) ss += (x[i] - mean) * (x[i] - mean);
            double sd = Math.Sqrt(ss / Count);
            for (int i = 0; i < Count; i++) x[i] = (x[i] - mean) / sd;
            kept.Add(new DoubleColumn(name, x));
            means.Add(mean); stds.Add(sd);
        }
        if (kept.Count == 0)
            throw new InvalidOperationException($"Dataset '{Id}': NEON App. H preprocessing leaves no feature (all {FeatureNames.Length} are binary or categorical).");
        var columns = new List<DataColumn>(kept);
        if (LabelColumn is not null) columns.Add(_byName[LabelColumn]);
        var info = new AppendixHInfo(kept.Select(c => c.Name).ToArray(), means.ToArray(), stds.ToArray(), dropped, imputed);
        var history = History.Append(info.Describe());
        return new Dataset(Id, Title, columns, info.Columns, LabelColumn, LabelNamesIfDeclared(), image: null, history, RowNames, info);
    }

    /// <summary>The same dataset with only <paramref name="features"/> as features (all columns stay in the frame).</summary>
    public Dataset WithFeatures(params string[] features)
        => new(Id, Title, _columns, features, LabelColumn, _declaredLabelNames, Image is not null && features.SequenceEqual(FeatureNames) ? Image : null,
            History.Append($"features narrowed to {features.Length}: {string.Join(", ", features.Take(8))}{(features.Length > 8 ? ", …" : "")}"), RowNames, AppendixH);

    /// <summary>The same dataset with another label column (or none).</summary>
    public Dataset WithLabel(string? labelColumn)
        => new(Id, Title, _columns, FeatureNames.Where(f => f != labelColumn), labelColumn, null, Image, History, RowNames, AppendixH);

    /// <summary>The rows <paramref name="rows"/> (0-based, in the order given).</summary>
    public Dataset Rows(IReadOnlyList<int> rows, string? note = null)
    {
        var idx = rows.ToArray();
        foreach (var r in idx) if (r < 0 || r >= Count) throw new ArgumentOutOfRangeException(nameof(rows), $"Row {r} is outside 0..{Count - 1} of dataset '{Id}'.");
        return new Dataset(Id, Title, _columns.Select(c => c.Take(idx)).ToList(), FeatureNames, LabelColumn, LabelNamesIfDeclared(), Image,
            History.Append(note ?? $"{idx.Length} of {Count} rows selected"), RowNames is null ? null : idx.Select(i => RowNames[i]).ToArray(), AppendixH);
    }

    /// <summary>The first <paramref name="n"/> rows.</summary>
    public Dataset Take(int n) => n >= Count ? this : Rows(Enumerable.Range(0, n).ToArray(), $"first {n} of {Count} rows");

    /// <summary><paramref name="n"/> rows drawn without replacement with <paramref name="seed"/> (kept in file order); the
    /// same seed gives the same rows on every machine.</summary>
    public Dataset Sample(int n, int seed = 0)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"Sample size must be positive, got {n}.");
        if (n >= Count) return this;
        using var perm = torch.randperm(Count, generator: Seeds.Generator(seed), dtype: ScalarType.Int64);
        var idx = perm.data<long>().Take(n).Select(i => (int)i).Order().ToArray();
        return Rows(idx, $"{n} of {Count} rows sampled with seed {seed}");
    }

    /// <summary>The rows whose <paramref name="column"/> equals <paramref name="value"/> (e.g. fashion-mnist split "test").</summary>
    public Dataset Where(string column, string value)
    {
        var c = _byName.GetValueOrDefault(column) ?? throw new ArgumentException($"Dataset '{Id}' has no column '{column}' ({string.Join(", ", ColumnNames.Take(20))}).");
        var rows = Enumerable.Range(0, Count).Where(i => c.GetText(i) == value).ToArray();
        return Rows(rows, $"rows with {column} = {value}: {rows.Length}");
    }

    /// <summary>The values of <paramref name="column"/> as doubles (NaN = missing); numeric and logical columns only.</summary>
    public double[] Column(string column)
    {
        var c = _byName.GetValueOrDefault(column) ?? throw new ArgumentException($"Dataset '{Id}' has no column '{column}'.");
        return Enumerable.Range(0, Count).Select(c.GetDouble).ToArray();
    }

    /// <summary>The values of <paramref name="column"/> as text (null = missing), e.g. factor levels.</summary>
    public string?[] TextColumn(string column)
    {
        var c = _byName.GetValueOrDefault(column) ?? throw new ArgumentException($"Dataset '{Id}' has no column '{column}'.");
        return Enumerable.Range(0, Count).Select(c.GetText).ToArray();
    }

    /// <summary>The factor levels of <paramref name="column"/> (null when it is not a factor).</summary>
    public string[]? Levels(string column) => (_byName.GetValueOrDefault(column) as TextColumn)?.Levels;

    string[]? LabelNamesIfDeclared() => _declaredLabelNames;

    long[] RequireLabels()
        => LabelColumn is null ? throw new InvalidOperationException($"Dataset '{Id}' has no label column.") : Labels;

    (long[] Codes, string[] Names) ComputeLabels()
    {
        if (LabelColumn is null) return ([], []);
        var c = _byName[LabelColumn];
        var codes = new long[Count];
        string[] names;
        if (c is TextColumn { Levels: { } levels })
        {
            names = levels;
            var index = levels.Select((l, i) => (l, i)).ToDictionary(t => t.l, t => t.i);
            for (int i = 0; i < Count; i++) codes[i] = c.GetText(i) is string s ? index[s] : -1;
        }
        else if (c.IsNumeric && _declaredLabelNames is { } declared)
        {
            names = declared;
            for (int i = 0; i < Count; i++)
            {
                double v = c.GetDouble(i);
                if (double.IsNaN(v)) { codes[i] = -1; continue; }
                if (v != Math.Floor(v) || v < 0 || v >= declared.Length)
                    throw new InvalidOperationException($"Dataset '{Id}': label {v} in row {i} is not a code 0..{declared.Length - 1} for {string.Join(", ", declared)}.");
                codes[i] = (long)v;
            }
        }
        else if (c.IsNumeric || c.Kind == ColumnKind.Logical)
        {
            var distinct = Enumerable.Range(0, Count).Select(c.GetDouble).Where(v => !double.IsNaN(v)).Distinct().Order().ToArray();
            names = distinct.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
            var index = distinct.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i);
            for (int i = 0; i < Count; i++) codes[i] = double.IsNaN(c.GetDouble(i)) ? -1 : index[c.GetDouble(i)];
        }
        else
        {
            names = Enumerable.Range(0, Count).Select(c.GetText).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
            var index = names.Select((l, i) => (l, i)).ToDictionary(t => t.l, t => t.i);
            for (int i = 0; i < Count; i++) codes[i] = c.GetText(i) is string s ? index[s] : -1;
        }
        _labelNames = names;
        return (codes, names);
    }

    /// <summary>One line: id, rows × features, label and image size.</summary>
    public override string ToString()
    {
        string label = LabelColumn is null ? "no label" : $"label '{LabelColumn}' ({LabelNames.Length} classes)";
        string img = Image is null ? "" : $", images {Image.Height}×{Image.Width}";
        return $"{Id}: {Count} rows × {FeatureNames.Length} features, {label}{img}";
    }
}

/// <summary>What <see cref="Dataset.PreprocessAppendixH"/> did: the kept columns with the mean and s.d. used to
/// standardise them (x_std = (x − Mean) / Std), the dropped columns with the reason, and the imputed counts.</summary>
/// <param name="Columns">The kept (standardised) columns, in output order.</param>
/// <param name="Mean">Per kept column: the mean subtracted.</param>
/// <param name="Std">Per kept column: the standard deviation divided by.</param>
/// <param name="Dropped">Columns left out, each with the reason.</param>
/// <param name="Imputed">Columns with missing values: how many were replaced by the column mean, and that mean.</param>
public sealed record AppendixHInfo(
    string[] Columns, double[] Mean, double[] Std,
    IReadOnlyList<(string Column, string Reason)> Dropped,
    IReadOnlyList<(string Column, int Count, double Mean)> Imputed)
{
    /// <summary>One sentence for a notebook or log: what was standardised, dropped and imputed.</summary>
    public string Describe()
    {
        string s = $"NEON App. H: standardised {Columns.Length} column(s) to mean 0, s.d. 1";
        if (Dropped.Count > 0) s += $"; dropped {string.Join(", ", Dropped.Select(d => $"{d.Column} ({d.Reason})"))}";
        if (Imputed.Count > 0) s += $"; mean-imputed {string.Join(", ", Imputed.Select(m => $"{m.Count} in {m.Column}"))}";
        return s;
    }
}
