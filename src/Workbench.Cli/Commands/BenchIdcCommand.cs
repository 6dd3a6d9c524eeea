using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench idc</c>: parses the options and calls <see cref="IdcBenchmark"/>.</summary>
static class BenchIdcCommand
{
    /// <summary>Adds the IDC benchmark to <c>workbench bench</c>.</summary>
    public static void AddTo(Command bench)
    {
        var n = new Option<int>("--n") { Description = "Rows of the epoch benchmark (uniform random; 10000 is MNIST-10k).", DefaultValueFactory = _ => 10_000 };
        var hidden = new Option<string>("--hidden") { Description = "Encoder hidden widths, comma separated (MNIST configuration: 512,512,2048).", DefaultValueFactory = _ => "512,512,2048" };
        var hg = new Option<int>("--gating-hidden") { Description = "H_g of the gating network (MNIST: 784).", DefaultValueFactory = _ => 784 };
        var hc = new Option<int>("--head-hidden") { Description = "H_c of the head and H_a of the auxiliary classifier (MNIST: 2048).", DefaultValueFactory = _ => 2048 };
        var batch = new Option<int>("--batch") { Description = "Batch size of the epochs (Table 7: 256).", DefaultValueFactory = _ => 256 };
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs of each stage after one warm-up (median reported).", DefaultValueFactory = _ => 1 };
        var crB = new Option<int>("--cr-batch") { Description = "B of the coding-rate benchmark.", DefaultValueFactory = _ => 256 };
        var crD = new Option<int>("--cr-features") { Description = "D of the coding-rate benchmark (ALLAML: 7129).", DefaultValueFactory = _ => 7129 };
        var reps = new Option<int>("--reps") { Description = "Timed coding-rate steps (median, after 3 warm-up steps).", DefaultValueFactory = _ => 20 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch and PyTorch; 0 keeps the default.", DefaultValueFactory = _ => 1 };
        var python = new Option<string>("--python") { Description = "Python with torch (Debian: python3-torch).", DefaultValueFactory = _ => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3" };
        var cmd = new Command("idc", "IDC: one training epoch of each stage in the MNIST-10k configuration beside PyTorch (same model, threads), and the gate coding-rate loss at B = 256, D = 7129.");
        foreach (var o in new Option[] { n, hidden, hg, hc, batch, epochs, crB, crD, reps, threads, python }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            var widths = pr.GetValue(hidden)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(w =>
                int.TryParse(w, out var v) ? v : throw new InputException($"--hidden takes comma-separated integers, e.g. 512,512,2048; got '{w}'.")).ToArray();
            return IdcBenchmark.Run(pr.GetValue(n), widths, pr.GetValue(hg), pr.GetValue(hc), pr.GetValue(batch), pr.GetValue(epochs),
                pr.GetValue(crB), pr.GetValue(crD), pr.GetValue(reps), pr.GetValue(threads), pr.GetValue(python)!, pr.InvocationConfiguration.Output);
        });
        bench.Subcommands.Add(cmd);
    }
}
