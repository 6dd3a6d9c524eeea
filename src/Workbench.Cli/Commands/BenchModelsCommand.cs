using System.CommandLine;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench train-cnn</c> and <c>bench vgg</c>: the options; the bodies are <see cref="Workbench.Jobs.SmallCnnBenchmark"/> and <see cref="Workbench.Jobs.VggBenchmark"/>.</summary>
static class BenchModelsCommand
{
    /// <summary>Adds the model benchmarks to <c>workbench bench</c>.</summary>
    public static void AddTo(Command bench)
    {
        var n = new Option<int>("--n") { Description = "Training images per epoch (random 28×28, seed 0).", DefaultValueFactory = _ => 6000 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs (after one warm-up epoch).", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch and PyTorch; 0 keeps the default.", DefaultValueFactory = _ => 1 };
        var python = new Option<string>("--python") { Description = "Python with torch (Debian: python3-torch).", DefaultValueFactory = _ => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3" };
        var cmd = new Command("train-cnn", "Samples/s of training the small CNN (Adam, cross-entropy) with Workbench's Trainer and with PyTorch, same architecture, batch and threads.");
        foreach (var o in new Option[] { n, batch, epochs, threads, python }) cmd.Options.Add(o);
        cmd.SetAction(pr => Workbench.Jobs.SmallCnnBenchmark.Run(pr.GetValue(n), pr.GetValue(batch), pr.GetValue(epochs), pr.GetValue(threads), pr.GetValue(python)!, pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(cmd);

        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 224 };
        var vb = new Option<int>("--batch") { Description = "Images in the batched runs.", DefaultValueFactory = _ => 8 };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions for one image (median; after one warm-up).", DefaultValueFactory = _ => 3 };
        var vt = new Option<int>("--threads") { Description = "CPU threads for libtorch and PyTorch; 0 keeps the default.", DefaultValueFactory = _ => 2 };
        var prof = new Option<bool>("--profile") { Description = "Also print the per-layer profile (forward, rule, backward, tensors, maps) of one explanation per composite." };
        var vgg = new Command("vgg", "VGG-16 on the CPU: LRP explanation time against a forward pass, one image and a batch, beside PyTorch's forward and gradient × input.");
        foreach (var o in new Option[] { size, vb, reps, vt, python, prof }) vgg.Options.Add(o);
        vgg.SetAction(pr => Workbench.Jobs.VggBenchmark.Run(pr.GetValue(size), pr.GetValue(vb), pr.GetValue(reps), pr.GetValue(vt), pr.GetValue(python)!, pr.InvocationConfiguration.Output, pr.GetValue(prof)));
        bench.Subcommands.Add(vgg);
    }
}
