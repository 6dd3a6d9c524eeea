using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// Per-layer profile of one <see cref="Lrp.Explain(nn.Module{Tensor, Tensor}, Tensor, Composite, Func{Tensor, Tensor}, IEnumerable{string}?, Device?)"/>
/// (set <see cref="Current"/> on the calling thread, explain, read <see cref="Rows"/>): for every leaf module, the wall
/// and process-CPU time of its own forward pass, of the rule's work after it (the modified forward pass), and of the
/// backward pass between its output and its input (timed by marker nodes in the graph), with the tensor handles created
/// and the affine maps (convolutions, matrix products) run. Used by <c>workbench bench vgg --profile</c>.
/// </summary>
internal sealed class LrpTrace
{
    /// <summary>The trace the engine reports to on this thread (null: no tracing, no markers).</summary>
    [ThreadStatic] internal static LrpTrace? Current;

    /// <summary>One leaf call: times in seconds (wall, process CPU), counts of the rule's part.</summary>
    internal sealed class Row(string name, string module, string rule)
    {
        public string Name { get; } = name;
        public string Module { get; } = module;
        public string Rule { get; set; } = rule;
        public double ForwardWall, ForwardCpu, RuleWall, RuleCpu, BackwardWall, BackwardCpu;
        public long Tensors, Maps;
        internal double MarkWall, MarkCpu, StartWall, StartCpu, ModuleWall, ModuleCpu;
        internal long StartTensors, StartMaps, ModuleTensors, ModuleMaps;
    }

    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly Dictionary<string, Row> _open = new();
    double _bwdStartWall, _bwdStartCpu;

    /// <summary>Rows in forward order.</summary>
    public List<Row> Rows { get; } = new();

    /// <summary>Wall and CPU seconds of the whole backward pass (autograd.grad).</summary>
    public (double Wall, double Cpu) Backward { get; private set; }

    static long TensorCount()
    {
        var s = DisposeScopeManager.Statistics;
        return s.CreatedInScopeCount + s.CreatedOutsideScopeCount;
    }

    (double Wall, double Cpu) Now() => (_clock.Elapsed.TotalSeconds, CpuSeconds());

    internal void Enter(string name, nn.Module module)
    {
        var row = new Row(name, module.GetType().Name, "gradient");
        (row.StartWall, row.StartCpu) = Now();
        row.StartTensors = TensorCount(); row.StartMaps = ParametricLayers.Applications;
        _open[name] = row;
        Rows.Add(row);
    }

    internal void ModuleDone(string name)
    {
        if (!_open.TryGetValue(name, out var row)) return;
        (row.ModuleWall, row.ModuleCpu) = Now();
        row.ModuleTensors = TensorCount(); row.ModuleMaps = ParametricLayers.Applications;
    }

    internal Tensor Leave(string name, IRule? rule, nn.Module module, Tensor output)
    {
        if (!_open.Remove(name, out var row)) return output;
        var (w, c) = Now();
        row.ForwardWall = row.ModuleWall - row.StartWall; row.ForwardCpu = row.ModuleCpu - row.StartCpu;
        row.RuleWall = w - row.ModuleWall; row.RuleCpu = c - row.ModuleCpu;
        row.Tensors = TensorCount() - row.ModuleTensors;
        // the module's own map counts too when it is affine (its forward pass ran it)
        row.Maps = ParametricLayers.Applications - row.ModuleMaps + (ParametricLayers.Is(module) ? 1 : 0);
        row.Rule = rule?.Name ?? "gradient";
        return output.requires_grad ? Marker.apply(output, row, this) : output;
    }

    internal void BackwardStart() => (_bwdStartWall, _bwdStartCpu) = Now();

    /// <summary>Closes the backward timing: each row's backward is the time from its output's marker to the marker of the
    /// layer before it (the first layer's: to the end of the pass).</summary>
    internal void BackwardEnd()
    {
        var (w, c) = Now();
        Backward = (w - _bwdStartWall, c - _bwdStartCpu);
        for (int i = 0; i < Rows.Count; i++)
        {
            var r = Rows[i];
            if (r.MarkWall == 0) continue;
            var prev = Rows.Take(i).LastOrDefault(p => p.MarkWall != 0);
            (double ew, double ec) = prev is null ? (w, c) : (prev.MarkWall, prev.MarkCpu);
            r.BackwardWall = ew - r.MarkWall; r.BackwardCpu = ec - r.MarkCpu;
        }
    }

    void Mark(Row row) => (row.MarkWall, row.MarkCpu) = Now();

    /// <summary>Identity whose backward records when the gradient reaches a layer's output.</summary>
    internal sealed class Marker : SingleTensorFunction<Marker>
    {
        public override string Name => "LrpTraceMarker";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            ctx.save_data("row", vars[1]); ctx.save_data("trace", vars[2]);
            return ((Tensor)vars[0]).alias();
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
        {
            ((LrpTrace)ctx.get_data("trace")).Mark((Row)ctx.get_data("row"));
            return [gradOutput.alias(), null!, null!];
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec t);

    /// <summary>CPU seconds of the whole process (all threads), nanosecond resolution on Linux.</summary>
    internal static double CpuSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(2 /* CLOCK_PROCESS_CPUTIME_ID */, out var t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }
}
