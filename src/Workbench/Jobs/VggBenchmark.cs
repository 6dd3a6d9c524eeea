using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Workbench.Compute;
using Workbench.Models;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// <c>workbench bench vgg</c> (issue 10 item 7, docs/benchmarks.md): VGG-16 at size×size on the CPU — the time of an LRP
/// explanation against a forward pass, for one image and for a batch, beside PyTorch's forward and gradient × input
/// (<c>benchmarks/torch_vgg.py</c>, same architecture, threads and inputs). A benchmark, not a test.
/// </summary>
public static class VggBenchmark
{
    /// <summary>Runs the benchmark and prints a Markdown table to <paramref name="output"/>.</summary>
    /// <param name="size">image side (224 as torchvision)</param>
    /// <param name="batch">images in the batched runs (8 in the issue)</param>
    /// <param name="reps">timed repetitions for one image after one warm-up (the median is reported); batched runs are timed once, without a warm-up of their own</param>
    /// <param name="threads">libtorch and PyTorch CPU threads (0 keeps the default)</param>
    /// <param name="python">a Python with torch (Debian: python3-torch) for the peer; skipped with a line when it fails</param>
    /// <param name="output">where the report goes</param>
    /// <param name="profile">also print the per-layer profile of one LRP-0 and one EpsilonGammaBox explanation (<see cref="LrpProfile"/>)</param>
    public static int Run(int size, int batch, int reps, int threads, string python, TextWriter output, bool profile = false)
    {
        if (size < 32) throw new InputException($"--size must be at least 32 (VGG's five max-pools); got {size}.");
        if (batch < 1 || reps < 1) throw new InputException("--batch and --reps must be at least 1.");
        Progress.Enabled = false;
        if (threads > 0) torch.set_num_threads(threads);
        output.WriteLine($"VGG-16 LRP benchmark: {size}×{size}, batch {batch}, {reps} reps; {torch.get_num_threads()} threads; {Environment.ProcessorCount} logical CPUs; load average {BenchmarkPeer.LoadAverage()}");
        output.Flush();
        using var vgg = Vgg.Create(VggDepth.Vgg16, seed: 0, device: CPU);
        var g = Seeds.Generator(0);
        using var x1 = randn(new long[] { 1, 3, size, size }, generator: g);
        using var xb = randn(new long[] { batch, 3, size, size }, generator: g);
        var (low, high) = ImageNet.Bounds(CPU);
        var egb = Composites.EpsilonGammaBox(low, high);
        var lrp0 = Composites.Uniform(new Lrp0());

        void Forward(Tensor x) { using var _ = no_grad(); using var y = vgg.call(x); }
        void Explain(Tensor x, Composite c) { using var r = Lrp.Explain(vgg, x, c, device: CPU); }
        var f1 = Time(() => Forward(x1), reps);
        var g1 = Time(() => GradientTimesInput(vgg, x1), reps);
        var l1 = Time(() => Explain(x1, lrp0), reps);
        var e1 = Time(() => Explain(x1, egb), reps);
        output.WriteLine($"one image: forward {f1:F3} s, gradient × input {g1:F3} s, LRP-0 {l1:F3} s, EpsilonGammaBox {e1:F3} s; load average {BenchmarkPeer.LoadAverage()}");
        output.Flush();
        var fb = Time(() => Forward(xb), 1, warmUp: false);                      // code paths already warm from the runs above
        var eb = Time(() => Explain(xb, egb), 1, warmUp: false);

        var rows = new List<string[]>
        {
            Row("Workbench forward (no grad)", f1, fb, batch, f1),
            Row("TorchSharp gradient × input (plain autograd, no hooks: the floor)", g1, double.NaN, batch, f1),
            Row("Workbench LRP-0 everywhere (= gradient × input)", l1, double.NaN, batch, f1),
            Row("Workbench LRP EpsilonGammaBox (z^B, γ = 0.25, ε)", e1, eb, batch, f1),
        };
        var stdout = BenchmarkPeer.Run(python, "torch_vgg.py", new object[] { size, batch, reps, torch.get_num_threads() }, out var failure);
        if (stdout is null) output.WriteLine($"PyTorch comparison skipped: {failure}");
        else
        {
            var js = JsonDocument.Parse(stdout).RootElement;
            double pf1 = js.GetProperty("forward_1").GetDouble(), pg1 = js.GetProperty("grad_1").GetDouble();
            double pfb = js.GetProperty("forward_b").GetDouble(), pgb = js.GetProperty("grad_b").GetDouble();
            var v = js.GetProperty("torch").GetString();
            rows.Add(Row($"PyTorch {v} forward (no grad)", pf1, pfb, batch, pf1));
            rows.Add(Row($"PyTorch {v} gradient × input", pg1, pgb, batch, pf1));
        }
        output.WriteLine();
        output.WriteLine($"| run | 1 image (s) | × its forward | batch of {batch} (s) | per image in the batch (s) | batch per image / 1 image |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows) output.WriteLine($"| {string.Join(" | ", r)} |");
        output.WriteLine();
        output.WriteLine($"Targets: explanation ≤ 3× forward (one image); batch of {batch} cheaper per image than one at a time. Load average at the end {BenchmarkPeer.LoadAverage()}.");
        if (profile)
        {
            LrpProfile.Write(vgg, x1, lrp0, "Per-layer profile, LRP-0 everywhere, one image", output);
            LrpProfile.Write(vgg, x1, egb, "Per-layer profile, EpsilonGammaBox, one image", output);
        }
        return 0;
    }

    /// <summary>Gradient × input of the top logit by plain autograd (no hooks): LRP-0's value on a ReLU network, and the floor of its cost.</summary>
    static void GradientTimesInput(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var scope = NewDisposeScope();
        var xr = x.detach().clone().requires_grad_(true);
        Tensor y;
        using (enable_grad()) y = model.call(xr);
        var sel = zeros_like(y).scatter_(1, y.argmax(1, keepdim: true), ones_like(y));
        var g = autograd.grad(new List<Tensor> { y }, new List<Tensor> { xr }, new List<Tensor> { sel })[0];
        using var _ = g * xr;
    }

    static string[] Row(string what, double one, double b, int batch, double forward) =>
        [what, F(one), F(one / forward, "F2"), F(b), F(b / batch), F(b / batch / one, "F2")];

    static string F(double v, string fmt = "F3") => double.IsNaN(v) ? "—" : v.ToString(fmt, CultureInfo.InvariantCulture);

    static double Time(Action run, int reps, bool warmUp = true)
    {
        if (warmUp) run();
        var times = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
