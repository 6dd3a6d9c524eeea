using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace Workbench.Notebooks.Formatting;

/// <summary>
/// Sequences of objects (records, anonymous types, tuples) as tables with a column per public property or field,
/// and dictionaries as key/value tables, the way .NET Interactive showed them.
/// </summary>
public static class TableHtml
{
    /// <summary>Rows shown before a table is cut.</summary>
    public const int MaxRows = 50;

    /// <summary>A sequence of records or a dictionary as an HTML table; false for other values.</summary>
    public static bool TryFormat(object value, out MimeBundle bundle)
    {
        bundle = null!;
        if (value is string) return false;
        if (value is IDictionary dict)
        {
            var rows = new List<string[]>();
            foreach (DictionaryEntry e in dict) rows.Add(new[] { Formatter.PlainText(e.Key, 1).Trim('"'), Formatter.PlainText(e.Value, 1).Trim('"') });
            bundle = Table(new[] { "key", "value" }, rows, rows.Count);
            return true;
        }
        if (value is not IEnumerable && value.GetType().Name.Contains("AnonymousType", StringComparison.Ordinal))
        {
            // a single anonymous object: one row per property
            var rows = Members(value.GetType()).Select(m => new[] { m.Name, Cell(m.Get(value)) }).ToList();
            bundle = Table(new[] { "name", "value" }, rows, rows.Count);
            return true;
        }
        if (value is not IEnumerable seq) return false;
        var elementType = ElementType(value.GetType());
        if (elementType is null || IsScalar(elementType)) return false;
        var members = Members(elementType);
        if (members.Count == 0) return false;
        var items = new List<string[]>();
        int count = 0;
        foreach (var item in seq)
        {
            count++;
            if (items.Count < MaxRows)
                items.Add(members.Select(m => Cell(item is null ? null : m.Get(item))).ToArray());
        }
        bundle = Table(members.Select(m => m.Name).ToArray(), items, count);
        return true;
    }

    static MimeBundle Table(string[] header, List<string[]> rows, int total)
    {
        var html = new StringBuilder("<table style=\"font-family:monospace;border-collapse:collapse\"><thead><tr>");
        foreach (var h in header) html.Append("<th style=\"text-align:right;padding:0 .6em\">").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var r in rows)
        {
            html.Append("<tr>");
            foreach (var c in r) html.Append("<td style=\"text-align:right;padding:0 .6em\">").Append(WebUtility.HtmlEncode(c)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        string summary = total > rows.Count ? $"{total} rows (first {rows.Count} shown)" : "";
        if (summary.Length > 0) html.Append("<p style=\"font-family:monospace\">").Append(summary).Append("</p>");
        var widths = header.Select((h, j) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[j].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", header.Select((h, j) => h.PadLeft(widths[j]))));
        foreach (var r in rows) text.AppendLine(string.Join("  ", r.Select((c, j) => c.PadLeft(widths[j]))));
        if (summary.Length > 0) text.AppendLine(summary);
        return new MimeBundle(new Dictionary<string, object> { ["text/plain"] = text.ToString().TrimEnd(), ["text/html"] = html.ToString() });
    }

    static string Cell(object? v) => v switch
    {
        null => "null",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        _ => Formatter.PlainText(v, 1).Trim('"'),
    };

    static Type? ElementType(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        var ie = t.GetInterfaces().Concat(new[] { t })
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return ie?.GetGenericArguments()[0];
    }

    static bool IsScalar(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(object)
                                    || typeof(IEnumerable).IsAssignableFrom(t) || t.Namespace?.StartsWith("TorchSharp") == true;

    sealed record Member(string Name, Func<object, object?> Get);

    static List<Member> Members(Type t)
    {
        var list = new List<Member>();
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract") list.Add(new Member(p.Name, o => p.GetValue(o)));
        foreach (var f in t.GetFields(BindingFlags.Public | BindingFlags.Instance))
            list.Add(new Member(f.Name, o => f.GetValue(o)));
        return list;
    }
}
