namespace Workbench.Datasets.Formats;

/// <summary>A data file could not be read: corrupt, truncated or not the format expected. The message names the file,
/// the offset (when known) and what was expected there.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>A format error with its message (file, offset, what was expected) and the underlying exception if any.</summary>
    public DataFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
