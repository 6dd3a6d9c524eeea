using System.Globalization;
using Workbench.Notebooks;

namespace Workbench.Kernel;

/// <summary>
/// How much output the kernel sends, and how it says what it left out. Jupyter's own servers do the same
/// (<c>iopub_msg_rate_limit</c>, <c>iopub_data_rate_limit</c> over <c>rate_limit_window</c>; JupyterLab truncates long outputs):
/// nothing is dropped without a visible note.
/// </summary>
public static class OutputLimits
{
    /// <summary>Largest text of one output (a stream message, one MIME value of a result or display, an error message):
    /// 16 Mi characters. Longer text is cut with a note; a binary MIME value (base64) that long is replaced by the note.</summary>
    public const int MaxOutputChars = 16 * 1024 * 1024;

    /// <summary>Stream text is sent when this many characters are waiting (or <see cref="StreamFlushInterval"/> after the first).</summary>
    public const int StreamChunkChars = 64 * 1024;

    /// <summary>Stream text waits at most this long before it is sent.</summary>
    public static readonly TimeSpan StreamFlushInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The rate limit's window, as Jupyter's <c>rate_limit_window</c> (3 s).</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(3);

    /// <summary>Output messages per second, averaged over <see cref="RateWindow"/> (Jupyter's <c>iopub_msg_rate_limit</c>: 1,000).</summary>
    public const int MaxMessagesPerSecond = 1000;

    /// <summary>Output characters per second, averaged over <see cref="RateWindow"/>: 20 M, so a window holds more than three
    /// outputs of the largest size (Jupyter Notebook's <c>iopub_data_rate_limit</c> is 1 MB/s).</summary>
    public const int MaxCharsPerSecond = 20_000_000;

    /// <summary><paramref name="text"/>, or its first <see cref="MaxOutputChars"/> characters and a note saying how much was cut.</summary>
    public static string Truncate(string text, int max = MaxOutputChars)
    {
        if (text.Length <= max) return text;
        var note = Note(text.Length, max);
        int keep = Math.Max(0, max - note.Length);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--;   // never split a surrogate pair
        return string.Concat(text.AsSpan(0, keep), note);
    }

    static string Note(long length, int max) =>
        string.Create(CultureInfo.InvariantCulture,
            $"\n… [output truncated by the workbench kernel: {length:N0} characters, at most {max:N0} are sent per output; write large results to a file]\n");

    /// <summary>A bundle whose every value fits the limit: text is truncated, a too large binary value (e.g. image/png) is dropped and said so in text/plain.</summary>
    public static MimeBundle Limit(MimeBundle bundle, int max = MaxOutputChars)
    {
        if (!bundle.Data.Values.Any(v => v is string s && s.Length > max)) return bundle;
        var data = new Dictionary<string, object>();
        var dropped = new List<string>();
        foreach (var (mime, value) in bundle.Data)
        {
            if (value is not string s || s.Length <= max) { data[mime] = value; continue; }
            if (IsText(mime)) data[mime] = Truncate(s, max);
            else dropped.Add($"{mime} ({s.Length:N0} characters)");
        }
        if (dropped.Count > 0)
        {
            string plain = data.TryGetValue("text/plain", out var p) && p is string t ? t : "";
            string note = string.Create(CultureInfo.InvariantCulture,
                $"\n[not shown by the workbench kernel: {string.Join(", ", dropped)}; at most {max:N0} characters are sent per output]");
            data["text/plain"] = Truncate(plain, Math.Max(0, max - note.Length)) + note;   // the note always survives
        }
        return bundle with { Data = data };
    }

    static bool IsText(string mime) =>
        mime.StartsWith("text/", StringComparison.Ordinal) || mime.EndsWith("json", StringComparison.Ordinal) || mime.EndsWith("javascript", StringComparison.Ordinal);
}
