using TorchSharp;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// NEON and the baselines of the Table I deep rows (§VII) for a <see cref="DeepUnitModel"/>, scoring the C feature maps of
/// activations a [B,C,h,w] as [B,C] float64. Element-wise scores are summed over each map, as NEON's relevance is:
/// x² → Σ a², (∇f_c)² → Σ (∂f_c/∂a)², IG-10 → Σ a·(1/10)Σ_s ∂f_c(s·a/10)/∂a; PDA₀ removes a whole map (sets it to zero, the
/// paper's removal for deep models): f_c(a) − f_c(a with map i ← 0). PDA_cs and NCA are "—" for deep models in the paper.
/// </summary>
public static class ChannelRelevanceMethods
{
    /// <summary>Column names of the deep rows, in Table I order.</summary>
    public static readonly string[] All = { "random", "x2", "pda0", "grad2", "ig10", "neon" };

    /// <summary>random: uniform scores, redrawn per call.</summary>
    public static RelevanceMethod Random() => new("random", (a, c, g) =>
        rand(new[] { a.shape[0], a.shape[1] }, dtype: ScalarType.Float64, device: a.device, generator: g), Stochastic: true);

    /// <summary>x²: Σ over the map of a².</summary>
    public static RelevanceMethod Squared() => new("x2", (a, c, g) => PerMap(a.to_type(ScalarType.Float64).pow(2)));

    /// <summary>PDA₀: f_c(a) − f_c(a with map i set to 0), all C removals of a batch in chunks of <paramref name="maxBatch"/> rows.</summary>
    public static RelevanceMethod PdaZero(DeepUnitModel model, int maxBatch = 2048) => new("pda0", (a, c, g) =>
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long b = a.shape[0], ch = a.shape[1], total = b * ch;
        long rowsPerPass = Math.Max(1, Math.Min(maxBatch, ChannelFlipping.MaxValuesPerPass / Math.Max(1, a[0].numel())));
        var f0 = model.F(a, c).to_type(ScalarType.Float64);
        var fi = new List<Tensor>();
        var unit = Enumerable.Repeat(1L, (int)a.dim() - 2).ToArray();
        for (long s = 0; s < total; s += rowsPerPass)
        {
            long e = Math.Min(total, s + rowsPerPass);
            var rows = arange(s, e, dtype: ScalarType.Int64, device: a.device);
            var removed = rows.div(b, rounding_mode: RoundingMode.floor); var point = rows.remainder(b);   // map-major
            var keep = nn.functional.one_hot(removed, ch).eq(0).to_type(a.dtype).reshape([e - s, ch, .. unit]);
            fi.Add(model.F(a.index_select(0, point) * keep, c.index_select(0, point)).to_type(ScalarType.Float64));
        }
        var without = cat(fi, 0).reshape(ch, b).T;
        return (f0.unsqueeze(1) - without).MoveToOuterDisposeScope();
    });

    /// <summary>(∇f_c)²: Σ over the map of (∂f_c/∂a)².</summary>
    public static RelevanceMethod GradientSquared(DeepUnitModel model) => new("grad2", (a, c, g) => PerMap(Gradient(model, a, c).to_type(ScalarType.Float64).pow(2)));

    /// <summary>IG-10: Σ over the map of a·(1/10)·Σ_{s=1..10} ∂f_c(s·a/10)/∂a (integrated gradients from the zero activation).</summary>
    public static RelevanceMethod IntegratedGradients(DeepUnitModel model, int steps = 10) => new($"ig{steps}", (a, c, g) =>
    {
        using var scope = NewDisposeScope();
        var s = arange(1, steps + 1, dtype: a.dtype, device: a.device).div_(steps).reshape([steps, 1, .. Enumerable.Repeat(1L, (int)a.dim())]);
        var xs = (s * a.unsqueeze(0)).reshape([steps * a.shape[0], .. a.shape.Skip(1)]);
        var grad = Gradient(model, xs, c.repeat(steps)).reshape([steps, .. a.shape]).mean(new long[] { 0 });
        return PerMap((a * grad).to_type(ScalarType.Float64)).MoveToOuterDisposeScope();
    });

    /// <summary>NEON: min-take-most (β) and midpoint in the head, LRP-γ (<paramref name="gamma"/>) on every layer of Ψ_upper.</summary>
    public static RelevanceMethod Neon(DeepUnitModel model, double beta, double gamma = 0.1, string? name = null) =>
        Neon(model, beta, Composites.Uniform(new Gamma(gamma)), name ?? "neon");

    /// <summary>NEON with any composite for Ψ_upper (e.g. <see cref="Composites.NeonVgg"/> for VGG blocks).</summary>
    public static RelevanceMethod Neon(DeepUnitModel model, double beta, Composite features, string name = "neon") =>
        new(name, (a, c, g) => model.Neon(a, beta, c, features));

    /// <summary>The methods named in <paramref name="names"/> (default <see cref="All"/>), NEON at β and γ.</summary>
    public static IReadOnlyList<RelevanceMethod> Create(DeepUnitModel model, double beta, double gamma = 0.1, IEnumerable<string>? names = null) =>
        (names ?? All).Select(raw => raw.Trim().ToLowerInvariant() switch
        {
            "random" => Random(),
            "x2" => Squared(),
            "pda0" => PdaZero(model),
            "grad2" => GradientSquared(model),
            "ig10" => IntegratedGradients(model),
            "neon" => Neon(model, beta, gamma),
            _ => throw new ArgumentException($"unknown deep method '{raw}'; use any of {string.Join(",", All)} (PDA_cs and NCA are not defined for deep models, as in the paper)."),
        }).ToList();

    /// <summary>∂f_c/∂a for each row (rows are independent), a's shape and dtype.</summary>
    public static Tensor Gradient(DeepUnitModel model, Tensor a, Tensor c)
    {
        using var scope = NewDisposeScope();
        using var enable = enable_grad();
        var ag = a.detach().clone().requires_grad_(true);
        var f = model.F(ag, c);
        return autograd.grad(new[] { f.sum() }, new[] { ag })[0].detach().MoveToOuterDisposeScope();
    }

    static Tensor PerMap(Tensor t) => t.flatten(2).sum(new long[] { 2 });
}
