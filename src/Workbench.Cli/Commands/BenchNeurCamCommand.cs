using System.CommandLine;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench neurcam</c>: the options; the body is <see cref="Workbench.Jobs.NeurCamBenchmark"/>.</summary>
static class BenchNeurCamCommand
{
    /// <summary>Adds the NeurCAM benchmark to <c>workbench bench</c>.</summary>
    public static void AddTo(Command bench)
    {
        var n = new Option<int>("--n") { Description = "Letter rows (stratified sample, seed 0).", DefaultValueFactory = _ => 5000 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 128 };
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs (after one untimed epoch).", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch and PyTorch; 0 keeps the default.", DefaultValueFactory = _ => 1 };
        var python = new Option<string>("--python") { Description = "Python with torch (Debian: python3-torch).", DefaultValueFactory = _ => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3" };
        var cmd = new Command("neurcam", "Epochs/s of NeurCAM's warm-up epoch on Letter (quick architecture) beside the same model in PyTorch, same rows, batch and threads.");
        foreach (var o in new Option[] { n, batch, epochs, threads, python }) cmd.Options.Add(o);
        cmd.SetAction(pr => Workbench.Jobs.NeurCamBenchmark.Run(pr.GetValue(n), pr.GetValue(batch), pr.GetValue(epochs), pr.GetValue(threads), pr.GetValue(python)!, pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(cmd);
    }
}
