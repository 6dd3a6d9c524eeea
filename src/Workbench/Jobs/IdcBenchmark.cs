using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Losses;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// <c>workbench bench idc</c> (issue 16 item 6, docs/benchmarks.md): (1) one training epoch of each IDC stage in the
/// MNIST-10k configuration (N = 10,000, D = 784, encoder 512-512-2048-10, H_g = 784, H_c = H_a = 2048, batch 256) with
/// <see cref="Idc"/> beside the same model in PyTorch (<c>benchmarks/torch_idc_epoch.py</c>), target ≥ 0.8× its speed;
/// (2) the gate coding-rate loss (Eq. 4) forward + backward at B = 256, D = 7129 in the B×B form
/// (<see cref="CodingRate.GateCodingRateCode"/>) beside PyTorch (<c>benchmarks/torch_idc_coding_rate.py</c>), target
/// &lt; 50 ms per step. Wall and CPU times are both printed, with the load average: on a shared machine the CPU times are
/// the comparable figures. A benchmark, not a test.
/// </summary>
public static class IdcBenchmark
{
    /// <summary>Runs both parts and prints Markdown tables to <paramref name="output"/>.</summary>
    /// <param name="n">rows of the epoch benchmark (uniform random, seed 0); 10,000 is MNIST-10k</param>
    /// <param name="hidden">encoder hidden widths, e.g. [512, 512, 2048] (the MNIST configuration)</param>
    /// <param name="gatingHidden">H_g</param>
    /// <param name="headHidden">H_c and H_a</param>
    /// <param name="batch">batch size B of the epochs</param>
    /// <param name="epochs">timed epochs of each stage (after one warm-up epoch; the median is reported)</param>
    /// <param name="codingRateBatch">B of the coding-rate part</param>
    /// <param name="codingRateFeatures">D of the coding-rate part (7129: ALLAML)</param>
    /// <param name="reps">timed coding-rate steps (median, after 3 warm-up steps)</param>
    /// <param name="threads">libtorch and PyTorch CPU threads (0 keeps the default)</param>
    /// <param name="python">a Python with torch (Debian: python3-torch) for the peer; skipped with a line when it fails</param>
    /// <param name="output">where the report goes</param>
    public static int Run(int n, int[] hidden, int gatingHidden, int headHidden, int batch, int epochs,
        int codingRateBatch, int codingRateFeatures, int reps, int threads, string python, TextWriter output)
    {
        if (n < 2 || batch < 10 || epochs < 1 || reps < 1 || hidden.Length == 0 || hidden.Any(h => h < 1) || gatingHidden < 1 || headHidden < 1)
            throw new InputException($"--n ≥ 2, --batch ≥ 10 (K = 10), --epochs ≥ 1, --reps ≥ 1 and positive widths please; got n {n}, batch {batch}, " +
                                     $"epochs {epochs}, reps {reps}, hidden [{string.Join(",", hidden)}], H_g {gatingHidden}, H_c {headHidden}.");
        if (codingRateBatch < 1 || codingRateFeatures < 1) throw new InputException($"--cr-batch and --cr-features must be ≥ 1; got {codingRateBatch}, {codingRateFeatures}.");
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        const int d = 784, k = 10, latent = 10;
        output.WriteLine($"IDC benchmark: one epoch of each stage, N = {n}, D = {d}, encoder {string.Join("-", hidden)}-{latent}, H_g {gatingHidden}, " +
                         $"H_c = H_a = {headHidden}, K = {k}, batch {batch}; {Devices.Describe()}; torch threads {torch.get_num_threads()}; load average at start {BenchmarkPeer.LoadAverage()}");

        // (1) epochs: Idc.Fit with E_ng = 0, E_pre = 1 + epochs, so stage 1 has one ungated warm-up epoch (0), one gated
        // warm-up (1) and the timed gated epochs; then a warm-up and the timed stage-2 epochs, with the global gates from the first.
        using var x = rand(new long[] { n, d }, generator: Seeds.Generator(0));
        int gateEnd = 1 + epochs;
        var idc = new Idc(k, hidden, latent, gatingHidden, headHidden, headHidden, epochs: gateEnd + 2 + epochs, pretrainEpochs: 0,
            gateEpochs: gateEnd, globalGateEpoch: gateEnd + 1, batchSize: batch, allowConstantColumns: true, evalEvery: 1000, seed: 0, device: CPU);
        idc.Fit(x);
        var s1 = idc.EpochSeconds.Skip(2).Take(epochs).ToArray();
        var s2 = idc.EpochSeconds.Skip(gateEnd + 2).Take(epochs).ToArray();
        double ours1 = Median(s1.Select(t => t.Wall)), ours2 = Median(s2.Select(t => t.Wall));
        double oursCpu1 = Median(s1.Select(t => t.Cpu)), oursCpu2 = Median(s2.Select(t => t.Cpu));
        var rows = new List<string[]> { new[] { "Workbench `Idc` (TorchSharp 0.107, libtorch 2.10)", F(ours1, "F2"), F(oursCpu1, "F2"), F(ours2, "F3"), F(oursCpu2, "F3") } };
        double ratio1 = double.NaN, ratio2 = double.NaN, ratioCpu1 = double.NaN, ratioCpu2 = double.NaN;
        var stdout = BenchmarkPeer.Run(python, "torch_idc_epoch.py", new object[] { n, d, batch, torch.get_num_threads(), string.Join(",", hidden),
            latent, gatingHidden, headHidden, headHidden, k, epochs }, out var failure);
        if (stdout is null) output.WriteLine($"PyTorch epoch comparison skipped: {failure}");
        else
        {
            var js = JsonDocument.Parse(stdout).RootElement;
            double p1 = js.GetProperty("stage1_seconds").GetDouble(), p2 = js.GetProperty("stage2_seconds").GetDouble();
            double pc1 = js.GetProperty("stage1_cpu_seconds").GetDouble(), pc2 = js.GetProperty("stage2_cpu_seconds").GetDouble();
            ratio1 = p1 / ours1; ratio2 = p2 / ours2;
            rows.Add(new[] { $"PyTorch {js.GetProperty("torch").GetString()} (Debian python3-torch), benchmarks/torch_idc_epoch.py", F(p1, "F2"), F(pc1, "F2"),
                             F(p2, "F3"), F(pc2, "F3") });
            ratioCpu1 = pc1 / oursCpu1; ratioCpu2 = pc2 / oursCpu2;
        }
        output.WriteLine();
        output.WriteLine("| implementation | stage-1 epoch (gated), s wall | s CPU | stage-2 epoch (head + global gates), s wall | s CPU |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in rows) output.WriteLine($"| {string.Join(" | ", r)} |");
        output.WriteLine();
        output.WriteLine($"Workbench speed / PyTorch speed (time ratio PyTorch ÷ Workbench; target ≥ 0.8): stage 1 {F(ratio1, "F2")} wall, {F(ratioCpu1, "F2")} CPU; " +
                         $"stage 2 {F(ratio2, "F2")} wall, {F(ratioCpu2, "F2")} CPU");

        // (2) coding rate, B×B form, forward + backward.
        var (ms, cpuMs) = CodingRateStep(codingRateBatch, codingRateFeatures, reps);
        string peer = "—", peerCpu = "—", torchVersion = "";
        var cr = BenchmarkPeer.Run(python, "torch_idc_coding_rate.py", new object[] { codingRateBatch, codingRateFeatures, torch.get_num_threads(), reps }, out var crFailure);
        if (cr is null) output.WriteLine($"PyTorch coding-rate comparison skipped: {crFailure}");
        else
        {
            var js = JsonDocument.Parse(cr).RootElement;
            peer = F(js.GetProperty("ms").GetDouble(), "F1"); peerCpu = F(js.GetProperty("cpu_ms").GetDouble(), "F1");
            torchVersion = js.GetProperty("torch").GetString() ?? "";
        }
        output.WriteLine();
        output.WriteLine($"| gate coding-rate loss, B = {codingRateBatch}, D = {codingRateFeatures}, forward + backward (B×B form) | ms per step, wall (median of {reps}) | ms CPU |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine($"| Workbench `CodingRate.GateCodingRateCode` | {F(ms, "F1")} | {F(cpuMs, "F1")} |");
        output.WriteLine($"| PyTorch {torchVersion} (benchmarks/torch_idc_coding_rate.py) | {peer} | {peerCpu} |");
        output.WriteLine();
        output.WriteLine($"Target < 50 ms per step: {(ms < 50 ? "met" : "not met")} ({F(ms, "F1")} ms wall); load average at the end {BenchmarkPeer.LoadAverage()}");
        return 0;
    }

    /// <summary>Median wall and CPU milliseconds of one forward + backward of the gate coding-rate term on gates
    /// z = clamp(U(−0.5, 1.5), 0, 1) [B,D] (3 warm-up steps first).</summary>
    static (double Ms, double CpuMs) CodingRateStep(int b, int d, int reps)
    {
        using var raw = (rand(new long[] { b, d }, generator: Seeds.Generator(0)) * 2 - 0.5).requires_grad_(true);
        void Step()
        {
            using var scope = NewDisposeScope();
            var loss = CodingRate.GateCodingRateCode(raw.clamp(0.0, 1.0));
            loss.backward();
            loss.item<float>();
            raw.grad?.Dispose();
            raw.grad = null;
        }
        for (int i = 0; i < 3; i++) Step();
        var wall = new List<double>(); var cpu = new List<double>();
        var proc = Process.GetCurrentProcess();
        for (int i = 0; i < reps; i++)
        {
            proc.Refresh();
            var c0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            Step();
            wall.Add(sw.Elapsed.TotalMilliseconds);
            proc.Refresh();
            cpu.Add((proc.TotalProcessorTime - c0).TotalMilliseconds);
        }
        return (Median(wall), Median(cpu));
    }

    static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(t => t).ToArray();
        return v.Length == 0 ? double.NaN : v[v.Length / 2];
    }

    static string F(double v, string fmt) => double.IsNaN(v) ? "—" : v.ToString(fmt, CultureInfo.InvariantCulture);
}
