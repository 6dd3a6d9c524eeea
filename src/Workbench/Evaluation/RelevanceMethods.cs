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

    /// <summary>Further methods by name: PDA₀ and PDA_cs on the network output f_c instead of the decision function g_c
    /// (<see cref="PdaTarget.Surrogate"/>; issue 11's first reading, kept for comparison).</summary>
    public static readonly string[] Extra = { "pda0f", "pdacsf" };

    /// <summary>random: uniform scores, redrawn per call (per point and repeat).</summary>
    public static RelevanceMethod Random() => new("random", (x, c, g) =>
        rand(x.shape, dtype: ScalarType.Float64, device: x.device, generator: g), Stochastic: true);

    /// <summary>x²: x_i² (the data are standardised, App. H).</summary>
    public static RelevanceMethod Squared() => new("x2", (x, c, g) => x.to_type(ScalarType.Float64).pow(2));

    /// <summary>
    /// PDA₀: t_c(x) − t_c(x with x_i ← 0), with t_c the decision function g_c = 1[x → c] (<see cref="PdaTarget.Decision"/>,
    /// NEON §VII: "the effect on the decision function of removing the corresponding feature"; Table II: PDA needs only
    /// the decision function) or the network output f_c (<see cref="PdaTarget.Surrogate"/>, named "pda0f").
    /// </summary>
    public static RelevanceMethod PdaZero(ExplainedModel model, PdaTarget target = PdaTarget.Decision) => new(PdaName("pda0", target), (x, c, g) =>
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], d = x.shape[1];
        x = x.to_type(ScalarType.Float64);
        var t = Target(model, target);
        var keep = eye(d, dtype: ScalarType.Float64, device: x.device).neg_().add_(1);       // [d,d], row i zeroes feature i
        var xs = (x.unsqueeze(0) * keep.unsqueeze(1)).reshape(d * b, d);                     // [d·B,d]
        var fi = t(xs, c.repeat(d)).reshape(d, b).T;                                        // [B,d]
        return (t(x, c).unsqueeze(1) - fi).MoveToOuterDisposeScope();
    });

    /// <summary>
    /// PDA_cs: t_c(x) − mean over <paramref name="samples"/> draws of t_c(x with x_i ~ p_KDE(x_i | x_−i)) (App. G, Eqs. 43–44
    /// with 𝓕 = {i}), t_c = f_c or g_c as in <see cref="PdaZero"/>. Points are processed in chunks of at most
    /// <paramref name="chunkElements"/>/(N·d) rows, so memory is O(chunk·N·d) whatever the batch; the draws are made for the
    /// whole batch first, so the result does not depend on the chunk size.
    /// </summary>
    public static RelevanceMethod PdaConditional(ExplainedModel model, KdeImputer kde, int samples = 10, PdaTarget target = PdaTarget.Decision,
        long chunkElements = 1L << 20) => new(PdaName("pdacs", target), (x, c, g) =>
    {
        if (samples < 1) throw new ArgumentException($"PDA_cs needs at least 1 sample; got {samples}.");
        using var scope = NewDisposeScope();
        long b = x.shape[0], d = x.shape[1], n = kde.Count;
        x = x.to(kde.Device).to_type(ScalarType.Float64);
        c = c.to(kde.Device);
        var t = Target(model, target);
        // per feature: S·B uniforms (component n ~ Cat(α)) then S·B normals (x_i = [x_n]_i + σε), row s·B + b
        var uniforms = new Tensor[d]; var normals = new Tensor[d];
        for (long i = 0; i < d; i++)
        {
            uniforms[i] = rand(new long[] { samples * b, 1 }, dtype: ScalarType.Float64, device: x.device, generator: g).reshape(samples, b);
            normals[i] = randn(new long[] { samples * b }, dtype: ScalarType.Float64, device: x.device, generator: g).reshape(samples, b);
        }
        var r = zeros(b, d, dtype: ScalarType.Float64, device: x.device);
        long chunk = Math.Clamp(chunkElements / Math.Max(1, n * d), 1, b);
        for (long s0 = 0; s0 < b; s0 += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long m = Math.Min(chunk, b - s0);
            var xc = x.narrow(0, s0, m); var cc = c.narrow(0, s0, m);
            var full = (xc.unsqueeze(1) - kde.Data.unsqueeze(0)).pow_(2);                   // [m,N,d]
            var total = full.sum(new long[] { 2 });                                          // ‖x − x_n‖², [m,N]
            var t0 = t(xc, cc);
            var cs = cc.repeat(samples);
            for (long i = 0; i < d; i++)
            {
                using var stepScope = NewDisposeScope();
                var alpha = kde.Weights(total - full[.., .., i]);                          // Eq. (44), given: all but i, [m,N]
                var idx = KdeImputer.SampleIndices(alpha, uniforms[i].narrow(1, s0, m).T);  // [m,S]
                var xi = kde.Data[.., i].index_select(0, idx.T.reshape(-1))
                         + kde.Sigma * normals[i].narrow(1, s0, m).reshape(-1);           // [S·m], sample-major
                var xs = xc.repeat(samples, 1);
                xs[.., i] = xi;
                var ts = t(xs, cs).reshape(samples, m).mean(new long[] { 0 });
                r[TensorIndex.Slice(s0, s0 + m), i] = t0 - ts;
            }
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
                "pda0f" => PdaZero(model, PdaTarget.Surrogate),
                "pdacsf" => PdaConditional(model, kde, target: PdaTarget.Surrogate),
                "grad2" => GradientSquared(model),
                "ig10" => IntegratedGradients(model),
                "nca" => Nca(model),
                "neon" => Neon(model, beta),
                _ => throw new ArgumentException($"unknown method '{raw}'; use any of {string.Join(",", All.Concat(Extra))}.")
            });
        }
        return list;
    }

    static string PdaName(string name, PdaTarget target) => target == PdaTarget.Surrogate ? name + "f" : name;

    /// <summary>t_c(x) of PDA: f_c(x), or g_c(x) = 1[the model assigns x to c] as float64.</summary>
    static Func<Tensor, Tensor, Tensor> Target(ExplainedModel model, PdaTarget target) => target switch
    {
        PdaTarget.Surrogate => (x, c) => model.F(x, c).to_type(ScalarType.Float64),
        PdaTarget.Decision => (x, c) => model.Predict(x).to(c.device).eq(c).to_type(ScalarType.Float64),
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

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
