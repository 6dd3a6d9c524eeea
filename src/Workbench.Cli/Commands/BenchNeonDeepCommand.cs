using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench neon-deep</c>: parses the options and calls <see cref="DeepTableBenchmark"/>.</summary>
static class BenchNeonDeepCommand
{
    /// <summary>Adds the deep Table I benchmark to <c>workbench bench</c>.</summary>
    public static void AddTo(Command bench)
    {
        var points = new Option<int>("--points") { Description = "Points explained and evaluated.", DefaultValueFactory = _ => 300 };
        var k = new Option<int>("--k") { Description = "Clusters of the k-means head on block 2.", DefaultValueFactory = _ => 10 };
        var train = new Option<int>("--train-images") { Description = "Fashion-MNIST images the SmallCnn is trained on (once; cached).", DefaultValueFactory = _ => 5000 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs of the SmallCnn.", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "libtorch CPU threads; 0 keeps the default.", DefaultValueFactory = _ => 0 };
        var cmd = new Command("neon-deep", "Time of one deep Table I row: Algorithm 1 with feature maps zeroed, six methods (target: 300 points under 2 minutes).");
        foreach (var o in new Option[] { points, k, train, epochs, threads }) cmd.Options.Add(o);
        cmd.SetAction(pr => DeepTableBenchmark.Run(pr.GetValue(points), pr.GetValue(k), pr.GetValue(train), pr.GetValue(epochs), pr.GetValue(threads), pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(cmd);
    }
}
