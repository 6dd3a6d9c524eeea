using Workbench.Clustering;
using Workbench.Models;
using Workbench.Propagation.Lrp;
using static TorchSharp.torch;

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

    /// <summary>
    /// Grad-CeAM's clustering (k-means on an autoencoder's codes) as the deep network of NEON §VI: Prop. 1 on Ψ = the
    /// encoder. The network takes the clusterer's flat rows [N, C·H·W] (its relevance too: reshape it with
    /// <see cref="AutoencoderKMeans.ToInput"/> to see images) and shares the encoder's parameters; <paramref name="features"/> is the LRP composite for Ψ (default as
    /// <see cref="NeuralizedDeepClustering"/>). The image autoencoder only: the time-series ResNet autoencoder's residual
    /// additions and global average pooling are functional calls that the LRP engine cannot hook.
    /// </summary>
    public static NeuralizedDeepClustering Neuralize(this AutoencoderKMeans fitted, Composite? features = null)
    {
        Fitted(fitted);
        if (fitted.Model is not ConvAutoencoder2D cae)
            throw new NotSupportedException($"Neuralize() needs the image autoencoder (ConvAutoencoder2D); this model is a {fitted.Model.GetType().Name}, " +
                "whose residual additions have no LRP rule here. Explain it with Grad-CeAM (Workbench.Explanation.GradCeam) instead.");
        var encoder = nn.Sequential(("unflatten", nn.Unflatten(1, cae.InputShape)), ("encoder", cae.EncoderNetwork()));
        var dtype = cae.parameters().First().dtype;
        return new NeuralizedDeepClustering(encoder, fitted.Centroids.to_type(dtype), features: features);
    }

    static T Fitted<T>(T c) where T : IClusterer
    {
        ArgumentNullException.ThrowIfNull(c);
        if (!c.IsFitted) throw new InvalidOperationException($"This {typeof(T).Name} is not fitted yet: call Fit(x) before Neuralize().");
        return c;
    }
}
