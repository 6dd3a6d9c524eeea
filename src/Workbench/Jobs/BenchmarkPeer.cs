using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using Workbench.Reporting;

namespace Workbench.Jobs;

/// <summary>
/// What every side-by-side benchmark shares: its peer (a Python script under <c>benchmarks/</c> running scikit-learn or
/// PyTorch on the same problem, with the same number of threads as libtorch) and the machine's load average, printed
/// with every run so that a loaded machine is visible in the figures.
/// </summary>
static class BenchmarkPeer
{
    /// <summary>
    /// Runs <c>benchmarks/<paramref name="script"/></c> with <paramref name="python"/> and <paramref name="args"/>,
    /// OMP_NUM_THREADS set to libtorch's thread count. Returns its standard output, or null with <paramref name="failure"/>
    /// saying in one line why the peer gave nothing (cannot start, non-zero exit with its last error line).
    /// </summary>
    public static string? Run(string python, string script, IEnumerable<object> args, out string failure)
    {
        var path = Path.Combine(Artifacts.RepositoryRoot() ?? ".", "benchmarks", script);
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(path);
        foreach (var a in args) psi.ArgumentList.Add(Convert.ToString(a, CultureInfo.InvariantCulture)!);
        psi.Environment["OMP_NUM_THREADS"] = torch.get_num_threads().ToString(CultureInfo.InvariantCulture);
        try
        {
            using var p = Process.Start(psi)!;
            var stdoutTask = p.StandardOutput.ReadToEndAsync();   // both pipes drained at once: a full stderr cannot block the peer
            var stderr = p.StandardError.ReadToEnd();
            var stdout = stdoutTask.Result;
            p.WaitForExit();
            failure = p.ExitCode == 0 ? "" : $"{python} {path} failed: {stderr.Trim().Split('\n').LastOrDefault()}";
            return p.ExitCode == 0 ? stdout : null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            failure = $"cannot start {python}: {e.Message}";
            return null;
        }
    }

    /// <summary>The 1-minute load average from <c>/proc/loadavg</c>, or "n/a" where there is none.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
