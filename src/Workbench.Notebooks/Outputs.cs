namespace Workbench.Notebooks;

/// <summary>
/// A Jupyter MIME bundle: mime type → content (a string, or for application/json a JSON value).
/// text/plain is always present.
/// </summary>
public sealed record MimeBundle(IReadOnlyDictionary<string, object> Data, IReadOnlyDictionary<string, object>? Metadata = null)
{
    /// <summary>A bundle with only text/plain.</summary>
    public static MimeBundle Text(string text) => new(new Dictionary<string, object> { ["text/plain"] = text });
    /// <summary>The text/plain value.</summary>
    public string PlainText => Data.TryGetValue("text/plain", out var t) ? t as string ?? "" : "";
}

/// <summary>Where a running cell's outputs go, in order: the notebook runner writes nbformat outputs, the kernel sends messages.</summary>
public interface IOutputSink
{
    /// <summary>Text written to stdout or stderr (<paramref name="name"/> is "stdout" or "stderr").</summary>
    void Stream(string name, string text);

    /// <summary>An explicit <c>display(x)</c>; <paramref name="displayId"/> identifies it for later updates.</summary>
    void Display(MimeBundle bundle, string displayId);

    /// <summary>Replaces the output shown earlier under <paramref name="displayId"/>.</summary>
    void UpdateDisplay(MimeBundle bundle, string displayId);
}

/// <summary>A cell's failure: exception type, message, traceback lines, and the failing line of the cell (1-based) when known.</summary>
public sealed record CellError(string Name, string Message, IReadOnlyList<string> Traceback, int? Line, string? LineText);

/// <summary>What a cell produced besides its streamed outputs: its trailing value (formatted) or its error.</summary>
public sealed record CellResult(MimeBundle? Value, CellError? Error, TimeSpan Elapsed)
{
    /// <summary>True when the cell had no error.</summary>
    public bool Succeeded => Error is null;
}
