using System.CommandLine;
using TorchSharp;
using Workbench.Clustering;
using Workbench.IO;
using Workbench.Reporting;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench kmeans</c>: k-means++ / Lloyd k-means on a CSV, writing centroids (and labels).</summary>
static class KMeansCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "CSV with a header row, one numeric column per feature.", Required = true };
        var k = new Option<int>("--k") { Description = "Number of clusters K (≥ 2).", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed (k-means++ draws).", DefaultValueFactory = _ => 0 };
        var nInit = new Option<int>("--n-init") { Description = "Restarts; the lowest inertia is kept.", DefaultValueFactory = _ => 10 };
        var outC = new Option<string>("--out-centroids") { Description = "Output CSV: one row per centroid, same columns as the input.", Required = true };
        var outL = new Option<string?>("--out-labels") { Description = "Optional output CSV with one column 'cluster' (0-based), one row per input row." };
        var command = new Command("kmeans", "Fit k-means (k-means++ seeding, Lloyd iterations, n-init restarts) to a CSV.");
        foreach (var o in new Option[] { input, k, seed, nInit, outC, outL }) command.Options.Add(o);
        command.SetAction(pr => CliCsv.Guard(pr, output =>
        {
            int kk = pr.GetValue(k);
            if (kk < 2) throw new CliCsv.InputException($"--k must be at least 2 (one cluster has nothing to be explained against); got {kk}.");
            int n = pr.GetValue(nInit);
            if (n < 1) throw new CliCsv.InputException($"--n-init must be at least 1; got {n}.");
            var x = Csv.ReadNumeric(pr.GetValue(input)!);
            if (x.Rows < kk) throw new CliCsv.InputException($"{x.Path} has {x.Rows} rows but --k is {kk}; k-means needs at least K points.");
            Progress.Enabled = false;
            using var xt = CliCsv.ToTensor(x);
            var km = new KMeans(kk, nInit: n, seed: pr.GetValue(seed), device: torch.CPU).Fit(xt);
            var cent = km.Centroids.cpu().data<double>().ToArray();
            int d = x.ColumnCount;
            Csv.Write(pr.GetValue(outC)!, x.Columns, Enumerable.Range(0, kk).Select(r =>
                (IReadOnlyList<object>)Enumerable.Range(0, d).Select(c => (object)cent[r * d + c]).ToList()));
            if (pr.GetValue(outL) is { } lp)
                Csv.Write(lp, new[] { "cluster" }, km.Labels.cpu().data<long>().ToArray().Select(l => (IReadOnlyList<object>)new object[] { l }));
            output.WriteLine($"k-means: N = {x.Rows}, d = {d}, K = {kk}, inertia {km.Inertia:G10}, {km.NIter} Lloyd iterations in the kept run of {n}.");
            return 0;
        }));
        return command;
    }
}
