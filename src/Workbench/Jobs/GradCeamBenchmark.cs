using System.Diagnostics;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Explanation;
using Workbench.Models;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary><c>workbench bench gradceam</c> as a library call: MNIST-CAE training throughput beside PyTorch (same
/// architecture, threads and batch size) and the time of Grad-CeAM heatmaps (docs/benchmarks.md). A benchmark, not a test.</summary>
public static class GradCeamBenchmark
{
    /// <summary>
    /// Trains the MNIST-configuration <see cref="ConvAutoencoder2D"/> for <paramref name="epochs"/> on <paramref name="n"/>
    /// random binary 28×28 images (batch 64, Keras Adam), times the Grad-CeAM heatmaps of min(n, 2000) images for one
    /// cluster and for all 10 clusters (looped and batched), and prints both beside the PyTorch peer <c>benchmarks/torch_gradceam_cae.py</c> (same model, data sizes
    /// and thread count) run through <paramref name="python"/>. <paramref name="threads"/> &gt; 0 sets libtorch's CPU
    /// threads, and the peer gets the same number.
    /// </summary>
    public static int Run(int n, int epochs, string python, int threads, TextWriter output)
    {
        if (n < 64) throw new InputException($"--n must be at least 64 (one batch); got {n}.");
        if (epochs < 1) throw new InputException($"--epochs must be at least 1; got {epochs}.");
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        output.WriteLine($"Grad-CeAM benchmark: {n} images 28×28, {epochs} epoch(s), batch 64; {Devices.Describe()}; torch threads {torch.get_num_threads()}; load average at start {BenchmarkPeer.LoadAverage()}");
        var g = Seeds.Generator(0);
        var x = rand(new long[] { n, 1, 28, 28 }, generator: g).gt(0.8).to_type(float32);
        var model = new ConvAutoencoder2D(seed: 0);
        AutoencoderTraining.Fit(model, x.narrow(0, 0, 64), 1, 64); // warm-up
        var sw = Stopwatch.StartNew();
        AutoencoderTraining.Fit(model, x, epochs, 64, seed: 1);
        double ours = (double)n * epochs / sw.Elapsed.TotalSeconds;
        var codes = AutoencoderTraining.Encode(model, x);
        var km = new KMeans(10, nInit: 1, seed: 0).Fit(codes);
        var cam = new GradCeam(model, km.Centroids);
        var xs = x.narrow(0, 0, Math.Min(2000, n));
        cam.Heatmaps(xs.narrow(0, 0, 10), 0).Dispose(); // warm-up
        sw.Restart();
        using (var h = cam.Heatmaps(xs, 0)) { }
        double heat = sw.Elapsed.TotalSeconds;
        // all K clusters: one cluster at a time (K forward + K backward passes) against HeatmapsAllClusters (1 forward, 1 backward per chunk)
        cam.HeatmapsAllClusters(xs.narrow(0, 0, 10)).Dispose(); // warm-up
        sw.Restart();
        for (int c = 0; c < cam.K; c++) using (var h = cam.Heatmaps(xs, c)) { }
        double loop = sw.Elapsed.TotalSeconds;
        sw.Restart();
        using (var h = cam.HeatmapsAllClusters(xs)) { }
        double batched = sw.Elapsed.TotalSeconds;
        string peerRate, peerHeat;
        var stdout = BenchmarkPeer.Run(python, "torch_gradceam_cae.py", new object[] { n, epochs, torch.get_num_threads() }, out var failure);
        var parts = stdout?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (stdout is null) (peerRate, peerHeat) = ("not run: " + failure, "–");
        else if (parts.Length != 2) (peerRate, peerHeat) = ($"unreadable output: '{stdout.Trim()}'", "–");
        else (peerRate, peerHeat) = (parts[0], parts[1]);
        output.WriteLine($"| implementation | CAE training samples/s | Grad-CeAM heatmaps of {xs.shape[0]} images, one cluster (s) |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine($"| Workbench ConvAutoencoder2D + GradCeam (TorchSharp) | {ours:F1} | {heat:F2} |");
        output.WriteLine($"| PyTorch {python} (benchmarks/torch_gradceam_cae.py), same architecture and threads | {peerRate} | {peerHeat} |");
        output.WriteLine();
        output.WriteLine($"| Grad-CeAM heatmaps of {xs.shape[0]} images for all K = {cam.K} clusters | seconds |");
        output.WriteLine("|---|---:|");
        output.WriteLine($"| one cluster at a time (`Heatmaps(x, c)` for c = 0..K−1) | {loop:F2} |");
        output.WriteLine($"| all clusters in one pass (`HeatmapsAllClusters(x)`) | {batched:F2} |");
        return 0;
    }
}
