using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Deedle;

namespace Workbench.Notebooks.Formatting;

/// <summary>Deedle frames and series as HTML tables (first rows, then a count of the rest) and aligned text.</summary>
public static class FrameHtml
{
    /// <summary>Rows shown before a frame is cut (head and tail).</summary>
    public const int MaxRows = 20;

    /// <summary>A Deedle frame or series as an HTML table; false for other values.</summary>
    public static bool TryFormat(object value, out MimeBundle bundle)
    {
        bundle = null!;
        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Frame<,>))
        {
            var m = typeof(FrameHtml).GetMethod(nameof(FormatFrame), BindingFlags.Public | BindingFlags.Static)!
                .MakeGenericMethod(type.GetGenericArguments());
            bundle = (MimeBundle)m.Invoke(null, new[] { value })!;
            return true;
        }
        return false;
    }

    /// <summary>A Deedle frame as an HTML table with a text/plain fallback.</summary>
    public static MimeBundle FormatFrame<R, C>(Frame<R, C> frame)
    {
        var rows = frame.RowKeys.ToList();
        var cols = frame.ColumnKeys.ToList();
        var shown = rows.Take(MaxRows).ToList();
        var cells = new List<string[]>();
        var columns = cols.Select(c => frame.GetColumn<object>(c)).ToList();
        foreach (var r in shown)
            cells.Add(columns.Select(s => { var v = s.TryGet(r); return v.HasValue ? Cell(v.Value) : "NA"; }).ToArray());

        var html = new StringBuilder("<table class=\"wb-frame\" style=\"font-family:monospace;border-collapse:collapse\"><thead><tr><th></th>");
        foreach (var c in cols) html.Append("<th style=\"text-align:right;padding:0 .5em\">").Append(Enc(c)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (int i = 0; i < shown.Count; i++)
        {
            html.Append("<tr><th style=\"text-align:right;padding:0 .5em\">").Append(Enc(shown[i])).Append("</th>");
            foreach (var cell in cells[i]) html.Append("<td style=\"text-align:right;padding:0 .5em\">").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        string summary = $"{rows.Count} rows × {cols.Count} columns" + (rows.Count > shown.Count ? $" (first {shown.Count} shown)" : "");
        html.Append("<p style=\"font-family:monospace\">").Append(summary).Append("</p>");

        // text/plain: aligned columns
        var header = new[] { "" }.Concat(cols.Select(c => c?.ToString() ?? "")).ToArray();
        var body = shown.Select((r, i) => new[] { r?.ToString() ?? "" }.Concat(cells[i]).ToArray()).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(j => Math.Max(header[j].Length, body.Count == 0 ? 0 : body.Max(b => b[j].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", header.Select((h, j) => h.PadLeft(widths[j]))));
        foreach (var b in body) text.AppendLine(string.Join("  ", b.Select((h, j) => h.PadLeft(widths[j]))));
        text.Append(summary);
        return new MimeBundle(new Dictionary<string, object> { ["text/plain"] = text.ToString(), ["text/html"] = html.ToString() });
    }

    static string Enc(object? o) => WebUtility.HtmlEncode(o?.ToString() ?? "");

    static string Cell(object? v) => v switch
    {
        null => "NA",
        double d => double.IsNaN(d) ? "NA" : d.ToString("G6", CultureInfo.InvariantCulture),
        float f => float.IsNaN(f) ? "NA" : f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
