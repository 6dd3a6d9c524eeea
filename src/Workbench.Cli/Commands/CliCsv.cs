using TorchSharp;
using Workbench.IO;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>Shared CSV checks and conversions of the clustering commands.</summary>
static class CliCsv
{
    /// <summary>A command-line input problem; printed as <c>error: …</c> with exit code 1.</summary>
    public sealed class InputException(string message) : Exception(message);

    public static Tensor ToTensor(CsvTable t) => tensor(t.Values, dtype: ScalarType.Float64);

    /// <summary>Checks that <paramref name="other"/> has exactly the feature columns of <paramref name="x"/>, in order.</summary>
    public static void SameColumns(CsvTable x, CsvTable other, string what)
    {
        var missing = x.Columns.Where(c => !other.Columns.Contains(c)).ToArray();
        var extra = other.Columns.Where(c => !x.Columns.Contains(c)).ToArray();
        if (other.ColumnCount != x.ColumnCount || missing.Length > 0 || extra.Length > 0)
        {
            var parts = new List<string> { $"{other.Path} has {other.ColumnCount} feature columns but {x.Path} has {x.ColumnCount}; {what} need one column per feature of {x.Path}, named and ordered as there." };
            if (missing.Length > 0) parts.Add($"Missing in {other.Path}: column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
            if (extra.Length > 0) parts.Add($"Not in {x.Path}: column(s) {string.Join(", ", extra.Select(m => $"'{m}'"))}.");
            throw new InputException(string.Join(" ", parts));
        }
        for (int c = 0; c < x.ColumnCount; c++)
            if (x.Columns[c] != other.Columns[c])
                throw new InputException($"{other.Path} column {c} is '{other.Columns[c]}' but {x.Path} column {c} is '{x.Columns[c]}'; put the columns in the same order as {x.Path}.");
    }

    /// <summary>Rejects two identical rows (identical centroids make the network's competitor weight zero).</summary>
    public static void NoDuplicateRows(CsvTable t, string what)
    {
        var seen = new Dictionary<string, int>();
        for (int r = 0; r < t.Rows; r++)
        {
            var key = string.Join(",", Enumerable.Range(0, t.ColumnCount).Select(c => BitConverter.DoubleToInt64Bits(t.Values[r, c] == 0 ? 0.0 : t.Values[r, c])));
            if (seen.TryGetValue(key, out var first))
                throw new InputException($"{t.Path}: rows {first} and {r} are the same {what}; remove one (duplicate {what}s leave a cluster with no decision boundary).");
            seen[key] = r;
        }
    }

    /// <summary>Parses <c>--beta</c>: <c>auto</c> (Eq. 3 over the rows of X), a number ≥ 0, or <c>inf</c>.</summary>
    public static double? ParseBeta(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s == "auto") return null;
        if (s is "inf" or "infinity") return double.PositiveInfinity;
        if (double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var b) && b >= 0 && !double.IsNaN(b))
            return b;
        throw new InputException($"--beta must be 'auto' (Eq. 3), a number ≥ 0, or 'inf'; got '{text}'.");
    }

    /// <summary>Writes R.csv: index, cluster, f, then one relevance column per feature of X.</summary>
    public static void WriteRelevance(string path, string[] featureNames, Tensor clusters, Tensor f, Tensor relevance)
    {
        var c = clusters.cpu().data<long>().ToArray();
        var fv = f.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        var r = relevance.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        int d = featureNames.Length;
        var header = new List<string> { "index", "cluster", "f" };
        header.AddRange(featureNames);
        Csv.Write(path, header, Enumerable.Range(0, c.Length).Select(n =>
        {
            var row = new List<object> { (long)n, c[n], fv[n] };
            for (int i = 0; i < d; i++) row.Add(r[n * d + i]);
            return (IReadOnlyList<object>)row;
        }));
    }

    /// <summary>Runs a command body; input problems become one <c>error:</c> line on stderr and exit code 1.</summary>
    public static int Guard(System.CommandLine.ParseResult pr, Func<TextWriter, int> body)
    {
        var output = pr.InvocationConfiguration.Output;
        var error = pr.InvocationConfiguration.Error;
        try { return body(output); }
        catch (Exception e) when (e is InputException or CsvException or ArgumentException or IOException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
