namespace Workbench.Reporting;

/// <summary>Wall and process CPU time since the last lap (IDC's per-epoch timing).</summary>
internal sealed class EpochClock
{
    readonly System.Diagnostics.Stopwatch _wall = System.Diagnostics.Stopwatch.StartNew();
    readonly System.Diagnostics.Process _process = System.Diagnostics.Process.GetCurrentProcess();
    TimeSpan _cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>(wall, CPU) seconds since the previous lap, and starts the next one.</summary>
    public (double Wall, double Cpu) Lap()
    {
        _process.Refresh();
        var cpu = _process.TotalProcessorTime;
        var lap = (_wall.Elapsed.TotalSeconds, (cpu - _cpu).TotalSeconds);
        _wall.Restart(); _cpu = cpu;
        return lap;
    }
}
