using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench neon|gradceam|…</c>: parses the options and calls the benchmark jobs (<see cref="NeonBenchmark"/>, <see cref="GradCeamBenchmark"/>).</summary>
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
        gradceam.SetAction(pr => GradCeamBenchmark.Run(pr.GetValue(gn), pr.GetValue(ge), pr.GetValue(python)!, pr.GetValue(threads), pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(gradceam);
        BenchModelsCommand.AddTo(bench);
        BenchNeonEvaluateCommand.AddTo(bench);
        BenchNeonDeepCommand.AddTo(bench);
        BenchIdcCommand.AddTo(bench);
        BenchNeurCamCommand.AddTo(bench);
        return bench;
    }
}
