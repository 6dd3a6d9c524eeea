using TorchSharp;
using Workbench.Compute;
using Workbench.Neuralization;
using Workbench.Propagation;
using Workbench.Propagation.Lrp;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// A deep k-means clustering explained at the units of an inner layer (NEON Table I deep rows): the input is the activation
/// a [N,C,h,w] of that layer, <see cref="Upper"/> maps it to the clustered representation ψ = Ψ_upper(a) (flattened to D),
/// and the clustering assigns ψ to its nearest centroid μ_c [K,D]. f_c = <see cref="Scale"/> · min_{k≠c} (‖ψ − μ_k‖² − ‖ψ − μ_c‖²)
/// is the output of the neuralized head (Prop. 1 on Ψ: w = 2(μ_c − μ_k), b = ‖μ_k‖² − ‖μ_c‖²) times the scale: 1 for k-means,
/// τ for soft k-means (App. E, relative question), where τ·f_c = log(p_c / max_{k≠c} p_k). The decision and f_c are
/// computed from distances ([N,K], cheap for large K); NEON runs LRP through <see cref="Neuralized"/> (the [K·K, D] head).
/// </summary>
public sealed class DeepUnitModel
{
    /// <param name="upper">Ψ_upper: activations [N,C,h,w] → the clustered layer (flattened to D); in eval mode</param>
    /// <param name="centroids">μ [K,D] on the flattened representation</param>
    /// <param name="scale">1 for k-means; τ for soft k-means (f_c is then the log-likelihood ratio of App. E Lemma 3)</param>
    /// <param name="name">label in tables</param>
    public DeepUnitModel(nn.Module<Tensor, Tensor> upper, Tensor centroids, double scale = 1.0, string name = "deep k-means")
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentException($"the scale of f_c must be positive and finite; got {scale}.");
        Upper = upper; Upper.eval();
        Centroids = centroids.detach();
        Scale = scale; Name = name;
        CentroidNorms = Centroids.pow(2).sum(1);
        // built here, not on first use: a network created inside a caller's dispose scope would lose its weights with it
        Neuralized = new NeuralizedDeepClustering(Upper, Centroids);
    }

    /// <summary>Ψ_upper.</summary>
    public nn.Module<Tensor, Tensor> Upper { get; }
    /// <summary>μ, [K,D].</summary>
    public Tensor Centroids { get; }
    /// <summary>‖μ_k‖², [K].</summary>
    Tensor CentroidNorms { get; }
    /// <summary>Factor of f_c: 1 (k-means) or τ (soft k-means).</summary>
    public double Scale { get; }
    /// <summary>Label in tables.</summary>
    public string Name { get; }
    /// <summary>Number of clusters K.</summary>
    public long K => Centroids.shape[0];
    /// <summary>The neuralized network Ψ_upper → head (Prop. 1; [K·K, D] detection weights).</summary>
    public NeuralizedDeepClustering Neuralized { get; }

    /// <summary>ψ = Ψ_upper(a) flattened, [N,D] (no gradient), in chunks of <paramref name="batchSize"/>.</summary>
    public Tensor Represent(Tensor a, int batchSize = 1024)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long s = 0; s < a.shape[0]; s += batchSize)
            parts.Add(Upper.call(a.narrow(0, s, Math.Min(batchSize, a.shape[0] - s)).to(Centroids.device)).flatten(1));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>d_k = ‖μ_k‖² − 2ψᵀμ_k (the squared distance up to ‖ψ‖², which every cluster shares), [N,K].</summary>
    Tensor Gaps(Tensor psi) => CentroidNorms.unsqueeze(0) - 2 * psi.matmul(Centroids.T);

    /// <summary>The cluster of each activation (nearest centroid of ψ), [N] int64.</summary>
    public Tensor Predict(Tensor a)
    {
        using var scope = NewDisposeScope();
        return Gaps(Represent(a)).argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>f_c(a) for the clusters <paramref name="clusters"/> [N], differentiable in <paramref name="a"/>, [N].</summary>
    public Tensor F(Tensor a, Tensor clusters)
    {
        using var scope = NewDisposeScope();
        var d = Gaps(Upper.call(a.to(Centroids.device)).flatten(1));                  // [N,K]
        var c = clusters.to(d.device).to_type(ScalarType.Int64).unsqueeze(1);
        var own = d.gather(1, c);
        var h = (d - own).scatter(1, c, full_like(own, double.PositiveInfinity));     // h_k = d_k − d_c, own column excluded
        return (Scale * h.amin(new long[] { 1 })).MoveToOuterDisposeScope();
    }

    /// <summary>β = 1/𝔼[f_c] over <paramref name="a"/>, each point for its own cluster (NEON Eq. 3), for the unscaled head.</summary>
    public double HeuristicBeta(Tensor a, int batchSize = 1024)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long s = 0; s < a.shape[0]; s += batchSize)
        {
            var chunk = a.narrow(0, s, Math.Min(batchSize, a.shape[0] - s));
            parts.Add(F(chunk, Predict(chunk)) / Scale);
        }
        return Stiffness.Heuristic(cat(parts, 0));
    }

    /// <summary>
    /// NEON relevance of each unit (channel) [N,C] for <paramref name="clusters"/>: f_c through the head (min-take-most with
    /// <paramref name="beta"/> of the unscaled head, midpoint rule) and Ψ_upper with <paramref name="features"/>, summed over the
    /// map, times <see cref="Scale"/> (Σ_C R = f_c on a bias-free Ψ_upper).
    /// </summary>
    public Tensor Neon(Tensor a, double beta, Tensor clusters, Composite features)
    {
        using var scope = NewDisposeScope();
        using var r = Neuralized.Explain(a.to(Centroids.device), features, beta, clusters, device: Centroids.device);
        var perUnit = r.Relevance.flatten(2).sum(new long[] { 2 }).to_type(ScalarType.Float64) * Scale;
        return perUnit.MoveToOuterDisposeScope();
    }
}
