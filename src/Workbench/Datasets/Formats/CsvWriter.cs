using System.Globalization;
using System.Text;

namespace Workbench.Datasets.Formats;

/// <summary>
/// Writes CSV files that <see cref="CsvReader"/> reads back: a header, numbers in round-trip invariant format, fields with
/// a comma, quote or newline quoted. A non-finite number is never written: the file is not created and the error names
/// the first bad row (0-based, as the <c>index</c> column) and column.
/// </summary>
public static class CsvWriter
{
    /// <summary>Writes <paramref name="rows"/> under <paramref name="header"/> to <paramref name="path"/>, through a temporary
    /// file in the same folder renamed at the end (an existing file is replaced only when the whole file is written).
    /// <paramref name="hint"/> is appended to a non-finite-number error (why it can happen and what to do).</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object>> rows, string? hint = null)
    {
        using var outputs = new OutputFiles();
        outputs.Add(path, "output");
        outputs.Write(path, header, rows, hint);
        outputs.Commit();
    }

    /// <summary>Writes to an open writer (no temporary file); used by <see cref="OutputFiles"/>.</summary>
    internal static void WriteTo(TextWriter w, string name, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object>> rows, string? hint)
    {
        w.WriteLine(string.Join(",", header.Select(Quote)));
        var sb = new StringBuilder();
        long r = 0;
        foreach (var row in rows)
        {
            sb.Clear();
            for (int i = 0; i < row.Count; i++)
            {
                if (i > 0) sb.Append(',');
                var cell = row[i];
                double? number = cell switch { double d => d, float f => f, _ => null };
                if (number is double v && !double.IsFinite(v))
                    throw new DataFormatException(
                        $"{name} would hold a non-finite number: row {r}, column '{(i < header.Count ? header[i] : i.ToString(CultureInfo.InvariantCulture))}' is " +
                        $"{v.ToString(CultureInfo.InvariantCulture)}; nothing was written.{(hint is null ? "" : " " + hint)}");
                sb.Append(cell switch
                {
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    float f => f.ToString("R", CultureInfo.InvariantCulture),
                    IFormattable fo => fo.ToString(null, CultureInfo.InvariantCulture),
                    var o => Quote(o?.ToString() ?? ""),
                });
            }
            w.WriteLine(sb);
            r++;
        }
    }

    static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
