using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench neon-evaluate</c>: parses the options and calls <see cref="NeonEvaluationBenchmark"/>.</summary>
static class BenchNeonEvaluateCommand
{
    /// <summary>Adds the NEON evaluation benchmark to <c>workbench bench</c>.</summary>
    public static void AddTo(Command bench)
    {
        var repeats = new Option<int>("--repeats") { Description = "Independent repeats of Algorithm 1's KDE draws.", DefaultValueFactory = _ => 10 };
        var nInit = new Option<int>("--n-init") { Description = "k-means restarts.", DefaultValueFactory = _ => 10 };
        var threads = new Option<int>("--threads") { Description = "libtorch CPU threads; 0 keeps the default.", DefaultValueFactory = _ => 0 };
        var cmd = new Command("neon-evaluate", "Time of the full winer Table I row: Algorithm 1 with all eight relevance methods (target: under 10 s).");
        foreach (var o in new Option[] { repeats, nInit, threads }) cmd.Options.Add(o);
        cmd.SetAction(pr => NeonEvaluationBenchmark.Run(pr.GetValue(repeats), pr.GetValue(nInit), pr.GetValue(threads), pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(cmd);
    }
}
