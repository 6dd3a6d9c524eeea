using TorchSharp;
using Workbench.Numerics;
using Workbench.Propagation;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// Deep soft clustering p_c(x) = softmax_c(μ_cᵀ a), a = Ψ(x) (NEON §IV, App. E-B), neuralized on top of the feature map Ψ
/// (used forward only; the identity when null).
/// <para>Relative (Prop. 6): h_k = (μ_c − μ_k)ᵀa, f_c = min_{k≠c} h_k = log(p_c / max_{k≠c} p_k).</para>
/// <para>Absolute (Prop. 7): h_k = (μ_c − μ_k)ᵀa + b, b = −log(K−1) + log((1−θ)/θ), f_c = LME^{−1}_{k≠c} h_k = log(p_c/(1−p_c)) + log((1−θ)/θ).</para>
/// <para>Relevance is given on the representation a: Eq. (2) in the pool (absolute: then R_k ← R_k·h_k/f_c), and in the
/// homogeneous linear layer R_i = Σ_k a_i w_ik / Σ_i a_i w_ik · R_k (Eq. 4 with the root 0, which the bias-free layer has).
/// Propagating further through Ψ needs the network's own LRP rules.</para>
/// </summary>
public sealed class NeuralizedDeepSoftClustering : INeuralizedClustering
{
    /// <param name="centroids">μ in the representation space, [K,D], K ≥ 2</param>
    /// <param name="featureMap">Ψ mapping inputs [N,…] to representations [N,D]; null for the identity</param>
    /// <param name="theta">θ in (0, 1) for the absolute decision p_c &gt; θ (Prop. 7); null for the relative one (Prop. 6)</param>
    public NeuralizedDeepSoftClustering(Tensor centroids, Func<Tensor, Tensor>? featureMap = null, double? theta = null)
    {
        Clustering.Distances.CheckData(centroids, "centroids");
        if (centroids.shape[0] < 2) throw new ArgumentException($"a neuralized soft clustering needs K ≥ 2 centroids; got {centroids.shape[0]}.");
        if (theta is { } t && !(t > 0 && t < 1)) throw new ArgumentException($"θ must lie strictly between 0 and 1; got {t}.");
        Centroids = centroids; FeatureMap = featureMap ?? (a => a); Theta = theta;
        Offset = theta is { } th ? -Math.Log(K - 1) + Math.Log((1 - th) / th) : 0.0;
    }

    /// <summary>μ_k in the representation space, [K,D].</summary>
    public Tensor Centroids { get; }
    /// <summary>Ψ = Ψ_L ∘ … ∘ Ψ_1 (layers 1…L).</summary>
    public Func<Tensor, Tensor> FeatureMap { get; }
    /// <summary>θ of the absolute decision p_c &gt; θ; null for the relative decision.</summary>
    public double? Theta { get; }
    /// <summary>The bias b added to every h_k by the absolute model: −log(K−1) + log((1−θ)/θ); 0 when relative.</summary>
    public double Offset { get; }
    /// <summary>Whether the model explains the absolute decision p_c &gt; θ (true) or the relative one (false).</summary>
    public bool IsAbsolute => Theta is not null;
    /// <inheritdoc/>
    public int K => (int)Centroids.shape[0];

    /// <summary>a = Ψ(x).</summary>
    public Tensor Represent(Tensor x)
    {
        var a = FeatureMap(x.to(Centroids.device));
        Clustering.Distances.CheckData(a, "Ψ(x)");
        if (a.shape[1] != Centroids.shape[1]) throw new ArgumentException($"Ψ(x) has {a.shape[1]} dimensions but the centroids have {Centroids.shape[1]}.");
        return a.to_type(Centroids.dtype);
    }

    /// <summary>Layer L+1 for cluster c: Weight [K,D] = μ_c − μ_k, Bias [K] (0 for the relative model).</summary>
    public DetectionLayer LayerLPlus1(int c) =>
        new(Centroids[c].unsqueeze(0) - Centroids, full(K, Offset, dtype: Centroids.dtype, device: Centroids.device),
            arange(K, device: Centroids.device).ne(c));

    /// <summary>log p_k(x), [N,K].</summary>
    public Tensor LogProba(Tensor x) { using var s = NewDisposeScope(); return Represent(x).matmul(Centroids.T).log_softmax(1).MoveToOuterDisposeScope(); }

    /// <summary>argmax_k p_k(x), [N] int64.</summary>
    public Tensor Predict(Tensor x) { using var s = NewDisposeScope(); return LogProba(x).argmax(1).MoveToOuterDisposeScope(); }

    /// <summary>Forward from the representation a = Ψ(x) (layers L+1, L+2).</summary>
    public NeonForward ForwardFromRepresentation(Tensor a, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        var logits = a.matmul(Centroids.T);
        var c = NeonShared.Resolve(clusters, a.shape[0], () => logits.argmax(1), a.device, K);
        var h = logits.gather(1, c.unsqueeze(1)) - logits + Offset;                 // (μ_c − μ_k)ᵀa + b
        var comp = NeonShared.Competitors(c, K);
        Tensor f = IsAbsolute
            ? Lme.Pool(h, -1.0, 1, comp)
            : h.masked_fill(comp.logical_not(), double.PositiveInfinity).amin(new long[] { 1 });
        return new NeonForward(c.MoveToOuterDisposeScope(), h.MoveToOuterDisposeScope(), comp.MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope());
    }

    /// <summary>Forward pass from the inputs: a = Ψ(x), then <see cref="ForwardFromRepresentation"/>.</summary>
    public NeonForward Forward(Tensor x, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        var fw = ForwardFromRepresentation(Represent(x), clusters);
        return new NeonForward(fw.Clusters.MoveToOuterDisposeScope(), fw.H.MoveToOuterDisposeScope(), fw.Competitors.MoveToOuterDisposeScope(), fw.F.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Tensor F(Tensor x, Tensor? clusters = null) { using var fw = Forward(x, clusters); return fw.F.clone(); }

    /// <summary>Relevance of each representation dimension a_i (= input feature when Ψ is the identity).</summary>
    public NeonExplanation Explain(Tensor x, double? beta = null, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        var a = Represent(x);
        using var fw = ForwardFromRepresentation(a, clusters);
        var rk = MinTakeMost.Redistribute(fw.H, fw.Competitors, fw.F, NeonShared.Beta(beta, this, x));
        if (IsAbsolute) rk = Dissipation.Apply(rk, fw.H, fw.F);
        var q = MidpointRule.SafeRatio(rk, fw.H - Offset).masked_fill(fw.Competitors.logical_not(), 0);
        var r = a * NeonShared.PairCoefficients(q, fw.Clusters).matmul(Centroids);  // Σ_k q_k a ⊙ (μ_c − μ_k)
        return new NeonExplanation(fw.Clusters.clone().MoveToOuterDisposeScope(), fw.F.clone().MoveToOuterDisposeScope(),
            rk.MoveToOuterDisposeScope(), r.MoveToOuterDisposeScope());
    }
}
