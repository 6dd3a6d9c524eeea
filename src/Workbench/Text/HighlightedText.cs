using System.Globalization;
using System.Net;
using System.Text;

namespace Workbench.Text;

/// <summary>
/// Documents rendered as HTML with each word's background shaded by its relevance, the look of NEON Fig. 6: red for
/// evidence for the cluster, blue against, grey text for out-of-vocabulary words, stop words and punctuation unshaded.
/// One self-contained fragment with inline styles only (no scripts, no external CSS): shown by the notebook
/// (<c>Html(...)</c>), kept in the executed notebook, and wrapped by <see cref="Page"/> into a standalone file.
/// </summary>
public static class HighlightedText
{
    /// <summary>One document box per index of <paramref name="which"/>: a title line (id, label, cluster, f_c, Σ_t R_t) and the highlighted text.
    /// Colour intensity is |R_t| / max |R_t| within each document; <paramref name="maxChars"/> cuts long texts (marked "…").</summary>
    public static string Html(DocumentVectors docs, WordExplanation e, IEnumerable<int> which, IReadOnlyList<string>? clusterNames = null, int maxChars = 1500)
    {
        var sb = new StringBuilder();
        sb.Append("<div style=\"font-family:Georgia,serif;font-size:13px;line-height:1.7;color:#222\">");
        sb.Append(Legend());
        foreach (int n in which)
        {
            if (n < 0 || n >= docs.Count) throw new ArgumentOutOfRangeException(nameof(which), $"document index {n} is outside 0…{docs.Count - 1}.");
            sb.Append(Document(docs, e, n, clusterNames, maxChars));
        }
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>A standalone HTML page holding <paramref name="fragments"/> (e.g. the documents and the word table) under <paramref name="title"/>.</summary>
    public static string Page(string title, params string[] fragments)
    {
        var t = WebUtility.HtmlEncode(title);
        return $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\n" +
               $"<body style=\"margin:24px;max-width:980px\"><h1 style=\"font-family:sans-serif;font-size:20px\">{t}</h1>\n{string.Concat(fragments)}\n</body></html>\n";
    }

    /// <summary>The colour key: red for, blue against, grey out of vocabulary.</summary>
    public static string Legend() =>
        "<div style=\"font-family:sans-serif;font-size:12px;margin:4px 0 8px 0\">" +
        $"<span style=\"{Shade(1)};padding:1px 4px\">relevant for the cluster</span> " +
        $"<span style=\"{Shade(-1)};padding:1px 4px\">relevant against</span> " +
        "<span style=\"color:#aaa;padding:1px 4px\">out of vocabulary</span> " +
        "<span style=\"padding:1px 4px\">unshaded: stop word or near zero</span></div>";

    static string Document(DocumentVectors docs, WordExplanation e, int n, IReadOnlyList<string>? clusterNames, int maxChars)
    {
        var d = docs.Documents[n];
        var toks = docs.Tokens[n];
        var r = e.Words[n];
        double max = r.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        long c = e.Clusters[n];
        string cluster = clusterNames is not null && c < clusterNames.Count ? clusterNames[(int)c] : c.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("<div style=\"border:1px solid #ccc;border-radius:4px;padding:8px 10px;margin:8px 0;white-space:pre-wrap;word-wrap:break-word\">");
        sb.Append("<div style=\"font-family:sans-serif;font-size:12px;color:#555;margin-bottom:4px;white-space:normal\">");
        sb.Append(WebUtility.HtmlEncode($"{d.Id}"));
        if (d.Label is not null) sb.Append(" · label <b>").Append(WebUtility.HtmlEncode(d.Label)).Append("</b>");
        sb.Append(" · cluster <b>").Append(WebUtility.HtmlEncode(cluster)).Append("</b>");
        sb.Append(FormattableString.Invariant($" · f<sub>c</sub> = {e.F[n]:G4} · Σ<sub>t</sub> R<sub>t</sub> = {e.WordSum(n):G4}"));
        sb.Append("</div>");
        string text = d.Text;
        int limit = Math.Min(text.Length, maxChars);
        int pos = 0;
        for (int i = 0; i < toks.Count && toks[i].Start < limit; i++)
        {
            var t = toks[i];
            sb.Append(WebUtility.HtmlEncode(text[pos..t.Start]));
            var word = WebUtility.HtmlEncode(text.Substring(t.Start, t.Length));
            if (!double.IsFinite(r[i]))
                sb.Append("<span style=\"color:#aaa\" title=\"out of vocabulary\">").Append(word).Append("</span>");
            else
            {
                double s = max > 0 ? r[i] / max : 0;
                sb.Append("<span style=\"").Append(Shade(s)).Append(FormattableString.Invariant($"\" title=\"R = {r[i]:G4}\">")).Append(word).Append("</span>");
            }
            pos = t.Start + t.Length;
        }
        if (pos < limit) sb.Append(WebUtility.HtmlEncode(text[pos..limit]));
        int shown = Math.Max(pos, limit);                                        // a word crossing the limit is shown whole
        if (shown < text.Length) sb.Append(" <span style=\"color:#888\">… (").Append(text.Length - shown).Append(" more characters)</span>");
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>Inline background for a relevance scaled to [−1, 1]: white → red (positive) or white → blue (negative);
    /// the strongest shade keeps 30 % white so that black text stays readable.</summary>
    public static string Shade(double s)
    {
        s = Math.Clamp(double.IsFinite(s) ? s : 0, -1, 1);
        int fade = (int)Math.Round(255 * (1 - 0.7 * Math.Abs(s)));
        string rgb = s >= 0 ? $"255,{fade},{fade}" : $"{fade},{fade},255";
        return $"background-color:rgb({rgb})";
    }

    /// <summary>An HTML table (inline styles) of the most relevant words per cluster: <paramref name="table"/> rows of (cluster, words with summed relevance).</summary>
    public static string WordTable(IReadOnlyList<ClusterWords> table, int top = 15)
    {
        var sb = new StringBuilder();
        sb.Append("<table style=\"border-collapse:collapse;font-family:sans-serif;font-size:12px\">");
        sb.Append("<tr><th style=\"border:1px solid #ccc;padding:3px 6px\">cluster</th><th style=\"border:1px solid #ccc;padding:3px 6px\">documents</th>")
          .Append("<th style=\"border:1px solid #ccc;padding:3px 6px;text-align:left\">most relevant words (Σ R over the cluster's documents)</th></tr>");
        foreach (var row in table)
        {
            sb.Append("<tr><td style=\"border:1px solid #ccc;padding:3px 6px\">").Append(WebUtility.HtmlEncode(row.Cluster)).Append("</td>");
            sb.Append("<td style=\"border:1px solid #ccc;padding:3px 6px;text-align:right\">").Append(row.Documents).Append("</td>");
            sb.Append("<td style=\"border:1px solid #ccc;padding:3px 6px\">");
            sb.Append(string.Join(", ", row.Words.Take(top).Select(w => $"{WebUtility.HtmlEncode(w.Word)} <span style=\"color:#888\">{w.Relevance.ToString("G3", CultureInfo.InvariantCulture)}</span>")));
            sb.Append("</td></tr>");
        }
        sb.Append("</table>");
        return sb.ToString();
    }
}
