namespace Workbench.Kernel;

/// <summary>
/// The kernel's own log, on the process's original stderr (Jupyter shows it in its terminal / VS Code's Jupyter output).
/// Captured at start-up, so cells redirecting Console never swallow it.
/// </summary>
public sealed class KernelLog(TextWriter writer, bool verbose = false)
{
    readonly object _gate = new();

    public static KernelLog Stderr(bool verbose = false) => new(Console.Error, verbose);

    public bool Verbose => verbose;

    public void Info(string text) => Write("info", text);
    public void Warn(string text) => Write("warning", text);
    public void Error(string text) => Write("error", text);
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
