using System.Collections;
using System.Globalization;
using System.Text;
using TorchSharp;

namespace Workbench.Notebooks.Formatting;

/// <summary>
/// Turns a cell's value into a Jupyter MIME bundle. text/plain is always present; charts, frames, images
/// and Markdown add their rich form. Register more with <see cref="Register{T}"/>.
/// </summary>
public static class Formatter
{
    static readonly List<(Type Type, Func<object, MimeBundle> Format)> Custom = new();

    /// <summary>Adds a formatter for values of type <typeparamref name="T"/> (and subtypes); the newest wins.</summary>
    public static void Register<T>(Func<T, MimeBundle> format) =>
        Custom.Insert(0, (typeof(T), v => format((T)v)));

    /// <summary>The MIME bundle of a value: text/plain always, plus HTML, PNG or Markdown where the value has one.</summary>
    public static MimeBundle Format(object? value, FormatContext? context = null)
    {
        context ??= new FormatContext();
        if (value is null) return MimeBundle.Text("null");
        foreach (var (type, format) in Custom)
            if (type.IsInstanceOfType(value)) return format(value);
        switch (value)
        {
            case MimeBundle b: return b;
            case string s: return MimeBundle.Text(s);
            case MarkdownText md: return Bundle(md.Markdown, ("text/markdown", md.Markdown));
            case HtmlText h: return Bundle(h.Html, ("text/html", h.Html));
            case Plotly.NET.GenericChart chart: return ChartBundle(chart, context);
            case Workbench.Plotting.PngImage png: return Bundle($"PNG image {png.Width}×{png.Height}", ("image/png", Convert.ToBase64String(png.Bytes)));
            case torch.Tensor t: return MimeBundle.Text(TensorText(t));
        }
        if (FrameHtml.TryFormat(value, out var frameBundle)) return frameBundle;
        if (TableHtml.TryFormat(value, out var tableBundle)) return tableBundle;
        return MimeBundle.Text(PlainText(value));
    }

    static MimeBundle ChartBundle(Plotly.NET.GenericChart chart, FormatContext context)
    {
        string html = Workbench.Plotting.ChartHtml.Fragment(chart, embedPlotly: !context.PlotlyLoaded);
        context.PlotlyLoaded = true;
        int traces = Plotly.NET.GenericChart.getTraces(chart).Length;
        return Bundle($"Plotly chart ({traces} trace{(traces == 1 ? "" : "s")})", ("text/html", html));
    }

    static MimeBundle Bundle(string plain, params (string Mime, string Content)[] rich)
    {
        var d = new Dictionary<string, object> { ["text/plain"] = plain };
        foreach (var (m, c) in rich) d[m] = c;
        return new MimeBundle(d);
    }

    /// <summary>Plain text for any value: numbers invariant and round-trippable, sequences as [a, b, …].</summary>
    public static string PlainText(object? value, int depth = 0)
    {
        switch (value)
        {
            case null: return "null";
            case string s: return depth == 0 ? s : "\"" + s + "\"";
            case double d: return d.ToString("R", CultureInfo.InvariantCulture);
            case float f: return f.ToString("R", CultureInfo.InvariantCulture);
            case IFormattable fmt when value.GetType().IsPrimitive || value is decimal:
                return fmt.ToString(null, CultureInfo.InvariantCulture);
            case torch.Tensor t: return TensorText(t);
            case IDictionary dict when depth < 3:
            {
                var parts = new List<string>();
                foreach (DictionaryEntry e in dict)
                {
                    if (parts.Count == 50) { parts.Add("…"); break; }
                    parts.Add($"{PlainText(e.Key, depth + 1)}: {PlainText(e.Value, depth + 1)}");
                }
                return "{" + string.Join(", ", parts) + "}";
            }
            case IEnumerable seq when depth < 3 && !HasOwnToString(value):
            {
                var parts = new List<string>();
                foreach (var item in seq)
                {
                    if (parts.Count == 100) { parts.Add("…"); break; }
                    parts.Add(PlainText(item, depth + 1));
                }
                return "[" + string.Join(", ", parts) + "]";
            }
            default: return value.ToString() ?? value.GetType().Name;
        }
    }

    static bool HasOwnToString(object value)
    {
        var m = value.GetType().GetMethod("ToString", Type.EmptyTypes);
        return m != null && m.DeclaringType != typeof(object) && !m.DeclaringType!.Namespace!.StartsWith("System");
    }

    /// <summary>A tensor's shape, dtype, device and (up to a few hundred) values.</summary>
    public static string TensorText(torch.Tensor t)
    {
        var sb = new StringBuilder();
        sb.Append($"tensor [{string.Join(", ", t.shape)}] {t.dtype} on {t.device}");
        if (t.numel() <= 400)
            sb.Append('\n').Append(t.cpu().ToString(TorchSharp.TensorStringStyle.Numpy));
        return sb.ToString();
    }
}

/// <summary>Per-session state the formatters share (whether plotly.js was already sent).</summary>
public sealed class FormatContext
{
    /// <summary>Whether plotly.js was already sent in this session.</summary>
    public bool PlotlyLoaded { get; set; }
}
