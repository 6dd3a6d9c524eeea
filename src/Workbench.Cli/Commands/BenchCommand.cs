using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Neuralization;
using Workbench.Propagation;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench neon</c>: throughput of batched NEON vs per-point loops, and k-means beside scikit-learn.</summary>
static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks (not tests): print timings as a Markdown table.");
        var n = new Option<int>("--n") { Description = "Points.", DefaultValueFactory = _ => 100_000 };
        var d = new Option<int>("--d") { Description = "Features.", DefaultValueFactory = _ => 64 };
        var k = new Option<int>("--k") { Description = "Clusters.", DefaultValueFactory = _ => 10 };
        var loop = new Option<int>("--loop-points") { Description = "Points timed in the per-point loops (extrapolated to points/s).", DefaultValueFactory = _ => 2000 };
        var nInit = new Option<int>("--n-init") { Description = "k-means restarts (ours and scikit-learn's).", DefaultValueFactory = _ => 10 };
        var python = new Option<string>("--python") { Description = "Python with scikit-learn (Debian: python3-sklearn).", DefaultValueFactory = _ => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3" };
        var threads = new Option<int>("--threads") { Description = "libtorch CPU threads (and OMP_NUM_THREADS for scikit-learn); 0 keeps the default.", DefaultValueFactory = _ => 0 };
        var neon = new Command("neon", "NEON k-means explanations: batched points/s in float32 and float64 vs per-point loops; k-means fit time and inertia vs scikit-learn.");
        foreach (var o in new Option[] { n, d, k, loop, nInit, python, threads }) neon.Options.Add(o);
        neon.SetAction(pr => Neon(pr.GetValue(n), pr.GetValue(d), pr.GetValue(k), pr.GetValue(loop), pr.GetValue(nInit), pr.GetValue(python)!, pr.GetValue(threads), pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(neon);
        var gn = new Option<int>("--n") { Description = "Training images.", DefaultValueFactory = _ => 2048 };
        var ge = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 1 };
        var gradceam = new Command("gradceam", "Grad-CeAM: MNIST-CAE training samples/s vs PyTorch (same architecture, threads, batch 64), and heatmaps of 2000 images.");
        foreach (var o in new Option[] { gn, ge, python, threads }) gradceam.Options.Add(o);
        gradceam.SetAction(pr => GradCeamBench(pr.GetValue(gn), pr.GetValue(ge), pr.GetValue(python)!, pr.GetValue(threads), pr.InvocationConfiguration.Output));
        bench.Subcommands.Add(gradceam);
        return bench;
    }

    static int Neon(int n, int d, int k, int loopPoints, int nInit, string python, int threads, TextWriter output)
    {
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        double load = File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
        var device = Devices.Default;
        output.WriteLine($"NEON benchmark: N = {n}, d = {d}, K = {k}; {Devices.Describe()}; {Environment.ProcessorCount} logical CPUs; load average at start {load}");
        var g = Seeds.Generator(0);
        var means = randn(new long[] { k, d }, dtype: float64, generator: g) * 1.5;
        var x64 = (means.index_select(0, randint(k, new long[] { n }, generator: g)) + randn(new long[] { n, d }, dtype: float64, generator: g)).to(device);

        // k-means: ours (float64, float32) and scikit-learn's on the same data and settings
        var rows = new List<string[]>();
        foreach (var dt in new[] { float64, float32 })
        {
            var x = x64.to_type(dt);
            var sw = Stopwatch.StartNew();
            var km = new KMeans(k, nInit: nInit, maxIter: 300, tol: 1e-4, seed: 0).Fit(x);
            sw.Stop();
            rows.Add(new[] { "Workbench KMeans", dt.ToString(), $"{sw.Elapsed.TotalSeconds:F2}", $"{km.Inertia:F1}", $"{km.NIter}" });
        }
        var data = Path.Combine(Path.GetTempPath(), $"workbench-bench-{Environment.ProcessId}.f64");
        try
        {
            using (var fs = File.Create(data))
            {
                var bytes = new byte[(long)n * d * 8];
                Buffer.BlockCopy(x64.cpu().data<double>().ToArray(), 0, bytes, 0, bytes.Length);
                fs.Write(bytes);
            }
            var script = Path.Combine(Artifacts.RepositoryRoot() ?? ".", "benchmarks", "sklearn_kmeans.py");
            var psi = new ProcessStartInfo(python, $"\"{script}\" \"{data}\" {n} {d} {k} {nInit} 0") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["OMP_NUM_THREADS"] = torch.get_num_threads().ToString();
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd(); var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) output.WriteLine($"scikit-learn comparison skipped: {python} {script} failed: {stderr.Trim().Split('\n').LastOrDefault()}");
            else
            {
                var js = JsonDocument.Parse(stdout).RootElement;
                foreach (var dt in new[] { "float64", "float32" })
                {
                    var r = js.GetProperty(dt);
                    rows.Add(new[] { $"scikit-learn {js.GetProperty("sklearn").GetString()} KMeans (lloyd)", dt, $"{r.GetProperty("seconds").GetDouble():F2}",
                        $"{r.GetProperty("inertia").GetDouble():F1}", $"{r.GetProperty("iterations").GetInt32()}" });
                }
            }
        }
        finally { File.Delete(data); }
        output.WriteLine();
        output.WriteLine($"k-means fit, K = {k}, n_init = {nInit}, k-means++ seeding, max 300 iterations, tol 1e-4:");
        output.WriteLine();
        output.WriteLine("| implementation | dtype | fit seconds | inertia | iterations (kept run) |");
        output.WriteLine("|---|---|---:|---:|---:|");
        foreach (var r in rows) output.WriteLine($"| {string.Join(" | ", r)} |");

        // NEON explanations
        var centroids64 = new KMeans(k, nInit: 1, seed: 0).Fit(x64).Centroids;
        output.WriteLine();
        output.WriteLine($"NEON explanations of all N points (Prop. 1 network, Eq. 2 with β from Eq. 3, Eq. 4), per-point loops timed on {loopPoints} points:");
        output.WriteLine();
        output.WriteLine("| dtype | method | seconds | points/s | batched speed-up |");
        output.WriteLine("|---|---|---:|---:|---:|");
        foreach (var dt in new[] { float32, float64 })
        {
            var x = x64.to_type(dt); var mu = centroids64.to_type(dt);
            var net = new NeuralizedKMeans(mu);
            double beta = Stiffness.Heuristic(net.F(x));
            using (var warm = net.Explain(x[..1000], beta)) { }
            var sw = Stopwatch.StartNew();
            using (var e = net.Explain(x, beta)) { _ = e.Relevance.sum().ToDouble(); }   // forces completion on any device
            double batched = sw.Elapsed.TotalSeconds;
            double batchedRate = n / batched;
            output.WriteLine($"| {dt} | batched (one call, N points) | {batched:F3} | {batchedRate:N0} | 1 |");

            // the same library, called once per point
            sw.Restart();
            for (int i = 0; i < loopPoints; i++)
                using (var e = net.Explain(x[i..(i + 1)], beta)) { _ = e.Relevance.sum().ToDouble(); }
            double perCall = sw.Elapsed.TotalSeconds / loopPoints;
            output.WriteLine($"| {dt} | per-point library calls | {perCall * n:F1} (extrapolated) | {1 / perCall:N0} | {batchedRate * perCall:F0}× |");

            // a plain scalar loop (no tensors): Eqs. (2) and (4) written out per point
            var xa = x.cpu().to_type(float64).data<double>().ToArray(); var ma = mu.cpu().to_type(float64).data<double>().ToArray();
            var rel = new double[d]; var h = new double[k];
            sw.Restart();
            for (int i = 0; i < loopPoints; i++) ScalarNeon(xa, i, ma, k, d, beta, h, rel);
            double perScalar = sw.Elapsed.TotalSeconds / loopPoints;
            output.WriteLine($"| {dt} | per-point scalar C# loop (float64) | {perScalar * n:F2} (extrapolated) | {1 / perScalar:N0} | {batchedRate * perScalar:F1}× |");
        }
        return 0;
    }

    /// <summary>NEON for one point with arrays only: nearest centroid, h_k, Eq. (2), Eq. (4).</summary>
    static void ScalarNeon(double[] x, int row, double[] mu, int k, int d, double beta, double[] h, double[] rel)
    {
        int off = row * d, c = 0; double best = double.PositiveInfinity;
        var dist = new double[k];
        for (int j = 0; j < k; j++)
        {
            double s = 0;
            for (int i = 0; i < d; i++) { double t = x[off + i] - mu[j * d + i]; s += t * t; }
            dist[j] = s; if (s < best) { best = s; c = j; }
        }
        double f = double.PositiveInfinity;
        for (int j = 0; j < k; j++) { h[j] = dist[j] - dist[c]; if (j != c) f = Math.Min(f, h[j]); }
        double z = 0;
        for (int j = 0; j < k; j++) if (j != c) z += Math.Exp(-beta * (h[j] - f));
        Array.Clear(rel);
        for (int j = 0; j < k; j++)
        {
            if (j == c) continue;
            double q = Math.Exp(-beta * (h[j] - f)) / z * f / h[j];
            for (int i = 0; i < d; i++)
            {
                double w = 2 * (mu[c * d + i] - mu[j * d + i]), m = (mu[c * d + i] + mu[j * d + i]) / 2;
                rel[i] += q * (x[off + i] - m) * w;
            }
        }
    }

    static int GradCeamBench(int n, int epochs, string python, int threads, TextWriter output)
    {
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        double load = File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
        output.WriteLine($"Grad-CeAM benchmark: {n} images 28×28, {epochs} epoch(s), batch 64; {Devices.Describe()}; torch threads {torch.get_num_threads()}; load average at start {load}");
        var g = Seeds.Generator(0);
        var x = rand(new long[] { n, 1, 28, 28 }, generator: g).gt(0.8).to_type(float32);
        var model = new Workbench.Models.ConvAutoencoder2D(seed: 0);
        Workbench.Models.AutoencoderTraining.Fit(model, x.narrow(0, 0, 64), 1, 64); // warm-up
        var sw = Stopwatch.StartNew();
        Workbench.Models.AutoencoderTraining.Fit(model, x, epochs, 64, seed: 1);
        double ours = (double)n * epochs / sw.Elapsed.TotalSeconds;
        string peer;
        try
        {
            var psi = new ProcessStartInfo(python, $"benchmarks/torch_gradceam_cae.py {n} {epochs} {threads}") { RedirectStandardOutput = true, RedirectStandardError = true };
            if (threads > 0) psi.Environment["OMP_NUM_THREADS"] = threads.ToString();
            using var p = Process.Start(psi)!;
            peer = p.StandardOutput.ReadToEnd().Trim(); p.WaitForExit();
            if (p.ExitCode != 0) peer = "failed: " + p.StandardError.ReadToEnd().Trim().Split('\n').LastOrDefault();
        }
        catch (Exception e) { peer = "not run: " + e.Message; }
        output.WriteLine("| implementation | training samples/s |");
        output.WriteLine("|---|---:|");
        output.WriteLine($"| Workbench ConvAutoencoder2D (TorchSharp) | {ours:F1} |");
        output.WriteLine($"| PyTorch (python3-torch), same architecture | {peer} |");
        var codes = Workbench.Models.AutoencoderTraining.Encode(model, x);
        var km = new KMeans(10, nInit: 1, seed: 0).Fit(codes);
        var cam = new Workbench.Explanation.GradCeam(model, km.Centroids);
        var xs = x.narrow(0, 0, Math.Min(2000, n));
        cam.Heatmaps(xs.narrow(0, 0, 10), 0).Dispose(); // warm-up
        sw.Restart();
        using (var h = cam.Heatmaps(xs, 0)) { }
        output.WriteLine($"Grad-CeAM heatmaps of {xs.shape[0]} images for one cluster: {sw.Elapsed.TotalSeconds:F2} s");
        return 0;
    }
}
