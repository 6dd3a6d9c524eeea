using TorchSharp;
using TorchSharp.Modules;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Propagation;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;

namespace Workbench.Neuralization;

/// <summary>
/// NEON §VI, Fig. 7: the locations of one image's feature map as the points of a clustering. Every location (i, j) of
/// a = Ψ(x) [1,C,h,w] gives the vector a_ij ∈ ℝ^C, rescaled to unit norm; k-means on these h·w points, neuralized (Prop. 1),
/// and each cluster's evidence f_c explained through the head and Ψ to the pixels: one heatmap per cluster.
/// <para><see cref="Network"/> is <c>Sequential(features = Ψ, locations = <see cref="UnitLocations"/>, head = <see cref="DeepClusterHead"/>)</c>
/// mapping images [N,3,H,W] to f [N·h·w, K]. Our choices where the paper is silent (digest §3.2): 1/‖a_ij‖ is a constant
/// (relevance passes the normalisation unchanged), every location seeds max(0, f_c) = f_c where it is assigned to c, and the
/// K explanations are one backward pass over K copies of the image.</para>
/// <para>Not an <see cref="INeuralizedClustering"/>: its points are the locations of one image, not rows of a batch, so the
/// contract's <c>F(x)</c>/<c>Predict(x)</c> over points do not apply (<see cref="Labels"/> and <see cref="Outputs"/> are its forms).</para>
/// </summary>
public sealed class NeuralizedLocationClustering
{
    /// <summary>The neuralized clustering of Ψ's unit-normalised location vectors with centroids [K,C].</summary>
    /// <param name="featureMap">Ψ: images [N,3,H,W] → feature maps [N,C,h,w]; in eval mode</param>
    /// <param name="centroids">μ [K,C] of unit-normalised location vectors</param>
    public NeuralizedLocationClustering(nn.Module<Tensor, Tensor> featureMap, Tensor centroids)
    {
        FeatureMap = featureMap;
        Locations = new UnitLocations();
        Head = new DeepClusterHead(centroids);
        Network = nn.Sequential(("features", featureMap), ("locations", (nn.Module<Tensor, Tensor>)Locations), ("head", (nn.Module<Tensor, Tensor>)Head));
        Network.eval();
    }

    /// <summary>
    /// Fits k-means (K = <paramref name="k"/>, <paramref name="nInit"/> restarts, seeded) on the unit-normalised location
    /// vectors of Ψ(<paramref name="image"/>) and neuralizes it. <paramref name="image"/> is one image [1,3,H,W] (or [3,H,W]).
    /// </summary>
    public static NeuralizedLocationClustering Fit(nn.Module<Tensor, Tensor> featureMap, Tensor image, int k, long seed = 0, int nInit = 10, Device? device = null)
    {
        var dev = Devices.Resolve(device);
        if (k < 2) throw new ArgumentException($"K must be at least 2 (NEON explains a cluster against its competitors); got {k}.");
        Tensor centroids, labels;
        using (var scope = NewDisposeScope())
        {
            var x = OneImage(image).to(dev);
            Tensor points;
            using (no_grad()) points = UnitLocations.Points(featureMap.call(x));
            if (k > points.shape[0])
                throw new ArgumentException($"K = {k} clusters but the feature map has only {points.shape[0]} locations; choose K ≤ {points.shape[0]} or an earlier layer.");
            var km = new KMeans(k, nInit: nInit, seed: seed, device: dev).Fit(points);
            centroids = km.Centroids.detach().clone().MoveToOuterDisposeScope();
            labels = km.Labels.detach().clone().MoveToOuterDisposeScope();
        }
        // built outside the scope: the head's parameters must outlive it
        return new NeuralizedLocationClustering(featureMap, centroids) { KMeansLabels = labels };
    }

    /// <summary>Ψ.</summary>
    public nn.Module<Tensor, Tensor> FeatureMap { get; }
    /// <summary>The normalisation and flattening of the locations.</summary>
    public UnitLocations Locations { get; }
    /// <summary>The neuralized k-means head on the unit location vectors.</summary>
    public DeepClusterHead Head { get; }
    /// <summary>Ψ, locations, head: images [N,3,H,W] → f [N·h·w, K].</summary>
    public Sequential Network { get; }
    /// <summary>Number of clusters.</summary>
    public long K => Head.K;
    /// <summary>The k-means labels of the fitted image's locations (row-major over h, w), when built by <see cref="Fit"/>.</summary>
    public Tensor? KMeansLabels { get; private init; }

    /// <summary>f_c of every location of one image for every cluster, [h·w, K], and the map's size (h, w).</summary>
    public (Tensor F, long Height, long Width) Outputs(Tensor image, Device? device = null)
    {
        var x = OneImage(image).to(Devices.Resolve(device));
        using var _ = no_grad();
        using var a = FeatureMap.call(x);
        return (Head.call(Locations.call(a)), a.shape[2], a.shape[3]);
    }

    /// <summary>The cluster of every location, [h, w] int64 (the nearest centroid: the cluster with f_c &gt; 0).</summary>
    public Tensor Labels(Tensor image, Device? device = null)
    {
        var (f, h, w) = Outputs(image, device);
        using (f) return f.argmax(1).reshape(h, w);
    }

    /// <summary>The composite for the whole network: min-take-most (β) and midpoint in the head, Pass through the normalisation, <paramref name="features"/> in Ψ.</summary>
    public Composite Composite(Composite features, double beta) => features
        .Override("locations", new Pass())
        .Override("head.detect", new Midpoint(Head.Roots()))
        .Override("head.pool", new MinTakeMostPool(beta));

    /// <summary>
    /// NEON Fig. 7: one pixel heatmap per cluster. Each location seeds max(0, f_c) for cluster c (f_c where it is assigned to c),
    /// relevance goes through min-take-most (β, default Eq. 3 over the image's locations: 1 / mean f_c of their own cluster),
    /// the midpoint rule, the normalisation (unchanged) and Ψ with <paramref name="features"/>. <paramref name="chunk"/> bounds
    /// how many copies of the image go through one pass (memory); the result does not depend on it.
    /// </summary>
    public LocationExplanation Explain(Tensor image, Composite features, double? beta = null, int? chunk = null, Device? device = null)
    {
        var dev = Devices.Resolve(device);
        using var scope = NewDisposeScope();
        var x = OneImage(image).to(dev);
        var (f, h, w) = Outputs(x, dev);
        long k = K, n = h * w;
        var labels = f.argmax(1);
        var own = f.gather(1, labels.unsqueeze(1)).squeeze(1);
        double b = beta ?? Stiffness.Heuristic(own);
        var comp = Composite(features, b);
        int step = Math.Max(1, Math.Min(chunk ?? (int)k, (int)k));
        var parts = new List<Tensor>(); var atLocations = new List<Tensor>();
        for (int c0 = 0; c0 < k; c0 += step)
        {
            int m = (int)Math.Min(step, k - c0);
            var clusters = arange(c0, c0 + m, dtype: ScalarType.Int64, device: dev);
            var mask = nn.functional.one_hot(clusters, k).to_type(f.dtype).unsqueeze(1);                      // [m,1,K]: copy i explains cluster c0+i
            using var r = Lrp.Explain(Network, x.expand(m, -1, -1, -1).contiguous(), comp,
                y => (y.reshape(m, n, k).clamp(min: 0) * mask).reshape(m * n, k), new[] { "locations" }, dev);
            parts.Add(r.Relevance.detach().clone());
            atLocations.Add(r.Layers["locations"].detach().reshape(m, n, -1).sum(new long[] { 2 }));
        }
        var seed = (f.clamp(min: 0) * nn.functional.one_hot(labels, k).to_type(f.dtype)).sum(new long[] { 0 });   // Σ_{l ∈ c} f_c(l), [K]
        return new LocationExplanation(cat(parts, 0).MoveToOuterDisposeScope(), labels.reshape(h, w).MoveToOuterDisposeScope(),
            f.MoveToOuterDisposeScope(), seed.MoveToOuterDisposeScope(), cat(atLocations, 0).reshape(k, h, w).MoveToOuterDisposeScope(), b);
    }

    static Tensor OneImage(Tensor image)
    {
        var x = image.dim() == 3 ? image.unsqueeze(0) : image;
        if (x.dim() != 4 || x.shape[0] != 1)
            throw new ArgumentException($"the locations of one image are clustered: give one image [1,C,H,W] or [C,H,W]; got [{string.Join(",", image.shape)}].");
        return x;
    }
}

/// <summary>
/// One heatmap per cluster of an image's locations (<see cref="NeuralizedLocationClustering.Explain"/>):
/// <see cref="Relevance"/> [K,3,H,W] (cluster c's pixel relevance), <see cref="Labels"/> [h,w], <see cref="F"/> [h·w, K],
/// <see cref="Seeded"/> [K] = Σ of f_c over c's locations (the relevance put on the head), <see cref="AtLocations"/> [K,h,w] =
/// the relevance that reached each location vector (summed over channels; Σ = Seeded exactly: the head is conservative),
/// and the β used.
/// </summary>
public sealed record LocationExplanation(Tensor Relevance, Tensor Labels, Tensor F, Tensor Seeded, Tensor AtLocations, double Beta) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose() { Relevance.Dispose(); Labels.Dispose(); F.Dispose(); Seeded.Dispose(); AtLocations.Dispose(); }
}

/// <summary>
/// Feature maps [N,C,h,w] → their location vectors as rows [N·h·w, C] (row-major over n, i, j), each divided by its norm
/// (treated as a constant; a zero vector stays zero). The LRP rule <see cref="Pass"/> sends relevance back unchanged.
/// </summary>
public sealed class UnitLocations : nn.Module<Tensor, Tensor>, IRearrangement
{
    /// <summary>The layer (no parameters).</summary>
    public UnitLocations() : base(nameof(UnitLocations)) { }

    /// <summary>The unit-normalised location vectors of <paramref name="a"/> [N,C,h,w], as [N·h·w, C].</summary>
    public static Tensor Points(Tensor a)
    {
        if (a.dim() != 4) throw new ArgumentException($"location vectors come from a feature map [N,C,h,w]; got [{string.Join(",", a.shape)}].");
        using var scope = NewDisposeScope();
        var v = a.permute(0, 2, 3, 1).reshape(-1, a.shape[1]);
        var norm = v.detach().norm(1, keepdim: true);
        return (v / norm.masked_fill(norm.eq(0), 1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Rearrange(Tensor input) => input.permute(0, 2, 3, 1).reshape(-1, input.shape[1]);

    /// <inheritdoc/>
    public override Tensor forward(Tensor a) => Points(a);
}
