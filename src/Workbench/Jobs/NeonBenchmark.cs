using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Neuralization;
using Workbench.Propagation;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary><c>workbench bench neon</c> as a library call: throughput of batched NEON vs per-point loops, and k-means
/// beside scikit-learn (docs/benchmarks.md). A benchmark, not a test.</summary>
public static class NeonBenchmark
{
    /// <summary>Runs the benchmark on N Gaussian-blob points in d dimensions around K means and prints Markdown tables to
    /// <paramref name="output"/>: k-means fit time and inertia (float64, float32, and scikit-learn's through
    /// <paramref name="python"/> when it is available), then NEON points/s batched vs per-point calls vs a scalar loop.</summary>
    public static int Run(int n, int d, int k, int loopPoints, int nInit, string python, int threads, TextWriter output)
    {
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        var device = Devices.Default;
        output.WriteLine($"NEON benchmark: N = {n}, d = {d}, K = {k}; {Devices.Describe()}; {Environment.ProcessorCount} logical CPUs; load average at start {BenchmarkPeer.LoadAverage()}");
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
            var stdout = BenchmarkPeer.Run(python, "sklearn_kmeans.py", new object[] { data, n, d, k, nInit, 0 }, out var failure);
            if (stdout is null) output.WriteLine($"scikit-learn comparison skipped: {failure}");
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

    /// <summary>The speed baseline (not a reference implementation: the tests check the library against its own oracles):
    /// NEON for one point with arrays only: nearest centroid, h_k, Eq. (2), Eq. (4).</summary>
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
}
