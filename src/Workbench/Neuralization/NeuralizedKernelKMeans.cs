using TorchSharp;
using Workbench.Numerics;
using Workbench.Propagation;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// Kernel k-means with the LME distance of Eq. (6) rewritten as a four-layer network (NEON Prop. 5):
/// <code>
/// h_ijk = w_ijᵀx + b_ij,  w_ij = 2(u_i − u_j), b_ij = ‖u_j‖² − ‖u_i‖²   (layer 1, i ∈ C_c, j ∈ C_k)
/// h_jk  = LME^{+γ}_{i∈C_c} h_ijk                                         (layer 2, soft max-pool)
/// h_k   = LME^{−γ}_{j∈C_k} h_jk                                          (layer 3, soft min-pool)
/// f_c   = min_{k≠c} h_k                                                   (layer 4)
/// </code>
/// x is in cluster c iff f_c(x) &gt; 0. Explanation (§III): Eq. (2) with β in layer 4; footnote 1 in layers 3 and 2
/// (stiffness γ, sign switched for the max-pool); the dissipation Eq. (10) R_ijk ← R_ijk·h_ijk/h_k; Eq. (4) with the
/// midpoints (u_i + u_j)/2 in layer 1.
/// <para>Batched without the [N,|C_c|,|C_k|] tensor: h_ijk = d_j − d_i with d = ‖x − u‖², so the layer-2 weights
/// softmax_i(γ h_ijk) = softmax_i(−γ d_i) do not depend on j, and Eq. (10) followed by Eq. (4) divides R_ijk by h_k only.
/// <see cref="Layers"/> materialises every layer for inspection.</para>
/// </summary>
public sealed class NeuralizedKernelKMeans : INeuralizedClustering
{
    /// <param name="support">u_j, [S,d]</param>
    /// <param name="supportLabels">cluster of each support vector, [S], values 0…K−1, every cluster present, K ≥ 2</param>
    /// <param name="gamma">γ of both LME pools (Eq. 7)</param>
    public NeuralizedKernelKMeans(Tensor support, Tensor supportLabels, double gamma)
    {
        Clustering.Distances.CheckData(support, "support vectors");
        if (!(gamma > 0) || double.IsInfinity(gamma)) throw new ArgumentException($"γ must be a positive finite number; got {gamma}.");
        if (supportLabels.dim() != 1 || supportLabels.shape[0] != support.shape[0])
            throw new ArgumentException($"supportLabels must have one label per support vector, shape [{support.shape[0]}]; got [{string.Join(", ", supportLabels.shape)}].");
        var lab = supportLabels.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
        if (lab.Min() < 0) throw new ArgumentException($"support labels must be 0-based cluster indices; found {lab.Min()}.");
        long k = lab.Max() + 1;
        if (k < 2) throw new ArgumentException("kernel k-means needs K ≥ 2 clusters; all support vectors have label 0.");
        for (long c = 0; c < k; c++)
            if (!lab.Contains(c)) throw new ArgumentException($"cluster {c} has no support vector (labels run 0…{k - 1}); every cluster needs at least one.");
        Support = support; SupportLabels = supportLabels.to(support.device).to_type(ScalarType.Int64); Gamma = gamma; K = (int)k;
        Members = SupportLabels.unsqueeze(0).eq(arange(K, device: support.device).unsqueeze(1)); // [K,S]
    }

    /// <summary>The support vectors u_j, [S,d].</summary>
    public Tensor Support { get; }
    /// <summary>Cluster of each support vector, [S] int64.</summary>
    public Tensor SupportLabels { get; }
    /// <summary>γ of both LME pools (Eq. 7).</summary>
    public double Gamma { get; }
    /// <inheritdoc/>
    public int K { get; }
    /// <summary>Number of input features d.</summary>
    public long Dimensions => Support.shape[1];
    /// <summary>[K,S] membership mask: Members[k,s] iff support vector s belongs to cluster k.</summary>
    public Tensor Members { get; }

    /// <summary>LME^{−γ}_{j∈C_k}‖x − u_j‖², [N,K] (Eq. 6).</summary>
    public Tensor ClusterDistances(Tensor x)
    {
        using var s = NewDisposeScope();
        var d = Clustering.Distances.Squared(Prepare(x), Support);
        return Lme.Pool(d.unsqueeze(1), -Gamma, 2, Members.unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>Cluster with the smallest LME distance (Eq. 6).</summary>
    public Tensor Predict(Tensor x) { using var s = NewDisposeScope(); return ClusterDistances(x).argmin(1).MoveToOuterDisposeScope(); }

    /// <summary>Layer 1 for cluster c as an explicit linear layer over the pairs (i ∈ C_c, j ∉ C_c): Weight [P,d], Bias [P], and the pair indices.</summary>
    public (DetectionLayer Layer, long[] I, long[] J) Layer1(int c)
    {
        var lab = SupportLabels.cpu().data<long>().ToArray();
        var own = Enumerable.Range(0, lab.Length).Where(s => lab[s] == c).Select(s => (long)s).ToArray();
        var other = Enumerable.Range(0, lab.Length).Where(s => lab[s] != c).Select(s => (long)s).ToArray();
        var I = own.SelectMany(i => other.Select(_ => i)).ToArray();
        var J = own.SelectMany(_ => other).ToArray();
        var ui = Support.index_select(0, tensor(I, device: Support.device));
        var uj = Support.index_select(0, tensor(J, device: Support.device));
        var w = 2 * (ui - uj);
        var b = uj.pow(2).sum(1) - ui.pow(2).sum(1);
        return (new DetectionLayer(w, b, ones(I.Length, dtype: ScalarType.Bool, device: Support.device)), I, J);
    }

    /// <summary>Every layer for a (small) batch, materialised for inspection: see <see cref="KernelLayers"/>.</summary>
    public KernelLayers Layers(Tensor x, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        x = Prepare(x);
        var c = NeonShared.Resolve(clusters, x.shape[0], () => Predict(x), x.device, K);
        var d = Clustering.Distances.Squared(x, Support);                          // [N,S]
        var own = Members.index_select(0, c);                                      // [N,S] i ∈ C_c
        var pair = own.unsqueeze(2).logical_and(own.logical_not().unsqueeze(1));  // [N,S_i,S_j]
        var h1 = (d.unsqueeze(1) - d.unsqueeze(2)).masked_fill(pair.logical_not(), double.NaN);  // h_ij = d_j − d_i
        var h2 = Lme.Pool(h1.nan_to_num(0), Gamma, 1, pair)                         // LME^{+γ} over i → [N,S_j]
                    .masked_fill(own, double.NaN);
        var comp = NeonShared.Competitors(c, K);
        var h3 = Lme.Pool(h2.nan_to_num(0).unsqueeze(1), -Gamma, 2, Members.unsqueeze(0).logical_and(own.logical_not().unsqueeze(1))); // [N,K]
        var f = h3.masked_fill(comp.logical_not(), double.PositiveInfinity).amin(new long[] { 1 });
        return new KernelLayers(c.MoveToOuterDisposeScope(), h1.MoveToOuterDisposeScope(), h2.MoveToOuterDisposeScope(),
            h3.masked_fill(comp.logical_not(), 0).MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope());
    }

    /// <summary>Batched forward: h_k (layer 3) [N,K] and f_c (layer 4).</summary>
    public NeonForward Forward(Tensor x, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        x = Prepare(x);
        var (c, _, hj, hk, comp, f) = ForwardCore(x, clusters);
        return new NeonForward(c.MoveToOuterDisposeScope(), hk.MoveToOuterDisposeScope(), comp.MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Tensor F(Tensor x, Tensor? clusters = null) { using var fw = Forward(x, clusters); return fw.F.clone(); }

    (Tensor c, Tensor d, Tensor hj, Tensor hk, Tensor comp, Tensor f) ForwardCore(Tensor x, Tensor? clusters)
    {
        var d = Clustering.Distances.Squared(x, Support);                          // [N,S]
        var dk = Lme.Pool(d.unsqueeze(1), -Gamma, 2, Members.unsqueeze(0));        // [N,K] LME distances
        var c = NeonShared.Resolve(clusters, x.shape[0], () => dk.argmin(1), x.device, K);
        var dc = dk.gather(1, c.unsqueeze(1));                                      // [N,1]
        var hj = d - dc;                                   // layer 2: LME^{+γ}_{i∈C_c}(d_j − d_i) = d_j − LME^{−γ}_{i∈C_c} d_i
        var comp = NeonShared.Competitors(c, K);
        var hk = (dk - dc).masked_fill(comp.logical_not(), 0);                      // layer 3 (Eq. 19/21)
        var f = hk.masked_fill(comp.logical_not(), double.PositiveInfinity).amin(new long[] { 1 }); // layer 4
        return (c, d, hj, hk, comp, f);
    }

    /// <summary>NEON for kernel k-means: Eq. (2) with <paramref name="beta"/> in layer 4, footnote 1 (γ) in layers 3 and 2, Eq. (10), Eq. (4).</summary>
    public NeonExplanation Explain(Tensor x, double? beta = null, Tensor? clusters = null) => Explain(x, NeonComposite.Default(beta), clusters);

    /// <summary>NEON for kernel k-means with the rules of <paramref name="composite"/> (layer 4: its top pool rule; layers 3 and 2: its support pools; Eq. 10; layer 1: its first-layer rule).</summary>
    public NeonExplanation Explain(Tensor x, NeonComposite composite, Tensor? clusters = null)
    {
        ArgumentNullException.ThrowIfNull(composite);
        using var scope = NewDisposeScope();
        x = Prepare(x);
        using var q = Coefficients(x, composite, clusters);
        var r = composite.Detection.Propagate(x, Support, q.Coefficients);
        return new NeonExplanation(q.Clusters.clone().MoveToOuterDisposeScope(), q.F.clone().MoveToOuterDisposeScope(),
            q.NeuronRelevance.clone().MoveToOuterDisposeScope(), r.MoveToOuterDisposeScope());
    }

    /// <summary>The backward pass of NEON's default rules (<see cref="NeonComposite.Default"/> with <paramref name="beta"/>) stopped before layer 1: see the overload taking a composite.</summary>
    public KernelCoefficients Coefficients(Tensor x, double? beta = null, Tensor? clusters = null) => Coefficients(x, NeonComposite.Default(beta), clusters);

    /// <summary>
    /// The backward pass down to layer 1 without its last step: C [N,S] with C[n,s] = Σ_{j} q_{sj} − Σ_{i} q_{is}, where
    /// q_ij = R_ijk/h_ijk is the relevance per unit of layer-1 activation (after Eq. 10), so that Eq. (4) is
    /// <see cref="MidpointRule.Apply"/>(x, <see cref="Support"/>, C). Layer 1 is linear, so the same C redistributes
    /// relevance over any linear decomposition of x (words of a document, NEON §VI-A). The composite's first-layer rule
    /// divides R_k by its denominator of h_k (after Eq. 10, R_ijk/h_ijk = α_i β_j R_k/h_k for every pair).
    /// </summary>
    public KernelCoefficients Coefficients(Tensor x, NeonComposite composite, Tensor? clusters = null)
    {
        ArgumentNullException.ThrowIfNull(composite);
        if (!composite.Dissipate)
            throw new ArgumentException("kernel k-means needs the dissipation of Eq. (10): layer-1 neurons h_ijk can be negative while h_k > 0, and without it their relevance would not be bounded. Keep Dissipate = true.");
        double softMin = composite.SupportMin?.Beta ?? Gamma, softMax = composite.SupportMax?.Beta ?? Gamma;
        if (composite.SupportMin is { Max: true } || composite.SupportMax is { Max: false })
            throw new ArgumentException("SupportMin must be a min-take-most rule (Max = false) and SupportMax a max-take-most rule (Max = true).");
        if (!(softMin >= 0) || double.IsInfinity(softMin) || !(softMax >= 0))
            throw new ArgumentException($"the support pools need a finite stiffness ≥ 0 for layer 3 and ≥ 0 (or +∞) for layer 2; got {softMin} and {softMax}.");
        using var scope = NewDisposeScope();
        x = Prepare(x);
        var (c, d, hj, hk, comp, f) = ForwardCore(x, clusters);
        var rk = NeonShared.TopRule(composite, this, x).Weights(hk, comp) * f.unsqueeze(-1);                  // layer 4, Eq. (2)
        var own = Members.index_select(0, c);                                      // [N,S]
        // layer 3 (soft min over j ∈ C_k): β_j = softmax_{j∈C_k}(−γ h_jk), computed per cluster
        var logits = (-softMin * hj).masked_fill(own, double.NegativeInfinity);   // [N,S]
        var lse = logsumexp(logits.unsqueeze(1).masked_fill(Members.unsqueeze(0).logical_not(), double.NegativeInfinity), 2); // [N,K]
        var betaJ = (logits - lse.index_select(1, SupportLabels)).exp().nan_to_num(0).masked_fill(own, 0);                  // [N,S]
        // layer 2 (soft max over i ∈ C_c, footnote 1): α_i = softmax_{i∈C_c}(γ h_ijk) = softmax_{i∈C_c}(−γ d_i), the min-take-most weights of d
        var alpha = MinTakeMost.Weights(d, own, softMax);
        // R_ijk = α_i β_j R_k; Eq. (10) then layer 1: q_ij = R_ijk·(h_ijk/h_k)/h_ijk = α_i β_j R_k / h_k
        var rOverH = MidpointRule.SafeRatio(rk, composite.Detection.Denominator(hk, 0.0)).masked_fill(comp.logical_not(), 0);  // [N,K]
        var bj = betaJ * rOverH.index_select(1, SupportLabels);                          // Σ_i q_ij = β_j R_k/h_k
        var ai = alpha * rOverH.sum(1, keepdim: true);                                   // Σ_j q_ij = α_i Σ_k R_k/h_k
        return new KernelCoefficients(c.MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope(), rk.MoveToOuterDisposeScope(), (ai - bj).MoveToOuterDisposeScope());
    }

    Tensor Prepare(Tensor x)
    {
        NeonShared.CheckPoints(x, Dimensions, "kernel model");
        return x.to(Support.device).to_type(Support.dtype);
    }
}

/// <summary>
/// All layers of a neuralized kernel k-means for a batch. H1 [N,S,S]: h_ijk at [n,i,j] for i ∈ C_c, j ∉ C_c (NaN elsewhere);
/// H2 [N,S]: h_jk at [n,j] for j ∉ C_c (NaN for j ∈ C_c); H3 [N,K]: h_k (0 at k = c); F [N]: f_c.
/// </summary>
public sealed record KernelLayers(Tensor Clusters, Tensor H1, Tensor H2, Tensor H3, Tensor F) : IDisposable
{
    /// <summary>Disposes the five tensors.</summary>
    public void Dispose() { Clusters.Dispose(); H1.Dispose(); H2.Dispose(); H3.Dispose(); F.Dispose(); }
}

/// <summary>
/// The kernel k-means backward pass stopped before layer 1 (<see cref="NeuralizedKernelKMeans.Coefficients(Tensor, NeonComposite, Tensor?)"/>): clusters [N],
/// f_c [N], top-layer relevance R_k [N,K] and the signed support-vector coefficients C [N,S] of <see cref="MidpointRule"/>.
/// </summary>
public sealed record KernelCoefficients(Tensor Clusters, Tensor F, Tensor NeuronRelevance, Tensor Coefficients) : IDisposable
{
    /// <summary>Disposes the tensors.</summary>
    public void Dispose() { Clusters.Dispose(); F.Dispose(); NeuronRelevance.Dispose(); Coefficients.Dispose(); }
}
