using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Workbench.Additive;
using Workbench.Reporting;
using Workbench.Representation;
using Workbench.Studies.NeurCam;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// <c>workbench bench neurcam</c> (issue 15 item 8, docs/benchmarks.md): epochs per second of NeurCAM's warm-up epoch
/// (soft entmax gates, shared basis MLP, batched heads, fuzzy c-means loss, Adam) on Letter rows with the quick
/// architecture, beside the same model in PyTorch (<c>benchmarks/torch_neurcam.py</c>) on the same rows, batch, optimizer
/// and thread count. A benchmark, not a test.
/// </summary>
public static class NeurCamBenchmark
{
    /// <summary>Runs the benchmark and prints a Markdown table to <paramref name="output"/>.</summary>
    /// <param name="n">Letter rows (stratified sample, seed 0)</param>
    /// <param name="batch">batch size</param>
    /// <param name="epochs">timed epochs, after one untimed epoch</param>
    /// <param name="threads">libtorch and PyTorch CPU threads (0 keeps the default)</param>
    /// <param name="python">a Python with torch (Debian: python3-torch) for the peer; skipped with a line when it fails</param>
    /// <param name="output">where the report goes</param>
    public static int Run(int n, int batch, int epochs, int threads, string python, TextWriter output)
    {
        if (n < 26 || batch < 1 || epochs < 1) throw new InputException($"--n must be ≥ 26 (Letter has 26 classes), --batch and --epochs ≥ 1; got {n}, {batch}, {epochs}.");
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        var set = TabularSets.Load("letter", n, seed: 0);
        var x = set.X;
        var xs = ((x - x.mean(new long[] { 0 })) / x.std(new long[] { 0 }, unbiased: false)).to(ScalarType.Float32);
        var rep = Embeddings.Pca(x, 8).to(ScalarType.Float32);
        int[] hidden = { 32, 32 }; const int bases = 16;
        long d = x.shape[1], rows = x.shape[0];
        output.WriteLine($"NeurCAM warm-up epoch: Letter {rows}×{d}, K = {set.K}, C = {d}, hidden [{string.Join(",", hidden)}], {bases} bases, batch {batch}, " +
                         $"x̃ = PCA-8, Adam 5e-3; {epochs} timed epochs after 1; {torch.get_num_threads()} threads; load average {BenchmarkPeer.LoadAverage()}");
        var model = new NeurCam(set.K, hidden: hidden, bases: bases, epochs: 100, batchSize: batch, learningRate: 5e-3, seed: 0, device: CPU);
        var (seconds, cpu, loss) = model.TimeWarmupEpochs(xs, rep, epochs);
        double ours = epochs / seconds;
        var table = new List<string[]> { new[] { "Workbench NeurCam (TorchSharp 0.107, libtorch 2.10)", F(seconds, "F2"), F(cpu, "F2"), F(ours, "F2"), F(loss, "F4") } };
        double ratio = double.NaN;
        var file = Path.GetTempFileName();
        try
        {
            using (var fs = File.Create(file))
            using (var w = new BinaryWriter(fs))
            {
                foreach (var v in xs.contiguous().data<float>()) w.Write(v);
                foreach (var v in rep.contiguous().data<float>()) w.Write(v);
            }
            var stdout = BenchmarkPeer.Run(python, "torch_neurcam.py",
                new object[] { file, rows, d, 8, set.K, d, hidden[0], hidden[1], bases, batch, epochs, torch.get_num_threads() }, out var failure);
            if (stdout is null) output.WriteLine($"PyTorch comparison skipped: {failure}");
            else
            {
                var js = JsonDocument.Parse(stdout).RootElement;
                double theirs = js.GetProperty("epochs_per_second").GetDouble();
                ratio = ours / theirs;
                table.Add(new[] { $"PyTorch {js.GetProperty("torch").GetString()} (Debian python3-torch)", F(js.GetProperty("seconds").GetDouble(), "F2"),
                                  F(js.GetProperty("cpu_seconds").GetDouble(), "F2"), F(theirs, "F2"), F(js.GetProperty("loss").GetDouble(), "F4") });
            }
        }
        finally { File.Delete(file); }
        output.WriteLine();
        output.WriteLine("| implementation | seconds | CPU seconds | epochs/s | last epoch loss |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in table) output.WriteLine($"| {string.Join(" | ", r)} |");
        output.WriteLine();
        output.WriteLine($"Workbench / PyTorch epochs/s: {F(ratio, "F2")} (target ≥ 0.8); load average at the end {BenchmarkPeer.LoadAverage()}");
        return 0;
    }

    static string F(double v, string fmt) => double.IsNaN(v) ? "—" : v.ToString(fmt, CultureInfo.InvariantCulture);
}
