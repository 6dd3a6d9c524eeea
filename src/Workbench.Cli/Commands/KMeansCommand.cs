using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench kmeans</c>: k-means++ / Lloyd k-means on a CSV, writing centroids (and labels); see <see cref="KMeansJob"/>.</summary>
static class KMeansCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "CSV with a header row, one numeric column per feature.", Required = true };
        var k = new Option<int>("--k") { Description = "Number of clusters K (≥ 2, at most the number of distinct rows).", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed (k-means++ draws).", DefaultValueFactory = _ => 0 };
        var nInit = new Option<int>("--n-init") { Description = "Restarts; the lowest inertia is kept.", DefaultValueFactory = _ => 10 };
        var outC = new Option<string>("--out-centroids") { Description = "Output CSV: one row per centroid, same columns as the input.", Required = true };
        var outL = new Option<string?>("--out-labels") { Description = "Optional output CSV with one column 'cluster' (0-based), one row per input row." };
        var command = new Command("kmeans", "Fit k-means (k-means++ seeding, Lloyd iterations, n-init restarts) to a CSV.");
        foreach (var o in new Option[] { input, k, seed, nInit, outC, outL }) command.Options.Add(o);
        command.SetAction(pr =>
        {
            pr.InvocationConfiguration.Output.WriteLine(KMeansJob.Run(pr.GetValue(input)!, pr.GetValue(k), pr.GetValue(nInit), pr.GetValue(seed),
                pr.GetValue(outC)!, pr.GetValue(outL)));
            return 0;
        });
        return command;
    }
}
