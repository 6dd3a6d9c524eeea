using TorchSharp;
using Workbench.Neuralization;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// What NEON's evaluation needs of a neuralized clustering model: its assignment (Predict), the network output f_c(x)
/// for given clusters (differentiable, for the gradient baselines), NEON relevance for a stiffness β and, for k-means,
/// the centroids (NCA). Adapters for the workbench's neuralized models are <see cref="From(NeuralizedKMeans)"/> and
/// <see cref="From(NeuralizedKernelKMeans)"/>; any other model plugs in through the constructor.
/// </summary>
public sealed class ExplainedModel
{
    /// <param name="name">label in tables</param>
    /// <param name="k">number of clusters</param>
    /// <param name="dimensions">number of input features d</param>
    /// <param name="predict">x [N,d] → cluster [N] int64</param>
    /// <param name="f">(x [N,d], clusters [N]) → f_c(x) [N], differentiable in x</param>
    /// <param name="neon">(x, β, clusters) → NEON relevance [N,d] (Eqs. 2–4)</param>
    /// <param name="centroids">k-means centroids μ [K,d] (for NCA), or null</param>
    public ExplainedModel(string name, long k, long dimensions, Func<Tensor, Tensor> predict, Func<Tensor, Tensor, Tensor> f,
        Func<Tensor, double, Tensor, Tensor> neon, Tensor? centroids = null)
    {
        Name = name; K = k; Dimensions = dimensions; PredictFn = predict; FFn = f; NeonFn = neon; Centroids = centroids;
    }

    /// <summary>Label of the model.</summary>
    public string Name { get; }
    /// <summary>Number of clusters K.</summary>
    public long K { get; }
    /// <summary>Number of input features d.</summary>
    public long Dimensions { get; }
    /// <summary>k-means centroids (null for other models: NCA is then not defined).</summary>
    public Tensor? Centroids { get; }
    Func<Tensor, Tensor> PredictFn { get; }
    Func<Tensor, Tensor, Tensor> FFn { get; }
    Func<Tensor, double, Tensor, Tensor> NeonFn { get; }

    /// <summary>Cluster of each row, [N] int64.</summary>
    public Tensor Predict(Tensor x) => PredictFn(x);
    /// <summary>f_c(x) for each row and its cluster c, [N] (differentiable in x).</summary>
    public Tensor F(Tensor x, Tensor clusters) => FFn(x, clusters);
    /// <summary>NEON relevance [N,d] with stiffness β.</summary>
    public Tensor Neon(Tensor x, double beta, Tensor clusters) => NeonFn(x, beta, clusters);

    /// <summary>β = 1/𝔼[f_c] over <paramref name="x"/>, each point for its own cluster (NEON Eq. 3).</summary>
    public double HeuristicBeta(Tensor x)
    {
        using var scope = NewDisposeScope();
        double mean = F(x, Predict(x)).mean().ToDouble();
        if (!(mean > 0)) throw new InvalidOperationException($"𝔼[f_c] = {mean} is not positive; β = 1/𝔼[f_c] is undefined (duplicate centroids?).");
        return 1.0 / mean;
    }

    /// <summary>
    /// Any neuralized clustering (<see cref="INeuralizedClustering"/>: k-means, soft, kernel, deep) on
    /// <paramref name="dimensions"/> input features; pass the k-means <paramref name="centroids"/> to enable NCA.
    /// </summary>
    public static ExplainedModel From(INeuralizedClustering model, long dimensions, Tensor? centroids = null, string? name = null) =>
        new(name ?? model.GetType().Name, model.K, dimensions, model.Predict, (x, c) => model.F(x, c),
            (x, b, c) => { using var e = model.Explain(x, b, c); return e.Relevance.clone(); }, centroids);

    /// <summary>Neuralized k-means (NEON Prop. 1): f_c = min_{k≠c} w_kᵀx + b_k; NCA available.</summary>
    public static ExplainedModel From(NeuralizedKMeans model) => From(model, model.Dimensions, model.Centroids, "k-means");

    /// <summary>Neuralized kernel k-means (NEON Prop. 5); no NCA.</summary>
    public static ExplainedModel From(NeuralizedKernelKMeans model) => From(model, model.Dimensions, null, "kernel k-means");
}
