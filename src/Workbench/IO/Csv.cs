using System.Globalization;
using System.Text;

namespace Workbench.IO;

/// <summary>A CSV problem, with the file, row and column it was found at.</summary>
public sealed class CsvException(string message) : Exception(message);

/// <summary>A numeric table read from a CSV with a header row.</summary>
public sealed record CsvTable(string Path, string[] Columns, double[,] Values)
{
    public int Rows => Values.GetLength(0);
    public int ColumnCount => Columns.Length;
}

/// <summary>
/// A minimal CSV reader/writer for the command line: comma separated, one header row, optional double quotes around a
/// field, invariant culture numbers. Every error names the file, the data row (0-based, as the <c>index</c> column of
/// the outputs; the file line is given too) and the column.
/// </summary>
public static class Csv
{
    /// <summary>
    /// Reads an all-numeric table; NaN and infinity are rejected. Streams the file twice (count the rows, then parse
    /// each line straight into the result), so memory is the [rows, columns] array and one line: no per-cell strings
    /// (a 20,000 × 784 table held as strings took over a gigabyte).
    /// </summary>
    public static CsvTable ReadNumeric(string path)
    {
        var (header, first) = ReadHeader(path);
        int rows = 0;
        foreach (var line in File.ReadLines(path).Skip(first + 1))
            if (!string.IsNullOrWhiteSpace(line)) rows++;
        if (rows == 0) throw new CsvException($"{path}: no data rows after the header.");
        var values = new double[rows, header.Length];
        int r = 0, lineNo = first + 1;
        foreach (var line in File.ReadLines(path).Skip(first + 1))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (r == rows) break;                                     // the file grew between the passes
            if (line.Contains('"')) ParseCells(Split(line, path, lineNo), header, values, r, path, lineNo);
            else ParseUnquoted(line, header, values, r, path, lineNo);
            r++;
        }
        if (r < rows) throw new CsvException($"{path}: the file changed while it was read ({r} of {rows} rows); read it again.");
        return new CsvTable(path, header, values);
    }

    static void ParseUnquoted(string line, string[] header, double[,] values, int r, string path, int lineNo)
    {
        var rest = line.AsSpan();
        int fields = rest.Count(',') + 1;
        if (fields != header.Length) throw WidthError(path, r, lineNo, fields, header.Length);
        for (int c = 0; c < fields; c++)
        {
            int comma = rest.IndexOf(',');
            values[r, c] = Number((comma < 0 ? rest : rest[..comma]).Trim(), header[c], path, r, lineNo);
            if (comma >= 0) rest = rest[(comma + 1)..];
        }
    }

    static void ParseCells(string[] cells, string[] header, double[,] values, int r, string path, int lineNo)
    {
        if (cells.Length != header.Length) throw WidthError(path, r, lineNo, cells.Length, header.Length);
        for (int c = 0; c < cells.Length; c++) values[r, c] = Number(cells[c], header[c], path, r, lineNo);
    }

    static double Number(ReadOnlySpan<char> cell, string column, string path, int r, int lineNo)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw new CsvException($"{path}: row {r} (line {lineNo}), column '{column}': '{cell.ToString()}' is not a number.");
        if (!double.IsFinite(v))
            throw new CsvException($"{path}: row {r} (line {lineNo}), column '{column}': {cell.ToString()} is not a finite number (NaN or infinity); remove or impute it.");
        return v;
    }

    static CsvException WidthError(string path, int r, int lineNo, int fields, int columns) =>
        new($"{path}: row {r} (line {lineNo}) has {fields} fields but the header has {columns} columns.");

    /// <summary>Reads one integer column named <paramref name="column"/> (e.g. <c>cluster</c>).</summary>
    public static long[] ReadIntegerColumn(string path, string column)
    {
        var (header, rows) = ReadRaw(path);
        int at = Array.FindIndex(header, h => h == column);
        if (at < 0) throw new CsvException($"{path}: no column named '{column}' in the header ({string.Join(",", header)}).");
        var result = new long[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var (line, cells) = rows[r];
            if (!long.TryParse(cells[at], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[r]))
                throw new CsvException($"{path}: row {r} (line {line}), column '{column}': '{cells[at]}' is not an integer.");
        }
        return result;
    }

    /// <summary>Writes a header and rows; numbers in round-trip invariant format.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object>> rows)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.WriteLine(string.Join(",", header.Select(Quote)));
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            sb.Clear();
            for (int i = 0; i < row.Count; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(row[i] switch
                {
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    float f => f.ToString("R", CultureInfo.InvariantCulture),
                    IFormattable fo => fo.ToString(null, CultureInfo.InvariantCulture),
                    var o => Quote(o?.ToString() ?? ""),
                });
            }
            w.WriteLine(sb);
        }
    }

    static string Quote(string s) => s.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>The header row (first non-blank line) and its 0-based line index, checked: named, distinct columns.</summary>
    static (string[] Header, int First) ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new CsvException($"{path}: file not found.");
        int first = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Trim().Length > 0) return (CheckHeader(Split(line, path, first + 1), path), first);
            first++;
        }
        throw new CsvException($"{path}: the file is empty; expected a header row and data rows.");
    }

    static string[] CheckHeader(string[] header, string path)
    {
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0) throw new CsvException($"{path}: header column {c} has no name.");
            for (int c2 = 0; c2 < c; c2++)
                if (header[c2] == header[c]) throw new CsvException($"{path}: the header names column '{header[c]}' twice (columns {c2} and {c}).");
        }
        return header;
    }

    static (string[] Header, List<(int Line, string[] Cells)> Rows) ReadRaw(string path)
    {
        if (!File.Exists(path)) throw new CsvException($"{path}: file not found.");
        var lines = File.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0) throw new CsvException($"{path}: the file is empty; expected a header row and data rows.");
        var header = CheckHeader(Split(lines[first], path, first + 1), path);
        var rows = new List<(int, string[])>();
        for (int i = first + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var cells = Split(lines[i], path, i + 1);
            if (cells.Length != header.Length)
                throw new CsvException($"{path}: row {rows.Count} (line {i + 1}) has {cells.Length} fields but the header has {header.Length} columns.");
            rows.Add((i + 1, cells));
        }
        if (rows.Count == 0) throw new CsvException($"{path}: no data rows after the header.");
        return (header, rows);
    }

    static string[] Split(string line, string path, int lineNo)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(sb.ToString().Trim()); sb.Clear(); }
            else sb.Append(ch);
        }
        if (quoted) throw new CsvException($"{path}: line {lineNo} has an unclosed double quote.");
        cells.Add(sb.ToString().Trim());
        return cells.ToArray();
    }
}
