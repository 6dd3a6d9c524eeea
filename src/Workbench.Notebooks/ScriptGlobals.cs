using Workbench.Reporting;

namespace Workbench.Notebooks;

/// <summary>
/// The globals every cell sees: <c>display(x)</c>, <c>Markdown(text)</c>, <c>Interrupt</c>.
/// Lower-case <c>display</c> keeps the .NET Interactive spelling that notebooks already use.
/// </summary>
public sealed class ScriptGlobals
{
    internal NotebookSession Session { get; }
    internal ScriptGlobals(NotebookSession session) => Session = session;

    /// <summary>The running cell's cancellation token (set by interrupt); long loops may check it.</summary>
    public CancellationToken Interrupt { get; internal set; }

    /// <summary>Shows <paramref name="value"/> now, before the cell ends; returns a handle to replace it later.</summary>
    public DisplayHandle display(object? value) => Session.Display(value);

    /// <summary>A value that renders as Markdown.</summary>
    public MarkdownText Markdown(string markdown) => new(markdown);

    /// <summary>A value that renders as HTML.</summary>
    public HtmlText Html(string html) => new(html);
}

/// <summary>An output shown with <c>display(x)</c>; <see cref="Update"/> replaces it in place.</summary>
public sealed class DisplayHandle
{
    readonly NotebookSession _session;
    internal DisplayHandle(NotebookSession session, string displayId) { _session = session; DisplayId = displayId; }

    /// <summary>The display_id that identifies the output.</summary>
    public string DisplayId { get; }

    /// <summary>Replaces the displayed output with <paramref name="value"/>.</summary>
    public void Update(object? value) => _session.UpdateDisplay(DisplayId, value);

    /// <inheritdoc/>
    public override string ToString() => $"display {DisplayId}";
}

/// <summary>A value that renders as Markdown.</summary>
/// <param name="Markdown">The Markdown text.</param>
public sealed record MarkdownText(string Markdown)
{
    /// <inheritdoc/>
    public override string ToString() => Markdown;
}

/// <summary>A value that renders as HTML.</summary>
/// <param name="Html">The HTML text.</param>
public sealed record HtmlText(string Html)
{
    /// <inheritdoc/>
    public override string ToString() => Html;
}


/// <summary>A progress bar drawn as an updatable display: a live bar in Jupyter.</summary>
sealed class DisplayProgressView(NotebookSession session) : IProgressView
{
    DisplayHandle? _handle;
    DateTime _last = DateTime.MinValue;

    public void Update(long done, long total, string title, string? status, TimeSpan elapsed, bool finished)
    {
        if (!finished && _handle != null && (DateTime.UtcNow - _last).TotalMilliseconds < 200) return;
        _last = DateTime.UtcNow;
        double pct = total > 0 ? Math.Clamp(100.0 * done / total, 0, 100) : 0;
        string text = ProgressText.Line(done, total, title, status, elapsed, finished);
        string html = $"<div style=\"font-family:monospace\">{System.Net.WebUtility.HtmlEncode(title)} " +
                      $"<progress value=\"{pct:F0}\" max=\"100\" style=\"width:20em\"></progress> " +
                      $"{done}/{total} {elapsed.TotalSeconds:F1}s {System.Net.WebUtility.HtmlEncode(status ?? "")}{(finished ? " ✓" : "")}</div>";
        var bundle = new MimeBundle(new Dictionary<string, object> { ["text/plain"] = text, ["text/html"] = html });
        if (_handle == null) _handle = session.DisplayBundle(bundle);
        else session.UpdateDisplayBundle(_handle.DisplayId, bundle);
    }
}
