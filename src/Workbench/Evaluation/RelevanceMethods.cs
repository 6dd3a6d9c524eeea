using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// NEON and the seven baselines of NEON Table I (§VII), each as a <see cref="RelevanceMethod"/> for one model. All are
/// batched over points; gradients come from autograd on the model's f_c.
/// </summary>
public static class RelevanceMethods
{
    /// <summary>Column names in Table I order.</summary>
    public static readonly string[] All = { "random", "x2", "pda0", "pdacs", "grad2", "ig10", "nca", "neon" };

    /// <summary>random: uniform scores, redrawn per call (per point and repeat).</summary>
    public static RelevanceMethod Random() => new("random", (x, c, g) =>
        rand(x.shape, dtype: ScalarType.Float64, device: x.device, generator: g), Stochastic: true);

    /// <summary>x²: x_i² (the data are standardised, App. H).</summary>
    public static RelevanceMethod Squared() => new("x2", (x, c, g) => x.to_type(ScalarType.Float64).pow(2));

    /// <summary>PDA₀: f_c(x) − f_c(x with x_i ← 0).</summary>
    public static RelevanceMethod PdaZero(ExplainedModel model) => new("pda0", (x, c, g) =>
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], d = x.shape[1];
        x = x.to_type(ScalarType.Float64);
        var keep = eye(d, dtype: ScalarType.Float64, device: x.device).neg_().add_(1);       // [d,d], row i zeroes feature i
        var xs = (x.unsqueeze(0) * keep.unsqueeze(1)).reshape(d * b, d);                     // [d·B,d]
        var fi = model.F(xs, c.repeat(d)).reshape(d, b).T;                                  // [B,d]
        return (model.F(x, c).unsqueeze(1) - fi).MoveToOuterDisposeScope();
    });

    /// <summary>
    /// PDA_cs: f_c(x) − mean over <paramref name="samples"/> draws of f_c(x with x_i ~ p_KDE(x_i | x_−i)) (App. G, Eqs. 43–44
    /// with 𝓕 = {i}).
    /// </summary>
    public static RelevanceMethod PdaConditional(ExplainedModel model, KdeImputer kde, int samples = 10) => new("pdacs", (x, c, g) =>
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], d = x.shape[1];
        x = x.to(kde.Device).to_type(ScalarType.Float64);
        var full = (x.unsqueeze(1) - kde.Data.unsqueeze(0)).pow_(2);                      // [B,N,d]
        var total = full.sum(new long[] { 2 });                                                           // [B,N]
        var f0 = model.F(x, c);
        var r = zeros(b, d, dtype: ScalarType.Float64, device: x.device);
        var cs = c.repeat(samples);
        for (long i = 0; i < d; i++)
        {
            var alpha = kde.Weights(total - full[.., .., i]);                              // given: all but i
            var sumF = zeros(b, dtype: ScalarType.Float64, device: x.device);
            var idx = KdeImputer.SampleIndices(alpha.repeat(samples, 1), g);              // [S·B]
            var xi = kde.Data[.., i].index_select(0, idx)
                     + kde.Sigma * randn(new long[] { samples * b }, dtype: ScalarType.Float64, device: x.device, generator: g);
            var xs = x.repeat(samples, 1);
            xs[.., i] = xi;
            var fs = model.F(xs, cs).reshape(samples, b).mean(new long[] { 0 });
            r[.., i] = f0 - fs;
        }
        return r.MoveToOuterDisposeScope();
    }, Stochastic: true);

    /// <summary>(∇f_c)²: squared partial derivatives of f_c by autograd.</summary>
    public static RelevanceMethod GradientSquared(ExplainedModel model) => new("grad2", (x, c, g) =>
        Gradient(model, x, c).pow(2));

    /// <summary>IG-10: x_i·(1/10)·Σ_{s=1..10} ∂_i f_c(s·x/10) (integrated gradients from the origin, fixed cluster c).</summary>
    public static RelevanceMethod IntegratedGradients(ExplainedModel model, int steps = 10) => new($"ig{steps}", (x, c, g) =>
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], d = x.shape[1];
        x = x.to_type(ScalarType.Float64);
        var s = arange(1, steps + 1, dtype: ScalarType.Float64, device: x.device).div_(steps).reshape(steps, 1, 1);
        var xs = (s * x.unsqueeze(0)).reshape(steps * b, d);
        var grad = Gradient(model, xs, c.repeat(steps)).reshape(steps, b, d).mean(new long[] { 0 });
        return (x * grad).MoveToOuterDisposeScope();
    });

    /// <summary>NCA: (x_i − μ_{k,i})² − (x_i − μ_{c,i})², k the nearest competitor of c (k-means only).</summary>
    public static RelevanceMethod Nca(ExplainedModel model) => new("nca", (x, c, g) =>
    {
        var mu = model.Centroids ?? throw new InvalidOperationException($"NCA needs k-means centroids; the model '{model.Name}' has none.");
        using var scope = NewDisposeScope();
        x = x.to(mu.device).to_type(mu.dtype);
        var dist = Clustering.Distances.Squared(x, mu);                                     // [B,K]
        var comp = arange(mu.shape[0], device: mu.device).unsqueeze(0).ne(c.unsqueeze(1));
        var k = dist.masked_fill(comp.logical_not(), double.PositiveInfinity).argmin(1);  // nearest competitor
        var muK = mu.index_select(0, k); var muC = mu.index_select(0, c);
        return ((x - muK).pow(2) - (x - muC).pow(2)).MoveToOuterDisposeScope();
    });

    /// <summary>NEON: Eqs. (2)–(4) with stiffness β (Table I: β = 1/𝔼[f_c]).</summary>
    public static RelevanceMethod Neon(ExplainedModel model, double beta) => new("neon", (x, c, g) => model.Neon(x, beta, c));

    /// <summary>
    /// The methods named in <paramref name="names"/> (default <see cref="All"/>; NCA skipped for models without centroids)
    /// for <paramref name="model"/>, with NEON at <paramref name="beta"/> and PDA_cs using <paramref name="kde"/>.
    /// </summary>
    public static IReadOnlyList<RelevanceMethod> Create(ExplainedModel model, KdeImputer kde, double beta, IEnumerable<string>? names = null)
    {
        var list = new List<RelevanceMethod>();
        foreach (var raw in names ?? All)
        {
            var name = raw.Trim().ToLowerInvariant();
            if (name == "nca" && model.Centroids is null && names is null) continue;
            list.Add(name switch
            {
                "random" => Random(),
                "x2" => Squared(),
                "pda0" => PdaZero(model),
                "pdacs" => PdaConditional(model, kde),
                "grad2" => GradientSquared(model),
                "ig10" => IntegratedGradients(model),
                "nca" => Nca(model),
                "neon" => Neon(model, beta),
                _ => throw new ArgumentException($"unknown method '{raw}'; use any of {string.Join(",", All)}.")
            });
        }
        return list;
    }

    /// <summary>∂f_c/∂x for each row (rows are independent, so the gradient of Σ_n f_{c_n}(x_n)), [B,d].</summary>
    public static Tensor Gradient(ExplainedModel model, Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        using var enable = enable_grad();
        var xg = x.to_type(ScalarType.Float64).detach().clone().requires_grad_(true);
        var f = model.F(xg, c);
        var grad = autograd.grad(new[] { f.sum() }, new[] { xg })[0];
        return grad.detach().MoveToOuterDisposeScope();
    }
}
