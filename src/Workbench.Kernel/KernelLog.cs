namespace Workbench.Kernel;

/// <summary>
/// The kernel's own log, on the process's original stderr (Jupyter shows it in its terminal / VS Code's Jupyter output).
/// Captured at start-up, so cells redirecting Console never swallow it.
/// </summary>
public sealed class KernelLog(TextWriter writer, bool verbose = false)
{
    readonly object _gate = new();

    /// <summary>A log on the process's stderr as it is now (before cells redirect Console).</summary>
    public static KernelLog Stderr(bool verbose = false) => new(Console.Error, verbose);

    /// <summary>Whether debug lines (every message) are written.</summary>
    public bool Verbose => verbose;

    /// <summary>Writes an info line.</summary>
    public void Info(string text) => Write("info", text);
    /// <summary>Writes a warning line.</summary>
    public void Warn(string text) => Write("warning", text);
    /// <summary>Writes an error line.</summary>
    public void Error(string text) => Write("error", text);
    /// <summary>Writes a debug line when verbose.</summary>
    public void Debug(string text) { if (verbose) Write("debug", text); }

    void Write(string level, string text)
    {
        lock (_gate)
        {
            try { writer.WriteLine($"[workbench kernel {DateTime.UtcNow:HH:mm:ss.fff} {level}] {text}"); writer.Flush(); }
            catch (ObjectDisposedException) { }
            catch (IOException) { }
        }
    }
}
