using TorchSharp;
using Workbench.Numerics;
using Workbench.Propagation;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// Soft k-means p_k(x) = softmax_k(−τ‖x − μ_k‖²) neuralized (NEON App. E-A).
/// <para>Relative (θ = null, Eq. 24): h_k = w_kᵀx + b_k, w_k = 2τ(μ_c − μ_k), b_k = τ(‖μ_k‖² − ‖μ_c‖²), f_c = min_{k≠c} h_k
/// = log(p_c / max_{k≠c} p_k) (Lemma 3).</para>
/// <para>Absolute (θ given, Eq. 28): the same h_k plus −log(K−1) + log((1−θ)/θ), f_c = LME^{−1}_{k≠c} h_k
/// = log(p_c/(1−p_c)) + log((1−θ)/θ) (Lemma 4); p_c &gt; θ iff f_c &gt; 0.</para>
/// <para>Explanation: Eq. (2) in the pool, for the absolute model followed by R_k ← R_k·h_k/f_c (§IV), then Eq. (4)
/// with the midpoints m_k = (μ_c + μ_k)/2 (Σ_i (x_i − m_ik) w_ik = h_k − offset).</para>
/// </summary>
public sealed class NeuralizedSoftKMeans : INeuralizedClustering
{
    /// <param name="centroids">μ, [K,d], K ≥ 2</param>
    /// <param name="stiffness">τ &gt; 0 of the softmax (Eq. 31)</param>
    /// <param name="theta">θ in (0, 1) for the absolute decision p_c &gt; θ (Eq. 28); null for the relative one (Eq. 24)</param>
    public NeuralizedSoftKMeans(Tensor centroids, double stiffness, double? theta = null)
    {
        Clustering.Distances.CheckData(centroids, "centroids");
        if (centroids.shape[0] < 2) throw new ArgumentException($"a neuralized soft k-means needs K ≥ 2 centroids; got {centroids.shape[0]}.");
        if (!(stiffness > 0)) throw new ArgumentException($"stiffness τ must be positive; got {stiffness}.");
        if (theta is { } t && !(t > 0 && t < 1)) throw new ArgumentException($"θ must lie strictly between 0 and 1; got {t}.");
        Centroids = centroids; Stiffness = stiffness; Theta = theta;
        Offset = theta is { } th ? -Math.Log(K - 1) + Math.Log((1 - th) / th) : 0.0;
    }

    /// <summary>The centroids μ, [K,d].</summary>
    public Tensor Centroids { get; }
    /// <summary>τ (Eq. 31).</summary>
    public double Stiffness { get; }
    /// <summary>θ of the absolute decision p_c &gt; θ; null for the relative decision.</summary>
    public double? Theta { get; }
    /// <summary>The bias added to every h_k by the absolute model: −log(K−1) + log((1−θ)/θ).</summary>
    public double Offset { get; }
    /// <summary>Whether the model explains the absolute decision p_c &gt; θ (true) or the relative one (false).</summary>
    public bool IsAbsolute => Theta is not null;
    /// <inheritdoc/>
    public int K => (int)Centroids.shape[0];
    /// <summary>Number of input features d.</summary>
    public long Dimensions => Centroids.shape[1];

    /// <summary>Layer 1 for cluster c: Weight [K,d] = 2τ(μ_c − μ_k), Bias [K].</summary>
    public DetectionLayer Layer1(int c)
    {
        var l = new NeuralizedKMeans(Centroids, Stiffness).Layer1(c);
        return l with { Bias = l.Bias + Offset };
    }

    /// <summary>log p_k(x), [N,K].</summary>
    public Tensor LogProba(Tensor x)
    {
        using var s = NewDisposeScope();
        return (-Stiffness * Clustering.Distances.Squared(Prepare(x), Centroids)).log_softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Relative: argmax_k p_k. Absolute: argmax_k p_k as well (the cluster whose threshold test is explained).</summary>
    public Tensor Predict(Tensor x) { using var s = NewDisposeScope(); return LogProba(x).argmax(1).MoveToOuterDisposeScope(); }

    /// <summary>Forward pass for <paramref name="clusters"/> (default: argmax_k p_k): h_k [N,K] and f_c [N] (Eq. 24 or 28).</summary>
    public NeonForward Forward(Tensor x, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        x = Prepare(x);
        var c = NeonShared.Resolve(clusters, x.shape[0], () => Predict(x), x.device, K);
        return NeonShared.PairForward(c, new NeuralizedKMeans(Centroids, Stiffness).Layer1Forward(x, c) + Offset, K, lmePool: IsAbsolute);
    }

    /// <inheritdoc/>
    public Tensor F(Tensor x, Tensor? clusters = null) { using var fw = Forward(x, clusters); return fw.F.clone(); }

    /// <summary>NEON with stiffness <paramref name="beta"/> in the pool (for the absolute model the pool's own stiffness 1 is the natural choice, footnote 1).</summary>
    public NeonExplanation Explain(Tensor x, double? beta = null, Tensor? clusters = null) => Explain(x, NeonComposite.Default(beta), clusters);

    /// <summary>NEON with the rules of <paramref name="composite"/>: the top pool rule, §IV's dissipation for the absolute model, the first-layer rule.</summary>
    public NeonExplanation Explain(Tensor x, NeonComposite composite, Tensor? clusters = null) =>
        NeonShared.ExplainPairs(this, x, composite, clusters, Prepare, Forward, Centroids, Stiffness, Offset, lmePool: IsAbsolute);

    Tensor Prepare(Tensor x)
    {
        NeonShared.CheckPoints(x, Dimensions, "model");
        return x.to(Centroids.device).to_type(Centroids.dtype);
    }
}
