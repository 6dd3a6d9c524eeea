using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// A clustering rewritten as a network whose output f_c(x) &gt; 0 iff x is in cluster c (NEON §II–IV), and explained by
/// propagating f_c back to the input features. Every neuralized model implements it (k-means Prop. 1, kernel k-means
/// Prop. 5, soft and deep soft clusterings App. E); <c>fitted.Neuralize()</c> builds one from a fitted clusterer.
/// </summary>
public interface INeuralizedClustering
{
    /// <summary>Number of clusters K.</summary>
    int K { get; }
    /// <summary>f_c(x) for each row [N], for <paramref name="clusters"/> ([N] or a scalar; default: each row's own cluster).</summary>
    Tensor F(Tensor x, Tensor? clusters = null);
    /// <summary>Cluster of each row, [N] int64 (the same decision as the clusterer it came from).</summary>
    Tensor Predict(Tensor x);
    /// <summary>
    /// NEON explanation of f_c for each row: relevance of every input feature (and of the top-layer neurons).
    /// <paramref name="beta"/> is the min-take-most stiffness of Eq. (2); null takes the heuristic of Eq. (3),
    /// <see cref="Propagation.Stiffness.Heuristic"/> over f of the rows of <paramref name="x"/> for their own clusters.
    /// </summary>
    NeonExplanation Explain(Tensor x, double? beta = null, Tensor? clusters = null);
}
