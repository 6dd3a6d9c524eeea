using Workbench.Propagation;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// The forward pass of a neuralized clustering for a batch: the cluster c each point is explained for, the
/// top-layer inputs h_k [N,K] (column c unused, see <see cref="Competitors"/>) and the output f_c [N].
/// </summary>
public sealed record NeonForward(Tensor Clusters, Tensor H, Tensor Competitors, Tensor F) : IDisposable
{
    /// <summary>Disposes the four tensors.</summary>
    public void Dispose() { Clusters.Dispose(); H.Dispose(); Competitors.Dispose(); F.Dispose(); }
}

/// <summary>
/// An explanation for a batch: for each point the cluster c, f_c(x), the relevance of each competitor neuron h_k
/// (<see cref="NeuronRelevance"/>, [N,K]) and of each input feature (<see cref="Relevance"/>, [N,d], or the input's shape
/// for a deep model, e.g. [N,C,H,W]).
/// </summary>
public sealed record NeonExplanation(Tensor Clusters, Tensor F, Tensor NeuronRelevance, Tensor Relevance) : IDisposable
{
    /// <summary>Disposes the four tensors.</summary>
    public void Dispose() { Clusters.Dispose(); F.Dispose(); NeuronRelevance.Dispose(); Relevance.Dispose(); }
}

/// <summary>Weights and biases of a detection layer for one cluster c: h_k = w_kᵀx + b_k, rows k ≠ c are the competitors.</summary>
public sealed record DetectionLayer(Tensor Weight, Tensor Bias, Tensor Competitors);

static class NeonShared
{
    /// <summary>Clusters to explain: given [N] (or one int for all), or by default the model's own assignment.</summary>
    public static Tensor Resolve(Tensor? clusters, long n, Func<Tensor> assign, Device device, long k)
    {
        if (clusters is null) return assign();
        var c = clusters.to(device).to_type(ScalarType.Int64).clone();
        if (c.dim() == 0) c = c.expand(n).clone();
        if (c.dim() != 1 || c.shape[0] != n)
            throw new ArgumentException($"clusters must be one index per point, shape [{n}]; got [{string.Join(", ", clusters.shape)}].");
        if (n > 0)
        {
            long mn = c.min().item<long>(), mx = c.max().item<long>();
            if (mn < 0 || mx >= k) throw new ArgumentException($"cluster indices must lie in 0…{k - 1}; found {mn}…{mx}.");
        }
        return c;
    }

    /// <summary>[N,K] mask, true for k ≠ c_n.</summary>
    public static Tensor Competitors(Tensor clusters, long k) =>
        arange(k, device: clusters.device).unsqueeze(0).ne(clusters.unsqueeze(1));

    /// <summary>
    /// Signed prototype coefficients for <see cref="Propagation.MidpointRule"/> when every neuron k compares the own prototype c
    /// with prototype k: C[n,c] = Σ_k q_nk, C[n,k] = −q_nk.
    /// </summary>
    public static Tensor PairCoefficients(Tensor q, Tensor clusters)
    {
        var c = -q;
        return c.scatter_add(1, clusters.unsqueeze(1), q.sum(1, keepdim: true));
    }

    /// <summary>β as given, or the heuristic of Eq. (3) over f of the rows of <paramref name="x"/> for their own clusters.</summary>
    public static double Beta(double? beta, INeuralizedClustering model, Tensor x)
    {
        if (beta is { } b) return b;
        using var f = model.F(x);
        return Propagation.Stiffness.Heuristic(f);
    }

    /// <summary>The composite's top pool rule with β resolved: a min-take-most rule with β = null gets the heuristic of Eq. (3).</summary>
    public static IPoolRule TopRule(NeonComposite composite, INeuralizedClustering model, Tensor x) =>
        composite.Competitors is MinTakeMostRule { Beta: null } m ? m.Resolve(Beta(null, model, x)) : composite.Competitors;

    /// <summary>
    /// The pool of a network whose layer 1 compares each point's own centroid c with every centroid k (k-means Prop. 1,
    /// soft k-means App. E): f_c = min_{k≠c} h_k, or LME^{−1}_{k≠c} h_k for the absolute soft model (Eq. 28). Call inside
    /// the caller's dispose scope; the tensors are moved out of it.
    /// </summary>
    public static NeonForward PairForward(Tensor clusters, Tensor h, long k, bool lmePool)
    {
        var comp = Competitors(clusters, k);
        var f = lmePool
            ? Numerics.Lme.Pool(h, -1.0, 1, comp)                                                    // LME^{-1}_{k≠c}
            : h.masked_fill(comp.logical_not(), double.PositiveInfinity).amin(new long[] { 1 });    // min_{k≠c}
        return new NeonForward(clusters.MoveToOuterDisposeScope(), h.MoveToOuterDisposeScope(), comp.MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// NEON through such a network with the rules of <paramref name="composite"/>: its top pool rule (Eq. 2), §IV's
    /// dissipation for the LME pool, then its first-layer rule over the centroid pairs, scaled by <paramref name="scale"/>
    /// (the factor in w_k = 2·scale·(μ_c − μ_k)); <paramref name="offset"/> is the constant added to every h_k.
    /// </summary>
    public static NeonExplanation ExplainPairs(INeuralizedClustering model, Tensor x, NeonComposite composite, Tensor? clusters,
        Func<Tensor, Tensor> prepare, Func<Tensor, Tensor?, NeonForward> forward, Tensor centroids, double scale, double offset, bool lmePool)
    {
        ArgumentNullException.ThrowIfNull(composite);
        using var scope = NewDisposeScope();
        x = prepare(x);
        using var fw = forward(x, clusters);
        var rk = TopRule(composite, model, x).Weights(fw.H, fw.Competitors) * fw.F.unsqueeze(-1);      // Eq. (2)
        if (lmePool && composite.Dissipate) rk = Dissipation.Apply(rk, fw.H, fw.F);                     // R_k ← R_k·h_k/f_c (§IV)
        var q = MidpointRule.SafeRatio(rk, composite.Detection.Denominator(fw.H, offset)).masked_fill(fw.Competitors.logical_not(), 0);
        var r = scale * composite.Detection.Propagate(x, centroids, PairCoefficients(q, fw.Clusters));   // Eq. (4)
        return new NeonExplanation(fw.Clusters.clone().MoveToOuterDisposeScope(), fw.F.clone().MoveToOuterDisposeScope(),
            rk.MoveToOuterDisposeScope(), r.MoveToOuterDisposeScope());
    }

    public static void CheckPoints(Tensor x, long d, string what)
    {
        Clustering.Distances.CheckData(x);
        if (x.shape[1] != d)
            throw new ArgumentException($"x has {x.shape[1]} features but the {what} has {d}; give points with the same features the model was built on.");
    }
}
