namespace Workbench.Datasets.Formats;

/// <summary>A data file could not be read: corrupt, truncated or not the format expected. The message names the file,
/// the offset (when known) and what was expected there.</summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
