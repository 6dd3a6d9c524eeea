using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using Workbench.Compute;
using Workbench.Models;
using Workbench.Reporting;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench train-cnn</c>: training throughput of <see cref="SmallCnn"/> with <see cref="Trainer"/> beside PyTorch.</summary>
static class BenchModelsCommand
{
    /// <summary>Adds the model benchmarks to <c>workbench bench</c>.</summary>
    public static void AddTo(Command bench)
    {
        var n = new Option<int>("--n") { Description = "Training images per epoch (random 28×28, seed 0).", DefaultValueFactory = _ => 6000 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs (after one warm-up epoch).", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch and PyTorch; 0 keeps the default.", DefaultValueFactory = _ => 1 };
        var python = new Option<string>("--python") { Description = "Python with torch (Debian: python3-torch).", DefaultValueFactory = _ => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3" };
        var cmd = new Command("train-cnn", "Samples/s of training the small CNN (Adam, cross-entropy) with Workbench's Trainer and with PyTorch, same architecture, batch and threads.");
        foreach (var o in new Option[] { n, batch, epochs, threads, python }) cmd.Options.Add(o);
        cmd.SetAction(pr => TrainCnn(pr.GetValue(n), pr.GetValue(batch), pr.GetValue(epochs), pr.GetValue(threads), pr.GetValue(python)!, pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(cmd);

        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 224 };
        var vb = new Option<int>("--batch") { Description = "Images in the batched runs.", DefaultValueFactory = _ => 8 };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions for one image (median; after one warm-up).", DefaultValueFactory = _ => 3 };
        var vt = new Option<int>("--threads") { Description = "CPU threads for libtorch and PyTorch; 0 keeps the default.", DefaultValueFactory = _ => 2 };
        var prof = new Option<bool>("--profile") { Description = "Also print the per-layer profile (forward, rule, backward, tensors, maps) of one explanation per composite." };
        var vgg = new Command("vgg", "VGG-16 on the CPU: LRP explanation time against a forward pass, one image and a batch, beside PyTorch's forward and gradient × input.");
        foreach (var o in new Option[] { size, vb, reps, vt, python, prof }) vgg.Options.Add(o);
        vgg.SetAction(pr => Workbench.Jobs.VggBenchmark.Run(pr.GetValue(size), pr.GetValue(vb), pr.GetValue(reps), pr.GetValue(vt), pr.GetValue(python)!, pr.InvocationConfiguration.Output, pr.GetValue(prof)));
        bench.Subcommands.Add(vgg);
    }

    static double Load() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;

    static int TrainCnn(int n, int batch, int epochs, int threads, string python, TextWriter output)
    {
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        output.WriteLine($"Small CNN training: N = {n} random 28×28 images, batch {batch}, {epochs} timed epochs after 1 warm-up; {torch.get_num_threads()} threads; load average {Load()}");
        using var gen = Seeds.Generator(0);
        var x = rand([n, 1, 28, 28], generator: gen);
        var y = randint(0, 10, [n], generator: gen);
        using var cnn = SmallCnn.Create(seed: 0, init: ModelInit.Torch, device: CPU);
        new Trainer(Workbench.Training.Losses.CrossEntropy, learningRate: 1e-3, epochs: 1, batchSize: batch, seed: 0, progress: false, device: CPU).Fit(cnn, x, y);
        var trainer = new Trainer(Workbench.Training.Losses.CrossEntropy, learningRate: 1e-3, epochs: epochs, batchSize: batch, seed: 1, progress: false, device: CPU);
        var sw = Stopwatch.StartNew();
        trainer.Fit(cnn, x, y);
        sw.Stop();
        double ours = (double)n * epochs / sw.Elapsed.TotalSeconds;
        var rows = new List<string[]> { new[] { "Workbench Trainer + SmallCnn (TorchSharp 0.107, libtorch 2.10)", $"{sw.Elapsed.TotalSeconds:F2}", $"{ours:F0}", $"{trainer.History[^1].Loss:F4}" } };
        var script = Path.Combine(Artifacts.RepositoryRoot() ?? ".", "benchmarks", "torch_small_cnn.py");
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, n.ToString(), batch.ToString(), epochs.ToString(), torch.get_num_threads().ToString() }) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = torch.get_num_threads().ToString();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd(); var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        double ratio = double.NaN;
        if (p.ExitCode != 0) output.WriteLine($"PyTorch comparison skipped: {python} {script} failed: {stderr.Trim().Split('\n').LastOrDefault()}");
        else
        {
            var js = JsonDocument.Parse(stdout).RootElement;
            double theirs = js.GetProperty("samples_per_second").GetDouble();
            ratio = ours / theirs;
            rows.Add(new[] { $"PyTorch {js.GetProperty("torch").GetString()} (Debian python3-torch)", $"{js.GetProperty("seconds").GetDouble():F2}", $"{theirs:F0}", $"{js.GetProperty("loss").GetDouble():F4}" });
        }
        output.WriteLine();
        output.WriteLine("| implementation | seconds | samples/s | last epoch loss |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var r in rows) output.WriteLine($"| {string.Join(" | ", r)} |");
        output.WriteLine();
        output.WriteLine($"Workbench / PyTorch samples/s: {ratio:F2} (target ≥ 0.8); load average at the end {Load()}");
        return 0;
    }
}
