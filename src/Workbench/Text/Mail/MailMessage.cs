using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbench.Text.Mail;

/// <summary>
/// One e-mail read from its raw bytes: the header fields (RFC 822 §3.1, folded lines unfolded) and the text of its
/// body, with MIME (RFC 2045–2046) taken apart: multipart bodies split at their boundary, quoted-printable and base64
/// decoded, each text part decoded from its charset. Only text parts are kept: in multipart/alternative the text/plain
/// alternative (text/html only when there is none, its tags removed); attachments, images and message/* parts are dropped.
/// </summary>
public sealed partial class MailMessage
{
    MailMessage(List<KeyValuePair<string, string>> headers, string body, int droppedParts)
    {
        Headers = headers; Body = body; DroppedParts = droppedParts;
    }

    /// <summary>Header fields in file order (name, unfolded value), as raw Latin-1 text.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }
    /// <summary>The decoded text of the body's text parts, joined by blank lines.</summary>
    public string Body { get; }
    /// <summary>How many MIME parts were dropped because they are not text.</summary>
    public int DroppedParts { get; }

    /// <summary>The first header field named <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The list identifier of a <c>List-Id</c> field (RFC 2919: the part in angle brackets), lower-cased, or null.</summary>
    public string? ListId
    {
        get
        {
            var v = Header("List-Id");
            if (v is null) return null;
            var m = AngleRegex().Match(v);
            var id = (m.Success ? m.Groups[1].Value : v).Trim().ToLowerInvariant();
            return id.Length == 0 ? null : id;
        }
    }

    /// <summary>Reads one message. Not RFC 822 (no header field before the body), a multipart body without its boundary,
    /// an unknown charset or transfer encoding: a <see cref="MailFormatException"/> saying which.</summary>
    public static MailMessage Parse(byte[] raw)
    {
        var (headers, body) = SplitHeaders(raw, top: true);
        int dropped = 0;
        var texts = new List<string>();
        CollectText(headers, body, texts, ref dropped, depth: 0);
        return new MailMessage(headers, string.Join("\n\n", texts), dropped);
    }

    /// <summary>Header block and body of a message or MIME part. The top level may open with an mbox "From " line.</summary>
    static (List<KeyValuePair<string, string>> Headers, byte[] Body) SplitHeaders(byte[] raw, bool top)
    {
        var headers = new List<KeyValuePair<string, string>>();
        int pos = 0;
        if (top && StartsWith(raw, 0, "From ")) pos = NextLine(raw, 0);
        while (pos < raw.Length)
        {
            int end = NextLine(raw, pos);
            var line = Encoding.Latin1.GetString(raw, pos, end - pos).TrimEnd('\r', '\n');
            if (line.Length == 0) { pos = end; break; }                        // the empty line ends the header (RFC 822 §3.1)
            if ((line[0] == ' ' || line[0] == '\t') && headers.Count > 0)     // folded continuation
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
            }
            else
            {
                int colon = line.IndexOf(':');
                if (colon <= 0 || line[..colon].Any(ch => ch <= ' ' || ch > '~'))
                {
                    if (top && headers.Count == 0) throw new MailFormatException("not RFC 822: the first line is not a header field");
                    if (!top && headers.Count == 0) return (headers, raw);  // a MIME part without headers: all body
                    throw new MailFormatException($"not RFC 822: a header line without a field name ('{Short(line)}')");
                }
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
            pos = end;
        }
        if (top && headers.Count == 0) throw new MailFormatException("not RFC 822: no header fields");
        return (headers, raw[Math.Min(pos, raw.Length)..]);
    }

    static void CollectText(List<KeyValuePair<string, string>> headers, byte[] body, List<string> texts, ref int dropped, int depth)
    {
        if (depth > 8) throw new MailFormatException("MIME parts nested more than 8 deep");
        var ct = ContentType.Parse(Find(headers, "Content-Type"));
        var cte = Find(headers, "Content-Transfer-Encoding");
        if (ct.Type == "multipart")
        {
            var boundary = ct.Parameter("boundary") ?? throw new MailFormatException("multipart body without a boundary parameter");
            var parts = SplitMultipart(body, boundary);
            if (parts.Count == 0) throw new MailFormatException($"multipart body without its boundary '{Short(boundary)}'");
            var parsed = parts.Select(p => SplitHeaders(p, top: false)).ToList();
            if (ct.Subtype == "alternative")
            {
                // RFC 2046 §5.1.4: the same content in several forms; take plain text, else HTML, else nothing
                int pick = parsed.FindIndex(p => ContentType.Parse(Find(p.Headers, "Content-Type")).Is("text", "plain"));
                if (pick < 0) pick = parsed.FindIndex(p => ContentType.Parse(Find(p.Headers, "Content-Type")).Is("text", "html"));
                if (pick < 0) pick = parsed.FindIndex(p => ContentType.Parse(Find(p.Headers, "Content-Type")).Type == "multipart");
                dropped += parsed.Count - (pick < 0 ? 0 : 1);
                if (pick >= 0) CollectText(parsed[pick].Headers, parsed[pick].Body, texts, ref dropped, depth + 1);
                return;
            }
            foreach (var (h, b) in parsed) CollectText(h, b, texts, ref dropped, depth + 1);
            return;
        }
        if (ct.Type != "text" || (ct.Subtype != "plain" && ct.Subtype != "html")
            || (Find(headers, "Content-Disposition")?.TrimStart().StartsWith("attachment", StringComparison.OrdinalIgnoreCase) == true && ct.Subtype != "plain"))
        {
            dropped++;
            return;
        }
        var bytes = TransferEncodings.Decode(body, cte);
        var text = Charsets.Get(ct.Parameter("charset")).GetString(bytes).Replace("\r\n", "\n").Replace('\r', '\n');
        if (ct.Subtype == "html") text = HtmlToText(text);
        texts.Add(text);
    }

    /// <summary>The parts between <c>--boundary</c> lines, up to <c>--boundary--</c> (RFC 2046 §5.1.1); preamble and epilogue dropped.</summary>
    static List<byte[]> SplitMultipart(byte[] body, string boundary)
    {
        var parts = new List<byte[]>();
        var delim = "--" + boundary;
        int pos = 0, start = -1;
        while (pos < body.Length)
        {
            int end = NextLine(body, pos);
            if (StartsWith(body, pos, delim))
            {
                var rest = Encoding.Latin1.GetString(body, pos + delim.Length, Math.Min(end, body.Length) - pos - delim.Length).TrimEnd();
                if (rest.Length == 0 || rest == "--")
                {
                    if (start >= 0) parts.Add(body[start..TrimLineEnd(body, pos)]);
                    if (rest == "--") return parts;
                    start = end;
                }
            }
            pos = end;
        }
        if (start >= 0 && start < body.Length) parts.Add(body[start..]);        // a missing closing delimiter: keep the last part
        return parts;
    }

    static int TrimLineEnd(byte[] b, int pos)
    {
        if (pos > 0 && b[pos - 1] == '\n') pos--;
        if (pos > 0 && b[pos - 1] == '\r') pos--;
        return pos;
    }

    static string? Find(List<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    static int NextLine(byte[] b, int pos)
    {
        int i = Array.IndexOf(b, (byte)'\n', pos);
        return i < 0 ? b.Length : i + 1;
    }

    static bool StartsWith(byte[] b, int pos, string s)
    {
        if (pos + s.Length > b.Length) return false;
        for (int i = 0; i < s.Length; i++) if (b[pos + i] != s[i]) return false;
        return true;
    }

    static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>Visible text of an HTML part: scripts and styles removed, tags dropped, entities decoded.</summary>
    public static string HtmlToText(string html)
    {
        var t = ScriptRegex().Replace(html, " ");
        t = BreakRegex().Replace(t, "\n");
        t = TagRegex().Replace(t, " ");
        return WebUtility.HtmlDecode(t);
    }

    [GeneratedRegex("<([^>]*)>")] private static partial Regex AngleRegex();
    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)] private static partial Regex ScriptRegex();
    [GeneratedRegex("<(br|p|div|tr|li)\\b[^>]*>", RegexOptions.IgnoreCase)] private static partial Regex BreakRegex();
    [GeneratedRegex("<[^>]*>", RegexOptions.Singleline)] private static partial Regex TagRegex();
}

/// <summary>A parsed Content-Type field (RFC 2045 §5.1): type, subtype (lower-case) and parameters. Absent: text/plain.</summary>
public sealed record ContentType(string Type, string Subtype, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The parameter <paramref name="name"/> (case-insensitive key), unquoted, or null.</summary>
    public string? Parameter(string name) => Parameters.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;

    /// <summary>Whether this is <paramref name="type"/>/<paramref name="subtype"/>.</summary>
    public bool Is(string type, string subtype) => Type == type && Subtype == subtype;

    /// <summary>Parses a Content-Type value; null, empty or malformed gives text/plain (RFC 2045 §5.2 default).</summary>
    public static ContentType Parse(string? value)
    {
        var empty = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(value)) return new("text", "plain", empty);
        var pieces = SplitParameters(value);
        var ts = pieces[0].Trim().ToLowerInvariant().Split('/', 2);
        if (ts.Length != 2 || ts[0].Length == 0) return new("text", "plain", empty);
        var ps = new Dictionary<string, string>();
        foreach (var p in pieces.Skip(1))
        {
            int eq = p.IndexOf('=');
            if (eq <= 0) continue;
            var key = p[..eq].Trim().ToLowerInvariant();
            var v = p[(eq + 1)..].Trim();
            if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') v = v[1..^1];
            ps.TryAdd(key, v);
        }
        return new(ts[0].Trim(), ts[1].Trim(), ps);
    }

    static List<string> SplitParameters(string value)
    {
        var r = new List<string>(); var sb = new StringBuilder(); bool quoted = false;
        foreach (char ch in value)
        {
            if (ch == '"') quoted = !quoted;
            if (ch == ';' && !quoted) { r.Add(sb.ToString()); sb.Clear(); } else sb.Append(ch);
        }
        r.Add(sb.ToString());
        return r;
    }
}
