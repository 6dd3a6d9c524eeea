using System.Diagnostics;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Evaluation;
using Workbench.Neuralization;
using Workbench.Reporting;
using Workbench.Studies.Neon;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary><c>workbench bench neon-evaluate</c>: wall and CPU time of the full winer Table I row (NEON §VII Algorithm 1,
/// the eight relevance methods, <c>repeats</c> repeats), per method and in all; the target is under 10 s.</summary>
public static class NeonEvaluationBenchmark
{
    /// <summary>Times the winer row (App. H, k-means K = 6, σ by Eq. 42) and prints a Markdown table to <paramref name="output"/>.
    /// Returns 0. <paramref name="threads"/> &gt; 0 sets libtorch's CPU threads.</summary>
    public static int Run(int repeats, int nInit, int threads, TextWriter output)
    {
        if (repeats < 1) throw new InputException($"--repeats must be at least 1; got {repeats}.");
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        output.WriteLine($"NEON evaluation benchmark: winer (UCI Wine, App. H), k-means K = 6 (n-init {nInit}), {repeats} repeats; " +
                         $"{Devices.Describe()}; torch threads {torch.get_num_threads()}; load average at start {BenchmarkPeer.LoadAverage()}");
        var proc = Process.GetCurrentProcess();
        var total = Stopwatch.StartNew();
        var cpu0 = proc.TotalProcessorTime;
        using var scope = NewDisposeScope();
        var x = TableOne.Load("wine");
        var fit = Stopwatch.StartNew();
        var model = ExplainedModel.From(new NeuralizedKMeans(new KMeans(6, nInit: nInit, seed: 0).Fit(x).Centroids));
        double beta = model.HeuristicBeta(x);
        var kde = new KdeImputer(x);
        double fitSeconds = fit.Elapsed.TotalSeconds;
        output.WriteLine();
        output.WriteLine("| step | AUC | wall s | CPU s |");
        output.WriteLine("|---|---:|---:|---:|");
        output.WriteLine($"| k-means fit, β heuristic, KDE σ (Eq. 42) | – | {fitSeconds:F2} | – |");
        foreach (var method in RelevanceMethods.Create(model, kde, beta))
        {
            proc.Refresh();
            var c0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var score = NeonEvaluation.Run(model, x, [method], kde, repeats, seed: 0)[0];
            proc.Refresh();
            output.WriteLine($"| {method.Name} | {score.Auc:F2} ± {score.StdErr:F2} | {sw.Elapsed.TotalSeconds:F2} | {(proc.TotalProcessorTime - c0).TotalSeconds:F2} |");
        }
        proc.Refresh();
        output.WriteLine($"| **whole row** (load, fit, 8 methods × {repeats} repeats) | – | **{total.Elapsed.TotalSeconds:F2}** | {(proc.TotalProcessorTime - cpu0).TotalSeconds:F2} |");
        output.WriteLine($"load average at end {BenchmarkPeer.LoadAverage()}");
        return 0;
    }
}
