using System.Globalization;
using Workbench.Propagation.Lrp;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// The per-layer profile of one LRP explanation (<c>workbench bench vgg --profile</c>, docs/benchmarks.md): for every leaf
/// module, milliseconds of its own forward pass, of the rule's work after it (the modified forward pass), of the backward
/// pass from its output to its input, the tensor handles the rule created (views included) and the affine maps run
/// (convolutions or matrix products, the layer's own included). Times are wall and process CPU; with one thread the two
/// agree on an idle machine, and CPU time is the fairer figure on a loaded one.
/// </summary>
public static class LrpProfile
{
    /// <summary>Explains <paramref name="x"/> once with a trace and writes the per-layer table to <paramref name="output"/>.</summary>
    public static void Write(nn.Module<Tensor, Tensor> model, Tensor x, Composite composite, string title, TextWriter output)
    {
        var trace = new LrpTrace();
        LrpTrace.Current = trace;
        try
        {
            var (w0, c0) = (System.Diagnostics.Stopwatch.StartNew(), LrpTrace.CpuSeconds());
            using (Lrp.Explain(model, x, composite, device: x.device)) { }
            var (wall, cpu) = (w0.Elapsed.TotalSeconds, LrpTrace.CpuSeconds() - c0);
            output.WriteLine();
            output.WriteLine($"{title}: whole explanation {wall * 1e3:F0} ms wall, {cpu * 1e3:F0} ms CPU (backward {trace.Backward.Wall * 1e3:F0} ms wall, {trace.Backward.Cpu * 1e3:F0} ms CPU)");
            output.WriteLine();
            output.WriteLine("| layer | module | rule | forward ms (CPU) | rule ms (CPU) | backward ms (CPU) | tensors | maps |");
            output.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
            foreach (var r in trace.Rows)
                output.WriteLine($"| {r.Name} | {r.Module} | {r.Rule} | {Ms(r.ForwardWall, r.ForwardCpu)} | {Ms(r.RuleWall, r.RuleCpu)} | {Ms(r.BackwardWall, r.BackwardCpu)} | {r.Tensors} | {r.Maps} |");
            var rows = trace.Rows;
            output.WriteLine($"| **sum** | | | {Ms(rows.Sum(r => r.ForwardWall), rows.Sum(r => r.ForwardCpu))} | {Ms(rows.Sum(r => r.RuleWall), rows.Sum(r => r.RuleCpu))} | " +
                             $"{Ms(rows.Sum(r => r.BackwardWall), rows.Sum(r => r.BackwardCpu))} | {rows.Sum(r => r.Tensors)} | {rows.Sum(r => r.Maps)} |");
        }
        finally { LrpTrace.Current = null; }
    }

    static string Ms(double wall, double cpu) =>
        string.Create(CultureInfo.InvariantCulture, $"{wall * 1e3:F1} ({cpu * 1e3:F1})");
}
