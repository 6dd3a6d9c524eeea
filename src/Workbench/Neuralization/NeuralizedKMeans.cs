using TorchSharp;
using Workbench.Numerics;
using Workbench.Propagation;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// k-means rewritten as a two-layer network (NEON Prop. 1): h_k = w_kᵀx + b_k with w_k = 2(μ_c − μ_k),
/// b_k = ‖μ_k‖² − ‖μ_c‖² (layer 1), f_c = min_{k≠c} h_k (layer 2); x is in cluster c iff f_c(x) &gt; 0.
/// Explanations: min-take-most Eq. (2) in layer 2, the midpoint rule Eq. (4) in layer 1; Σ_i R_i = f_c.
/// Also soft k-means (relative) with <see cref="Scale"/> = τ (App. E-A). Every method works on a whole batch at once.
/// </summary>
public sealed class NeuralizedKMeans : INeuralizedClustering
{
    /// <param name="centroids">μ, [K,d], K ≥ 2, distinct rows</param>
    /// <param name="scale">multiplies layer 1 (τ for soft k-means, 1 for k-means)</param>
    public NeuralizedKMeans(Tensor centroids, double scale = 1.0)
    {
        Clustering.Distances.CheckData(centroids, "centroids");
        if (centroids.shape[0] < 2) throw new ArgumentException($"a neuralized k-means needs K ≥ 2 centroids; got {centroids.shape[0]}.");
        if (!(scale > 0)) throw new ArgumentException($"scale must be positive; got {scale}.");
        Centroids = centroids; Scale = scale;
    }

    /// <summary>The centroids μ, [K,d].</summary>
    public Tensor Centroids { get; }
    /// <summary>The factor applied to layer 1: 1 for k-means, τ for relative soft k-means (App. E-A).</summary>
    public double Scale { get; }
    /// <inheritdoc/>
    public int K => (int)Centroids.shape[0];
    /// <summary>Number of input features d.</summary>
    public long Dimensions => Centroids.shape[1];

    /// <summary>Layer 1 for cluster <paramref name="c"/>, explicitly: Weight [K,d] (row c zero), Bias [K], Competitors [K].</summary>
    public DetectionLayer Layer1(int c)
    {
        var mu = Centroids;
        var w = 2 * Scale * (mu[c].unsqueeze(0) - mu);
        var nn = mu.pow(2).sum(1);
        var b = Scale * (nn - nn[c]);
        var comp = arange(K, device: mu.device).ne(c);
        return new DetectionLayer(w, b, comp);
    }

    /// <summary>Nearest centroid of each row (Eq. 1).</summary>
    public Tensor Predict(Tensor x) { using var s = NewDisposeScope(); return Clustering.Distances.Squared(Prepare(x), Centroids).argmin(1).MoveToOuterDisposeScope(); }

    /// <summary>Layer 1 for a batch: h_nk = w_kᵀx_n + b_k for the cluster c_n of each point, [N,K] (column c_n is 0).</summary>
    public Tensor Layer1Forward(Tensor x, Tensor clusters)
    {
        using var scope = NewDisposeScope();
        x = Prepare(x);
        var xm = x.matmul(Centroids.T);                       // [N,K]
        var nn = Centroids.pow(2).sum(1).unsqueeze(0);        // [1,K]
        var own = (2 * xm - nn).gather(1, clusters.unsqueeze(1));
        var h = Scale * (own - (2 * xm - nn));                // 2x·μ_c − ‖μ_c‖² − 2x·μ_k + ‖μ_k‖²
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>Forward pass for <paramref name="clusters"/> (default: each point's assigned cluster).</summary>
    public NeonForward Forward(Tensor x, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        x = Prepare(x);
        var c = NeonShared.Resolve(clusters, x.shape[0], () => Predict(x), x.device, K);
        return NeonShared.PairForward(c, Layer1Forward(x, c), K, lmePool: false);
    }

    /// <summary>f_c(x) for each row and its cluster.</summary>
    public Tensor F(Tensor x, Tensor? clusters = null) { using var fw = Forward(x, clusters); return fw.F.clone(); }

    /// <summary>NEON: Eq. (2) with stiffness <paramref name="beta"/> (0 uniform, +∞ min-take-all, null the heuristic of Eq. 3), then Eq. (4).</summary>
    public NeonExplanation Explain(Tensor x, double? beta = null, Tensor? clusters = null) => Explain(x, NeonComposite.Default(beta), clusters);

    /// <summary>NEON with the rules of <paramref name="composite"/>: its top pool rule in layer 2, its first-layer rule in layer 1.</summary>
    public NeonExplanation Explain(Tensor x, NeonComposite composite, Tensor? clusters = null) =>
        NeonShared.ExplainPairs(this, x, composite, clusters, Prepare, Forward, Centroids, Scale, 0.0, lmePool: false);

    Tensor Prepare(Tensor x)
    {
        NeonShared.CheckPoints(x, Dimensions, "model");
        return x.to(Centroids.device).to_type(Centroids.dtype);
    }
}
