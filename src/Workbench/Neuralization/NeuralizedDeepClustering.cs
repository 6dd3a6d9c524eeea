using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using Workbench.Propagation;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// NEON on a deep network (§VI, Props. 1 and 6 on Ψ(x)): a feature map Ψ given as a TorchSharp module, followed by the
/// neuralized head (<see cref="DeepClusterHead"/>). <see cref="Network"/> is one <c>Sequential</c> (<c>features</c>, <c>head</c>)
/// that the LRP engine explains: min-take-most (Eq. 2) in the head's pool, the midpoint rule (Eq. 4) in its detection
/// layer, then Ψ with the composite of the caller's choice, to the pixels and to any named layer of Ψ
/// (<c>features.&lt;name&gt;</c>). Any head rule can be swapped by overriding <c>head.detect</c> / <c>head.pool</c>.
/// As an <see cref="INeuralizedClustering"/>, <see cref="Explain(Tensor, double?, Tensor?)"/> uses <see cref="Features"/>
/// for Ψ and returns a <see cref="NeonExplanation"/> whose relevance has the input's shape.
/// </summary>
public sealed class NeuralizedDeepClustering : INeuralizedClustering
{
    /// <summary>The neuralized deep clustering with feature map <paramref name="featureMap"/> (output flattened to [N,D]) and centroids [K,D].</summary>
    /// <param name="featureMap">Ψ; its output is flattened to D = centroids.shape[1] features; put it in eval mode</param>
    /// <param name="centroids">μ in the representation space, [K,D]</param>
    /// <param name="soft">false: k-means on Ψ(x) (Prop. 1); true: deep soft clustering p ∝ exp(μ_kᵀΨ(x)), relative (Prop. 6)</param>
    /// <param name="theta">soft only: the absolute question p_c &gt; θ (Prop. 7); f_c = log(p_c/(1−p_c)) + log((1−θ)/θ)</param>
    /// <param name="features">the LRP composite for Ψ used by <see cref="Explain(Tensor, double?, Tensor?)"/>; default
    /// <see cref="Composites.NeonVgg"/> without pixel bounds (§VI: γ in the convolutions, ε in the dense layers)</param>
    public NeuralizedDeepClustering(nn.Module<Tensor, Tensor> featureMap, Tensor centroids, bool soft = false, double? theta = null, Composite? features = null)
    {
        FeatureMap = featureMap ?? throw new ArgumentNullException(nameof(featureMap));
        Features = features ?? Composites.NeonVgg();
        Head = new DeepClusterHead(centroids, soft, theta);
        Network = nn.Sequential(("features", featureMap), ("head", (nn.Module<Tensor, Tensor>)Head));
        Network.eval();
    }

    /// <summary>Ψ.</summary>
    public nn.Module<Tensor, Tensor> FeatureMap { get; }
    /// <summary>The neuralized head.</summary>
    public DeepClusterHead Head { get; }
    /// <summary>Ψ followed by the head: x ↦ f [N,K], f_c(x) for every cluster.</summary>
    public Sequential Network { get; }
    /// <summary>Number of clusters.</summary>
    public int K => (int)Head.K;
    /// <summary>The LRP composite for Ψ that <see cref="Explain(Tensor, double?, Tensor?)"/> uses (the head's rules take precedence).</summary>
    public Composite Features { get; }

    /// <summary>a = Ψ(x) flattened, [N,D].</summary>
    public Tensor Represent(Tensor x, Device? device = null)
    {
        using var _ = no_grad();
        return FeatureMap.call(x.to(Devices.Resolve(device))).flatten(1);
    }

    /// <summary>f_c(x) for every cluster, [N,K]; the assigned cluster is the one with f_c &gt; 0.</summary>
    public Tensor Outputs(Tensor x, Device? device = null)
    {
        using var _ = no_grad();
        return Network.call(x.to(Devices.Resolve(device)));
    }

    /// <summary>The cluster of each input, [N] int64 (nearest centroid of Ψ(x) for k-means, largest logit for the soft model).</summary>
    public Tensor Predict(Tensor x, Device? device = null)
    {
        using var s = NewDisposeScope();
        if (Head.IsAbsolute) return LogProba(x, device).argmax(1).MoveToOuterDisposeScope();   // f_c may be ≤ 0 for every c
        return Outputs(x, device).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Soft heads: log p_k(x) = log softmax_k(μ_kᵀΨ(x)), [N,K].</summary>
    public Tensor LogProba(Tensor x, Device? device = null)
    {
        if (!Head.IsSoft) throw new InvalidOperationException("LogProba is defined for the soft heads (Props. 6–7); k-means assigns by distance (Predict).");
        using var s = NewDisposeScope();
        return Represent(x, device).matmul(Head.Centroids.T).log_softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>f_c(x) for <paramref name="clusters"/> (default: each input's cluster), [N].</summary>
    public Tensor F(Tensor x, Tensor? clusters = null, Device? device = null)
    {
        using var s = NewDisposeScope();
        var f = Outputs(x, device);
        var c = Clusters(f, clusters);
        return f.gather(1, c.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The composite for the whole network: the head's rules (min-take-most with <paramref name="beta"/>, midpoint) with
    /// precedence over <paramref name="features"/>, the composite for Ψ. The absolute soft head (Prop. 7) then reassigns
    /// R_k ← R_k·h_k/f_c (§IV).
    /// </summary>
    public Composite Composite(Composite features, double beta) => features
        .Override("head.detect", new Midpoint(Head.Roots()))
        .Override("head.pool", new MinTakeMostPool(beta, dissipate: Head.IsAbsolute));

    /// <summary>
    /// NEON: relevance of f_c through the head and Ψ. β defaults to the heuristic of Eq. (3) over this batch
    /// (1 / mean f_c of the inputs for their own clusters; for the absolute head give β, e.g. the LME pool's own stiffness 1); <paramref name="layers"/> are names inside Ψ prefixed with <c>features.</c> (e.g. <c>features.pool2</c>).
    /// Give <paramref name="composite"/> to replace the head rules too (it is then used as is).
    /// </summary>
    public LrpResult Explain(Tensor x, Composite features, double? beta = null, Tensor? clusters = null,
                             IEnumerable<string>? layers = null, Composite? composite = null, Device? device = null)
    {
        var dev = Devices.Resolve(device);
        x = x.to(dev);
        using var f = Outputs(x, dev);
        using var c = clusters is null && Head.IsAbsolute ? Predict(x, dev) : Clusters(f, clusters);
        double b = beta ?? HeuristicBeta(f, x, dev);
        var comp = composite ?? Composite(features, b);
        return Lrp.Explain(Network, x, comp, y => Lrp.OneHotTimesOutput(y, c), layers, dev);
    }

    /// <summary>
    /// NEON (§VI) with <see cref="Features"/> for Ψ: the relevance of f_c for each input (default: its own cluster) in the
    /// input's shape, and that of the detection neurons h_ck, k ≠ c (<see cref="NeonExplanation.NeuronRelevance"/>, [N,K],
    /// 0 at c). β defaults to the heuristic of Eq. (3) over this batch.
    /// </summary>
    public NeonExplanation Explain(Tensor x, double? beta = null, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        var dev = Devices.Resolve(null);
        x = x.to(dev);
        var f = Outputs(x, dev);
        var c = clusters is null && Head.IsAbsolute ? Predict(x, dev) : Clusters(f, clusters);
        using var r = Explain(x, Features, beta, c, layers: ["head.detect"], device: dev);
        var rk = r.Layers["head.detect"].reshape(x.shape[0], K, K)                        // row c·K + k: relevance of h_ck
                  .gather(1, c.view(-1, 1, 1).expand(-1, 1, K)).squeeze(1);
        return new NeonExplanation(c.MoveToOuterDisposeScope(), f.gather(1, c.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope(),
            rk.MoveToOuterDisposeScope(), r.Relevance.clone().MoveToOuterDisposeScope());
    }

    /// <summary>Eq. (3) over f of the inputs for their own clusters, whichever clusters are explained (as the shallow models).</summary>
    double HeuristicBeta(Tensor f, Tensor x, Device dev)
    {
        using var own = Head.IsAbsolute ? Predict(x, dev) : f.argmax(1);
        using var fc = f.gather(1, own.unsqueeze(1));
        return Stiffness.Heuristic(fc);
    }

    Tensor INeuralizedClustering.F(Tensor x, Tensor? clusters) => F(x, clusters);
    Tensor INeuralizedClustering.Predict(Tensor x) => Predict(x);

    Tensor Clusters(Tensor f, Tensor? clusters)
    {
        if (clusters is null) return f.argmax(1);
        var c = clusters.to(f.device).to_type(ScalarType.Int64);
        if (c.dim() == 0) c = c.expand(f.shape[0]).clone();
        if (c.dim() != 1 || c.shape[0] != f.shape[0]) throw new ArgumentException($"clusters must be one index per input, [{f.shape[0]}].");
        if (c.numel() > 0 && (c.min().item<long>() < 0 || c.max().item<long>() >= K)) throw new ArgumentException($"cluster indices must lie in 0…{K - 1}.");
        return c;
    }
}
