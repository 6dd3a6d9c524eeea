using System.Diagnostics;
using TorchSharp;
using Workbench.Compute;
using Workbench.Evaluation;
using Workbench.Reporting;
using Workbench.Studies.Neon;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary><c>workbench bench neon-deep</c>: wall and CPU time of one deep Table I row (NEON §VII, Algorithm 1 with the maps
/// zeroed, batched): Fashion-MNIST + SmallCnn, k-means with K clusters on block 2, the 16 block-1 maps as units, all six
/// methods on <c>points</c> points; the target is under 2 minutes for 300 points.</summary>
public static class DeepTableBenchmark
{
    /// <summary>Times the row and prints a Markdown table to <paramref name="output"/>. Returns 0. <paramref name="threads"/> &gt; 0
    /// sets libtorch's CPU threads. The SmallCnn is trained once (cached under <c>artifacts/models/</c>) and not timed.</summary>
    public static int Run(int points, int k, int trainImages, int epochs, int threads, TextWriter output)
    {
        if (points < 2) throw new InputException($"--points must be at least 2; got {points}.");
        if (k < 2 || k > points) throw new InputException($"--k must lie in 2…points; got {k}.");
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        using var scope = NewDisposeScope();
        var setup = DeepTableOne.FashionMnist(points, trainImages, epochs, seed: 0);
        output.WriteLine($"NEON deep Table I benchmark: {setup.Description}; k-means K = {k}; {Devices.Describe()}; torch threads {torch.get_num_threads()}; load average at start {BenchmarkPeer.LoadAverage()}");
        var proc = Process.GetCurrentProcess();
        proc.Refresh();
        var cpu0 = proc.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        var a = DeepTableOne.Forward(setup.Lower, setup.Images);
        var psi = DeepTableOne.Forward(setup.Upper, a).flatten(1);
        var (model, _) = DeepTableOne.KMeansHead(setup.Upper, psi, k, seed: 0, nInit: 3);
        double beta = model.HeuristicBeta(a);
        double fitSeconds = total.Elapsed.TotalSeconds;
        output.WriteLine();
        output.WriteLine($"| step ({points} points, {a.shape[1]} maps) | AUC | wall s | CPU s |");
        output.WriteLine("|---|---:|---:|---:|");
        output.WriteLine($"| units, ψ, k-means fit, β heuristic | – | {fitSeconds:F2} | {(proc.TotalProcessorTime - cpu0).TotalSeconds:F2} |");
        foreach (var method in ChannelRelevanceMethods.Create(model, beta, gamma: 0.1))
        {
            proc.Refresh();
            var c0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var score = DeepEvaluation.Run(model, a, [method], repeats: 1, seed: 0)[0];
            proc.Refresh();
            output.WriteLine($"| {method.Name} | {score.Auc:F2} ± {score.StdErr:F2} | {sw.Elapsed.TotalSeconds:F2} | {(proc.TotalProcessorTime - c0).TotalSeconds:F2} |");
        }
        proc.Refresh();
        output.WriteLine($"| **whole row** (units, fit, 6 methods) | – | **{total.Elapsed.TotalSeconds:F2}** | {(proc.TotalProcessorTime - cpu0).TotalSeconds:F2} |");
        output.WriteLine($"load average at end {BenchmarkPeer.LoadAverage()}");
        return 0;
    }
}
