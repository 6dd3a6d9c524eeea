using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Neuralization;
using Workbench.Propagation;
using Workbench.Reporting;
using static TorchSharp.torch;
using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench neon</c>: throughput of batched NEON vs per-point loops, and k-means beside scikit-learn.</summary>
static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks (not tests): print timings as a Markdown table.");
        var n = new Option<int>("--n") { Description = "Points.", DefaultValueFactory = _ => 100_000 };
        var d = new Option<int>("--d") { Description = "Features.", DefaultValueFactory = _ => 64 };
        var k = new Option<int>("--k") { Description = "Clusters.", DefaultValueFactory = _ => 10 };
        var loop = new Option<int>("--loop-points") { Description = "Points timed in the per-point loops (extrapolated to points/s).", DefaultValueFactory = _ => 2000 };
        var nInit = new Option<int>("--n-init") { Description = "k-means restarts (ours and scikit-learn's).", DefaultValueFactory = _ => 10 };
        var python = new Option<string>("--python") { Description = "Python with scikit-learn (Debian: python3-sklearn).", DefaultValueFactory = _ => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3" };
        var threads = new Option<int>("--threads") { Description = "libtorch CPU threads (and OMP_NUM_THREADS for scikit-learn); 0 keeps the default.", DefaultValueFactory = _ => 0 };
        var neon = new Command("neon", "NEON k-means explanations: batched points/s in float32 and float64 vs per-point loops; k-means fit time and inertia vs scikit-learn.");
        foreach (var o in new Option[] { n, d, k, loop, nInit, python, threads }) neon.Options.Add(o);
        neon.SetAction(pr => NeonBenchmark.Run(pr.GetValue(n), pr.GetValue(d), pr.GetValue(k), pr.GetValue(loop), pr.GetValue(nInit), pr.GetValue(python)!, pr.GetValue(threads), pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(neon);
        var gn = new Option<int>("--n") { Description = "Training images.", DefaultValueFactory = _ => 2048 };
        var ge = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 1 };
        var gradceam = new Command("gradceam", "Grad-CeAM: MNIST-CAE training samples/s vs PyTorch (same architecture, threads, batch 64), and heatmaps of 2000 images.");
        foreach (var o in new Option[] { gn, ge, python, threads }) gradceam.Options.Add(o);
        gradceam.SetAction(pr => GradCeamBench(pr.GetValue(gn), pr.GetValue(ge), pr.GetValue(python)!, pr.GetValue(threads), pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(gradceam);
        BenchModelsCommand.AddTo(bench);
        BenchNeonEvaluateCommand.AddTo(bench);
        return bench;
    }


    static int GradCeamBench(int n, int epochs, string python, int threads, TextWriter output)
    {
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        double load = File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
        output.WriteLine($"Grad-CeAM benchmark: {n} images 28×28, {epochs} epoch(s), batch 64; {Devices.Describe()}; torch threads {torch.get_num_threads()}; load average at start {load}");
        var g = Seeds.Generator(0);
        var x = rand(new long[] { n, 1, 28, 28 }, generator: g).gt(0.8).to_type(float32);
        var model = new Workbench.Models.ConvAutoencoder2D(seed: 0);
        Workbench.Models.AutoencoderTraining.Fit(model, x.narrow(0, 0, 64), 1, 64); // warm-up
        var sw = Stopwatch.StartNew();
        Workbench.Models.AutoencoderTraining.Fit(model, x, epochs, 64, seed: 1);
        double ours = (double)n * epochs / sw.Elapsed.TotalSeconds;
        string peer;
        try
        {
            var psi = new ProcessStartInfo(python, $"benchmarks/torch_gradceam_cae.py {n} {epochs} {threads}") { RedirectStandardOutput = true, RedirectStandardError = true };
            if (threads > 0) psi.Environment["OMP_NUM_THREADS"] = threads.ToString();
            using var p = Process.Start(psi)!;
            peer = p.StandardOutput.ReadToEnd().Trim(); p.WaitForExit();
            if (p.ExitCode != 0) peer = "failed: " + p.StandardError.ReadToEnd().Trim().Split('\n').LastOrDefault();
        }
        catch (Exception e) { peer = "not run: " + e.Message; }
        output.WriteLine("| implementation | training samples/s |");
        output.WriteLine("|---|---:|");
        output.WriteLine($"| Workbench ConvAutoencoder2D (TorchSharp) | {ours:F1} |");
        output.WriteLine($"| PyTorch (python3-torch), same architecture | {peer} |");
        var codes = Workbench.Models.AutoencoderTraining.Encode(model, x);
        var km = new KMeans(10, nInit: 1, seed: 0).Fit(codes);
        var cam = new Workbench.Explanation.GradCeam(model, km.Centroids);
        var xs = x.narrow(0, 0, Math.Min(2000, n));
        cam.Heatmaps(xs.narrow(0, 0, 10), 0).Dispose(); // warm-up
        sw.Restart();
        using (var h = cam.Heatmaps(xs, 0)) { }
        output.WriteLine($"Grad-CeAM heatmaps of {xs.shape[0]} images for one cluster: {sw.Elapsed.TotalSeconds:F2} s");
        return 0;
    }
}
