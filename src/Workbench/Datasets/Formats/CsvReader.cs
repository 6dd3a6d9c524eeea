using System.Globalization;
using System.Text;

namespace Workbench.Datasets.Formats;

/// <summary>One record of a CSV file and the file line it starts on (1-based).</summary>
public readonly record struct CsvRecord(int Line, string[] Fields);

/// <summary>A numeric table read in strict mode (<see cref="CsvReader.ReadNumeric"/>): the header and an N × d matrix.</summary>
public sealed record CsvTable(string Path, string[] Columns, double[,] Values)
{
    /// <summary>Number of data rows.</summary>
    public int Rows => Values.GetLength(0);
    /// <summary>Number of columns.</summary>
    public int ColumnCount => Columns.Length;
}

/// <summary>
/// The one CSV reader of the workbench, for the catalog's files, <see cref="Dataset.ReadCsv"/> and the command line.
/// Every mode reads the same way: plain or gzip/xz/bzip2 text (told by the magic bytes), comma separated, fields may be
/// quoted (<c>"a, b"</c>, <c>""</c> for a quote, newlines inside quotes), blank lines skipped, header names trimmed,
/// non-empty and unique, every record as wide as the header. Rows are numbered from 0 after the header (as the
/// <c>index</c> column of the command line's outputs), with the file line beside.
/// <list type="bullet">
/// <item><b>Lenient</b> (<see cref="ReadRecords"/>, <see cref="Dataset.ReadCsv"/>): empty fields and <c>NA</c> are missing; a
/// column whose every present value parses as a number is numeric, any other is text.</item>
/// <item><b>Strict</b> (<see cref="ReadNumeric"/>, <see cref="ReadIntegerColumn"/>; the command line): every field must be a
/// finite number; missing values, text, NaN and infinity are errors naming the row and column.</item>
/// </list>
/// A file that reads in strict mode reads in lenient mode to the same numbers.
/// </summary>
public static class CsvReader
{
    /// <summary>Every record of <paramref name="path"/> as fields, after decompression (lenient: no typing).</summary>
    public static List<string[]> ReadRecords(string path) => ReadLines(path).Select(r => r.Fields).ToList();

    /// <summary>Every record of <paramref name="path"/> with its line number, after decompression.</summary>
    public static List<CsvRecord> ReadLines(string path, string? name = null)
    {
        using var reader = OpenText(path);
        return Enumerate(reader, name ?? Path.GetFileName(path)).ToList();
    }

    /// <summary>Splits CSV text into records; a line with an unterminated quote is an error naming the line.</summary>
    public static List<string[]> ParseRecords(string text, string name) => Parse(text, name).Select(r => r.Fields).ToList();

    /// <summary>Splits CSV text into records with the line each starts on; blank (or whitespace-only) lines are skipped.</summary>
    public static List<CsvRecord> Parse(string text, string name) => Enumerate(new StringReader(text), name).ToList();

    /// <summary>A reader over the decompressed text of <paramref name="path"/>: a plain file is streamed from disk, a
    /// compressed one is decompressed into memory first.</summary>
    public static TextReader OpenText(string path)
    {
        Stream stream;
        try { stream = File.OpenRead(path); }
        catch (FileNotFoundException) { throw new DataFormatException($"{path}: file not found."); }
        var head = new byte[6];
        int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (Compression.Detect(head.AsSpan(0, got)) == CompressionKind.None) return new StreamReader(stream, Encoding.UTF8);
        stream.Dispose();
        return new StreamReader(new MemoryStream(Compression.ReadAllBytes(path), writable: false), Encoding.UTF8);
    }

    /// <summary>The records of CSV text one at a time, with the line each starts on, without holding the text: the
    /// streaming core of every mode. Blank lines are skipped; an unterminated quote is an error naming its line.</summary>
    public static IEnumerable<CsvRecord> Enumerate(TextReader reader, string name)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var buffer = new char[1 << 16];
        int line = 1, recordLine = 1;
        bool inQuotes = false, quotedAny = false, quoteInQuotes = false, first = true;
        CsvRecord? EndRecord()
        {
            fields.Add(field.ToString());
            CsvRecord? record = quotedAny || fields.Count > 1 || fields[0].Trim().Length > 0 ? new CsvRecord(recordLine, [.. fields]) : null;
            fields.Clear(); field.Clear(); quotedAny = false;
            return record;
        }
        for (int read; (read = reader.Read(buffer, 0, buffer.Length)) > 0;)
        {
            int i = 0;
            if (first) { first = false; if (buffer[0] == '\uFEFF') i = 1; } // a UTF-8 byte-order mark is not part of the first name
            for (; i < read; i++)
            {
                char c = buffer[i];
                if (quoteInQuotes)
                {
                    quoteInQuotes = false;
                    if (c == '"') { field.Append('"'); continue; } // "" inside quotes is one quote
                    inQuotes = false;                                // the quote closed the field; c is read normally
                }
                if (inQuotes)
                {
                    if (c == '"') quoteInQuotes = true;
                    else { if (c == '\n') line++; field.Append(c); }
                    continue;
                }
                switch (c)
                {
                    case '"': inQuotes = true; quotedAny = true; break;
                    case ',': fields.Add(field.ToString()); field.Clear(); break;
                    case '\r': break;
                    case '\n':
                        if (EndRecord() is CsvRecord r) yield return r;
                        line++; recordLine = line; break;
                    default: field.Append(c); break;
                }
            }
        }
        if (quoteInQuotes) inQuotes = false;
        if (inQuotes) throw new DataFormatException($"{name}: line {recordLine}: a quoted field is not closed before the end of the file (truncated?).");
        if ((fields.Count > 0 || field.Length > 0 || quotedAny) && EndRecord() is CsvRecord last) yield return last;
    }

    /// <summary>The header's names, trimmed; an empty or repeated name is an error.</summary>
    public static string[] Header(CsvRecord header, string name)
    {
        var names = header.Fields.Select(f => f.Trim()).ToArray();
        for (int c = 0; c < names.Length; c++)
        {
            if (names[c].Length == 0) throw new DataFormatException($"{name}: header column {c} (line {header.Line}) has no name; give every column a name.");
            for (int c2 = 0; c2 < c; c2++)
                if (names[c2] == names[c])
                    throw new DataFormatException($"{name}: the header names column '{names[c]}' twice (columns {c2} and {c}); rename one.");
        }
        return names;
    }

    /// <summary>Checks that every data record has <paramref name="width"/> fields (row numbers from 0 after the header).</summary>
    public static void CheckWidth(IReadOnlyList<CsvRecord> rows, int width, string name, bool hasHeader)
    {
        for (int r = 0; r < rows.Count; r++)
            if (rows[r].Fields.Length != width)
                throw new DataFormatException($"{name}: row {r} (line {rows[r].Line}) has {rows[r].Fields.Length} fields but " +
                    (hasHeader ? $"the header has {width} columns." : $"the format expects {width} (corrupt or truncated file?)."));
    }

    /// <summary>Whether a field means "missing" in lenient mode: empty or <c>NA</c>.</summary>
    public static bool IsMissing(string field) => field.Trim() is "" or "NA";

    /// <summary>Parses a number the way every mode does (invariant culture, surrounding spaces allowed).</summary>
    public static bool TryNumber(string field, out double value)
        => double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Builds typed columns from records (lenient mode) and their names.</summary>
    internal static List<DataColumn> ToColumns(IReadOnlyList<CsvRecord> rows, IReadOnlyList<string> names, string name, bool hasHeader)
    {
        int width = names.Count;
        CheckWidth(rows, width, name, hasHeader);
        var columns = new List<DataColumn>(width);
        for (int j = 0; j < width; j++)
        {
            var values = new double[rows.Count];
            bool numeric = true;
            for (int r = 0; r < rows.Count && numeric; r++)
            {
                string s = rows[r].Fields[j];
                if (IsMissing(s)) values[r] = double.NaN;
                else if (!TryNumber(s, out values[r])) numeric = false;
            }
            columns.Add(numeric
                ? new DoubleColumn(names[j], values)
                : new TextColumn(names[j], rows.Select(r => IsMissing(r.Fields[j]) ? null : r.Fields[j]).ToArray(), null));
        }
        return columns;
    }

    /// <summary>Header and data rows of a file with a header line (both modes); a file without any line is an error.</summary>
    internal static (string[] Header, List<CsvRecord> Rows) ReadWithHeader(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(Directory.Exists(path) ? $"{path} is a folder, not a CSV file." : $"{path}: file not found.");
        var records = ReadLines(path, path);
        if (records.Count == 0) throw new DataFormatException($"{path}: the file is empty; expected a header row and data rows.");
        return (Header(records[0], path), records.Skip(1).ToList());
    }

    /// <summary>Strict mode: an all-numeric table with a header row. Missing values, text, NaN and infinity are errors
    /// naming the row (0-based, after the header), the file line and the column. The file is streamed twice (count the
    /// rows, then parse each record straight into the matrix), so the peak is the matrix and one record.</summary>
    public static CsvTable ReadNumeric(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(Directory.Exists(path) ? $"{path} is a folder, not a CSV file." : $"{path}: file not found.");
        string[]? header = null;
        int rowCount = 0;
        using (var reader = OpenText(path))
            foreach (var record in Enumerate(reader, path))
            {
                if (header is null) { header = Header(record, path); continue; }
                if (record.Fields.Length != header.Length)
                    throw new DataFormatException($"{path}: row {rowCount} (line {record.Line}) has {record.Fields.Length} fields but the header has {header.Length} columns.");
                rowCount++;
            }
        if (header is null) throw new DataFormatException($"{path}: the file is empty; expected a header row and data rows.");
        if (rowCount == 0) throw new DataFormatException($"{path}: no data rows after the header.");
        var values = new double[rowCount, header.Length];
        int r = -2;
        using (var reader = OpenText(path))
            foreach (var (line, cells) in Enumerate(reader, path))
            {
                if (++r < 0) continue; // the header
                if (r >= rowCount || cells.Length != header.Length) throw new DataFormatException($"{path} changed while it was being read; run again.");
                for (int c = 0; c < header.Length; c++)
                {
                    var cell = cells[c].Trim();
                    if (!TryNumber(cell, out var v))
                        throw new DataFormatException($"{path}: row {r} (line {line}), column '{header[c]}': " +
                            (IsMissing(cell) ? $"'{cell}' is a missing value; the command line needs every value (remove or impute the row)." : $"'{cell}' is not a number."));
                    if (!double.IsFinite(v))
                        throw new DataFormatException($"{path}: row {r} (line {line}), column '{header[c]}': {cell} is not a finite number (NaN or infinity); remove or impute it.");
                    values[r, c] = v;
                }
            }
        return new CsvTable(path, header, values);
    }

    /// <summary>Strict mode: one integer column named <paramref name="column"/> (e.g. <c>cluster</c>).</summary>
    public static long[] ReadIntegerColumn(string path, string column)
    {
        var (header, rows) = ReadWithHeader(path);
        CheckWidth(rows, header.Length, path, hasHeader: true);
        if (rows.Count == 0) throw new DataFormatException($"{path}: no data rows after the header.");
        int at = Array.IndexOf(header, column);
        if (at < 0) throw new DataFormatException($"{path}: no column named '{column}' in the header ({string.Join(",", header)}).");
        var result = new long[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var (line, cells) = rows[r];
            var cell = cells[at].Trim();
            if (!long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out result[r]))
                throw new DataFormatException($"{path}: row {r} (line {line}), column '{column}': '{cell}' is " +
                    (cell.Length > 0 && cell.TrimStart('-', '+').All(char.IsAsciiDigit) ? "out of range for an integer." : "not an integer."));
        }
        return result;
    }
}
