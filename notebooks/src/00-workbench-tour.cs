#%% md
# 00 · A tour of the workbench

This notebook reproduces no figure of a paper; it shows the tools every other notebook uses. The workbench
reproduces five papers on clustering explanations (NEON, ReLU, Grad-CeAM, NeurCAM, IDC; see `README.md`), all on
TorchSharp tensors, so the same notebooks run on a CUDA GPU and on a CPU.

Every notebook runs in a *profile*: `quick` (tests and CI, about a minute) or `full` (paper scale).
`workbench run --profile full notebooks/` runs them all at paper scale.
#%% code
// Versions, device and threads
var info = new Dictionary<string, string>
{
    [".NET"] = Environment.Version.ToString(),
    ["TorchSharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(),
    ["OS"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
    ["device"] = Devices.Default.ToString(),
    ["CUDA"] = Devices.CudaAvailable ? $"{torch.cuda.device_count()} device(s)" : "not available",
    ["libtorch threads"] = torch.get_num_threads().ToString(),
    ["profile"] = Profile.Current.ToString(),
};
info
#%% md
## Tensors on the default device

Every numerical method takes an optional `device` argument and otherwise uses `Devices.Default`
(CUDA when available, CPU otherwise; `WORKBENCH_DEVICE=cpu` or `Devices.Use("cpu")` overrides).
#%% code
var gen = Seeds.Generator(0);
var x = torch.randn(new long[] { 1000, 3 }, dtype: torch.float64, generator: gen).to(Devices.Default);
var cov = x.T.matmul(x) / 999.0;
cov
#%% md
## A chart

`Workbench.Plotting.Plots` holds the charts the notebooks share: points coloured by cluster, a function over a 2-D
domain, relevance bars, image heatmaps. Charts render offline (plotly.js is embedded) and `Plots.SavePng`
renders them to PNG with headless Chromium so a figure can be looked at outside the notebook.
#%% code
// Three Gaussian blobs and the function f(x) = ||x - m_1||^2 - ||x - m_0||^2 between two of their means
var means = torch.tensor(new double[,] { { -2, 0 }, { 2, 0 }, { 0, 3 } });
var pts = torch.cat(Enumerable.Range(0, 3).Select(k => means[k] + 0.7 * torch.randn(new long[] { 60, 2 }, dtype: torch.float64, generator: gen)).ToArray());
var lab = torch.arange(3).repeat_interleave(60);
var fn = Plots.Function2D(g => (g - means[1]).pow(2).sum(1) - (g - means[0]).pow(2).sum(1), (-5, 5), (-3, 6), title: "f(x) = ‖x − m₁‖² − ‖x − m₀‖²");
var chart = Plots.Combine(fn, Plots.Clusters(pts, lab), Plots.Marks(means, "means"));
chart
#%% code
Plots.SavePng(chart, Artifacts.Path("figures", "00-tour-function.png"))
#%% md
## Live output

`display(x)` shows a value before the cell ends and returns a handle whose `Update` replaces it; progress bars
(`Progress.Start`) use it in Jupyter and print text lines in `workbench run`.
#%% code
var handle = display("starting…");
using (var bar = Progress.Start("demo loop", 5))
    for (int i = 1; i <= 5; i++) { bar.Report(i, $"step {i}"); }
handle.Update("finished");
#%% md
## Paper numbers beside ours

The tour reproduces no number of a paper. The table of what each notebook reproduces, and how close it gets,
is at the end of each notebook.
