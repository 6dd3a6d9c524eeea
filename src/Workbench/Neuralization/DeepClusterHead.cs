using TorchSharp;
using TorchSharp.Modules;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// The neuralized head of a deep clustering as TorchSharp modules, output f [N,K] = f_c(a) for every cluster c at once
/// (as zennit's KMeansCanonizer): <c>flatten</c> a = Ψ(x) to [N,D], <c>detect</c> (a Linear D → K·K) h_ck = w_ckᵀa + b_ck,
/// <c>pool</c> f_c = min_{k≠c} h_ck.
/// <para>k-means (NEON Prop. 1 on Ψ(x)): w_ck = 2(μ_c − μ_k), b_ck = ‖μ_k‖² − ‖μ_c‖². Deep soft clustering, relative
/// (Prop. 6): w_ck = μ_c − μ_k, no bias. Absolute (Prop. 7, threshold θ): w_ck = μ_c − μ_k, b = −log(K−1) + log((1−θ)/θ),
/// and the pool is LME^{−1}_{k≠c} (Eq. 7) instead of the min. Row c·K + c is never pooled.</para>
/// </summary>
public sealed class DeepClusterHead : nn.Module<Tensor, Tensor>
{
    /// <summary>The head for centroids <paramref name="centroids"/> [K,D] in the representation space.</summary>
    /// <param name="centroids">μ, [K,D], K ≥ 2</param>
    /// <param name="soft">false: k-means (Prop. 1); true: soft clustering with logits μ_kᵀa (Prop. 6, relative)</param>
    /// <param name="theta">soft clustering only: explain p_c &gt; θ (Prop. 7, absolute) instead of p_c &gt; max_k p_k</param>
    public DeepClusterHead(Tensor centroids, bool soft = false, double? theta = null) : base(nameof(DeepClusterHead))
    {
        Clustering.Distances.CheckData(centroids, "centroids");
        long k = centroids.shape[0], d = centroids.shape[1];
        if (k < 2) throw new ArgumentException($"a neuralized clustering needs K ≥ 2 centroids; got {k}.");
        if (theta is not null && !soft) throw new ArgumentException("θ (the absolute question, Prop. 7) applies to the soft head only; pass soft: true.");
        if (theta is { } t && !(t > 0 && t < 1)) throw new ArgumentException($"θ must lie strictly between 0 and 1; got {t}.");
        IsSoft = soft; K = k; Theta = theta;
        Offset = theta is { } th ? -Math.Log(k - 1) + Math.Log((1 - th) / th) : 0.0;     // Prop. 7
        var mu = centroids.detach();
        var diff = (mu.unsqueeze(1) - mu.unsqueeze(0)).reshape(k * k, d);           // row c·K+k: μ_c − μ_k
        var nn2 = mu.pow(2).sum(1);
        flatten = nn.Flatten();
        detect = nn.Linear(d, k * k, hasBias: !soft || theta is not null, dtype: mu.dtype, device: mu.device);
        using (no_grad())
        {
            detect.weight.copy_(soft ? diff : 2 * diff);
            if (!soft) detect.bias!.copy_((nn2.unsqueeze(0) - nn2.unsqueeze(1)).reshape(k * k));   // ‖μ_k‖² − ‖μ_c‖²
            else if (theta is not null) detect.bias!.fill_(Offset);
        }
        detect.weight.requires_grad_(false);
        detect.bias?.requires_grad_(false);
        pool = theta is null ? new CompetitorMinPool(k) : new CompetitorLmePool(k);
        Centroids = mu;
        RegisterComponents();
    }

    // registered submodules (their field names are the module names)
    readonly Flatten flatten;
    readonly Linear detect;
    readonly nn.Module<Tensor, Tensor> pool;

    /// <summary>μ, [K,D].</summary>
    public Tensor Centroids { get; }
    /// <summary>Number of clusters.</summary>
    public long K { get; }
    /// <summary>Whether this is a soft (Props. 6–7) head.</summary>
    public bool IsSoft { get; }
    /// <summary>θ of the absolute soft head (Prop. 7); null for k-means and the relative soft head.</summary>
    public double? Theta { get; }
    /// <summary>Whether the head answers the absolute question p_c &gt; θ (Prop. 7).</summary>
    public bool IsAbsolute => Theta is not null;
    /// <summary>The bias b = −log(K−1) + log((1−θ)/θ) of the absolute head (Prop. 7); 0 otherwise.</summary>
    public double Offset { get; }

    /// <summary>
    /// The roots of the detection neurons for the midpoint rule (Eq. 4): (μ_c + μ_k)/2 for k-means (exact roots); 0 for the
    /// soft heads (exact for Prop. 6; for Prop. 7 the bias b keeps no relevance: R_i = Σ_k a_i w_ik / wᵀ_k a · R_k).
    /// </summary>
    public Tensor Roots()
    {
        long k = K, d = Centroids.shape[1];
        return IsSoft ? zeros(k * k, d, dtype: Centroids.dtype, device: Centroids.device)
                      : ((Centroids.unsqueeze(1) + Centroids.unsqueeze(0)) / 2).reshape(k * k, d);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor a) => pool.call(detect.call(flatten.call(a)));
}

/// <summary>The competitor pools' shared view of the detection outputs [N, K·K] (row c·K+k): h [N,K,K] and the
/// members k ≠ c of each cluster c's pool.</summary>
public abstract class CompetitorPool : nn.Module<Tensor, Tensor>, IMinPool
{
    /// <summary>The pool for K clusters, named <paramref name="name"/>.</summary>
    protected CompetitorPool(string name, long k) : base(name) { K = k; }

    /// <summary>Number of clusters.</summary>
    public long K { get; }

    /// <inheritdoc/>
    public (Tensor H, Tensor Members) Pooled(Tensor input)
    {
        var h = input.reshape(input.shape[0], K, K);
        var members = eye(K, dtype: ScalarType.Bool, device: input.device).logical_not().unsqueeze(0).expand(input.shape[0], K, K);
        return (h, members);
    }
}

/// <summary>f_c = min_{k≠c} h_ck over the detection outputs [N, K·K] (row c·K+k), giving [N,K].</summary>
public sealed class CompetitorMinPool : CompetitorPool
{
    /// <summary>The pool for K clusters.</summary>
    public CompetitorMinPool(long k) : base(nameof(CompetitorMinPool), k) { }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (h, members) = Pooled(input);
        return h.masked_fill(members.logical_not(), double.PositiveInfinity).amin(new long[] { 2 }).MoveToOuterDisposeScope();
    }
}

/// <summary>f_c = LME^{−1}_{k≠c} h_ck (NEON Eq. 7, the soft min of Prop. 7) over the detection outputs [N, K·K], giving [N,K].</summary>
public sealed class CompetitorLmePool : CompetitorPool
{
    /// <summary>The pool for K clusters.</summary>
    public CompetitorLmePool(long k) : base(nameof(CompetitorLmePool), k) { }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (h, members) = Pooled(input);
        return Numerics.Lme.Pool(h, -1.0, 2, members).MoveToOuterDisposeScope();
    }
}
