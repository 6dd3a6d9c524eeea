using System.Globalization;
using System.Text;

namespace Workbench.Datasets.Formats;

/// <summary>Comma-separated text, plain or gzip/xz/bzip2 compressed (told by the magic bytes). Fields may be quoted
/// ("a, b" and "" for a quote); empty fields and <c>NA</c> are missing. A column whose every present value parses as
/// a number is numeric, any other is text.</summary>
public static class CsvReader
{
    /// <summary>Every record of <paramref name="path"/> as fields, after decompression.</summary>
    public static List<string[]> ReadRecords(string path)
    {
        var bytes = Compression.ReadAllBytes(path);
        return ParseRecords(Encoding.UTF8.GetString(bytes), Path.GetFileName(path));
    }

    /// <summary>Splits CSV text into records; a line with an unterminated quote is an error naming the line.</summary>
    public static List<string[]> ParseRecords(string text, string name)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        bool inQuotes = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else inQuotes = false;
                }
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"': inQuotes = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add([.. fields]); }
                    fields.Clear(); field.Clear(); any = false; line++; recordLine = line;
                    break;
                default: field.Append(c); any = true; break;
            }
        }
        if (inQuotes) throw new DataFormatException($"{name}: line {recordLine}: a quoted field is not closed before the end of the file (truncated?).");
        if (any || field.Length > 0) { fields.Add(field.ToString()); records.Add([.. fields]); }
        return records;
    }

    /// <summary>Builds typed columns from records (all of one width) and their names.</summary>
    internal static List<DataColumn> ToColumns(IReadOnlyList<string[]> rows, IReadOnlyList<string> names, string name, int firstLine)
    {
        int width = names.Count;
        for (int r = 0; r < rows.Count; r++)
            if (rows[r].Length != width)
                throw new DataFormatException($"{name}: line {firstLine + r} has {rows[r].Length} fields, expected {width} (corrupt or truncated file?).");
        var columns = new List<DataColumn>(width);
        for (int j = 0; j < width; j++)
        {
            var values = new double[rows.Count];
            bool numeric = true;
            for (int r = 0; r < rows.Count && numeric; r++)
            {
                string s = rows[r][j].Trim();
                if (s.Length == 0 || s == "NA") values[r] = double.NaN;
                else if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out values[r])) numeric = false;
            }
            columns.Add(numeric
                ? new DoubleColumn(names[j], values)
                : new TextColumn(names[j], rows.Select(r => r[j].Length == 0 || r[j] == "NA" ? null : r[j]).ToArray(), null));
        }
        return columns;
    }
}
