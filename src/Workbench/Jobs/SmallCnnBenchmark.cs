using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Workbench.Compute;
using Workbench.Models;
using Workbench.Reporting;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// <c>workbench bench train-cnn</c> (issue 10 item 7, docs/benchmarks.md): samples per second of training
/// <see cref="SmallCnn"/> with <see cref="Trainer"/> (Adam, cross-entropy) beside PyTorch on the same architecture, batch,
/// optimizer and thread count (<c>benchmarks/torch_small_cnn.py</c>). A benchmark, not a test.
/// </summary>
public static class SmallCnnBenchmark
{
    /// <summary>Runs the benchmark and prints a Markdown table to <paramref name="output"/>.</summary>
    /// <param name="n">random 28×28 training images per epoch (seed 0)</param>
    /// <param name="batch">batch size</param>
    /// <param name="epochs">timed epochs, after one warm-up epoch</param>
    /// <param name="threads">libtorch and PyTorch CPU threads (0 keeps the default)</param>
    /// <param name="python">a Python with torch (Debian: python3-torch) for the peer; skipped with a line when it fails</param>
    /// <param name="output">where the report goes</param>
    public static int Run(int n, int batch, int epochs, int threads, string python, TextWriter output)
    {
        if (n < 1 || batch < 1 || epochs < 1) throw new InputException($"--n, --batch and --epochs must be at least 1; got {n}, {batch}, {epochs}.");
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        output.WriteLine($"Small CNN training: N = {n} random 28×28 images, batch {batch}, {epochs} timed epochs after 1 warm-up; {torch.get_num_threads()} threads; load average {BenchmarkPeer.LoadAverage()}");
        using var gen = Seeds.Generator(0);
        using var x = rand([n, 1, 28, 28], generator: gen);
        using var y = randint(0, 10, [n], generator: gen);
        using var cnn = SmallCnn.Create(seed: 0, init: ModelInit.Torch, device: CPU);
        new Trainer(Training.Losses.CrossEntropy, learningRate: 1e-3, epochs: 1, batchSize: batch, seed: 0, progress: false, device: CPU).Fit(cnn, x, y);
        var trainer = new Trainer(Training.Losses.CrossEntropy, learningRate: 1e-3, epochs: epochs, batchSize: batch, seed: 1, progress: false, device: CPU);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        trainer.Fit(cnn, x, y);
        sw.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        double ours = (double)n * epochs / sw.Elapsed.TotalSeconds;
        var rows = new List<string[]> { new[] { "Workbench Trainer + SmallCnn (TorchSharp 0.107, libtorch 2.10)", F(sw.Elapsed.TotalSeconds, "F2"), F(cpu, "F2"), F(ours, "F0"), F(trainer.History[^1].Loss, "F4") } };
        double ratio = double.NaN;
        var stdout = BenchmarkPeer.Run(python, "torch_small_cnn.py", new object[] { n, batch, epochs, torch.get_num_threads() }, out var failure);
        if (stdout is null) output.WriteLine($"PyTorch comparison skipped: {failure}");
        else
        {
            var js = JsonDocument.Parse(stdout).RootElement;
            double theirs = js.GetProperty("samples_per_second").GetDouble();
            ratio = ours / theirs;
            rows.Add(new[] { $"PyTorch {js.GetProperty("torch").GetString()} (Debian python3-torch)", F(js.GetProperty("seconds").GetDouble(), "F2"),
                             F(js.GetProperty("cpu_seconds").GetDouble(), "F2"), F(theirs, "F0"), F(js.GetProperty("loss").GetDouble(), "F4") });
        }
        output.WriteLine();
        output.WriteLine("| implementation | seconds | CPU seconds | samples/s | last epoch loss |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in rows) output.WriteLine($"| {string.Join(" | ", r)} |");
        output.WriteLine();
        output.WriteLine($"Workbench / PyTorch samples/s: {F(ratio, "F2")} (target ≥ 0.8); load average at the end {BenchmarkPeer.LoadAverage()}");
        return 0;
    }

    static string F(double v, string fmt) => double.IsNaN(v) ? "—" : v.ToString(fmt, CultureInfo.InvariantCulture);
}
