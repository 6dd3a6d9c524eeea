using Workbench.Clustering;

namespace Workbench.Neuralization;

/// <summary>
/// <c>fitted.Neuralize()</c>: a fitted clusterer rewritten as its network. Extension methods here, so that
/// <c>Workbench.Clustering</c> does not depend on <c>Workbench.Neuralization</c>.
/// </summary>
public static class NeuralizeExtensions
{
    /// <summary>k-means as the two-layer network of NEON Prop. 1.</summary>
    public static NeuralizedKMeans Neuralize(this KMeans fitted) => new(Fitted(fitted).Centroids);

    /// <summary>Soft k-means as its network (NEON App. E-A): relative (Eq. 24) without <paramref name="theta"/>, absolute (Eq. 28, p_c &gt; θ) with it.</summary>
    public static NeuralizedSoftKMeans Neuralize(this SoftKMeans fitted, double? theta = null) =>
        new(Fitted(fitted).Centroids, fitted.Stiffness, theta);

    /// <summary>Kernel k-means as the four-layer network of NEON Prop. 5 (support vectors, their clusters and γ).</summary>
    public static NeuralizedKernelKMeans Neuralize(this KernelKMeans fitted) =>
        new(Fitted(fitted).Support, fitted.SupportLabels, fitted.Gamma);

    static T Fitted<T>(T c) where T : IClusterer
    {
        ArgumentNullException.ThrowIfNull(c);
        if (!c.IsFitted) throw new InvalidOperationException($"This {typeof(T).Name} is not fitted yet: call Fit(x) before Neuralize().");
        return c;
    }
}
