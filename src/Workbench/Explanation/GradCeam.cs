using TorchSharp;
using Workbench.Compute;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Explanation;

/// <summary>
/// Grad-CeAM (Lafabregue et al., ICTAI 2021): gradient-weighted centroid activation maps explaining why a sample of a
/// convolutional-autoencoder + k-means clustering belongs (or not) to cluster c. The gradients of a centroid loss on
/// the latent code (Eqs. 5–8) are pooled per channel of the target layer A (Eq. 9) and weight its channels into a
/// heatmap (Eq. 10), resized to the input and min-max normalised. Both readings are available through
/// <see cref="Variant"/> (<see cref="GradCeamVariant.Official"/>, the default, is the authors' code).
/// <code>var cam = new GradCeam(model, kmeans.Centroids);
/// var h = cam.Heatmaps(x, cluster: 3);   // [N, H, W] or [N, T] in [0, 1]</code>
/// Batched over samples, and over clusters with <see cref="HeatmapsAllClusters"/>; the model must be in eval mode (BatchNorm in inference, so samples are independent).
/// </summary>
public sealed class GradCeam
{
    /// <summary>ε of the representation weights (official code, GradCam.py:175-189).</summary>
    public const double RepresentationEps = 1e-3;
    /// <summary>ε of the per-sample min-max normalisation (GradCam.py:31-35).</summary>
    public const double NormalizeEps = 1e-8;

    /// <param name="model">the trained autoencoder, split at its target layer</param>
    /// <param name="centroids">k-means centroids of the latent codes, [K, m]</param>
    /// <param name="variant">official code (default) or paper text</param>
    /// <param name="batchSize">samples per autograd pass</param>
    public GradCeam(IConvAutoencoder model, Tensor centroids, GradCeamVariant variant = GradCeamVariant.Official, int batchSize = 1024)
    {
        if (centroids.dim() != 2 || centroids.shape[1] != model.LatentDim)
            throw new ArgumentException($"centroids must be [K, {model.LatentDim}] (one row per cluster in the latent space); got [{string.Join(", ", centroids.shape)}].");
        if (centroids.shape[0] < 2) throw new ArgumentException($"Grad-CeAM compares a centroid with the others: needs K ≥ 2; got K = {centroids.shape[0]}.");
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1; got {batchSize}.");
        Model = model; Centroids = centroids; Variant = variant; BatchSize = batchSize;
    }

    /// <summary>The explained autoencoder.</summary>
    public IConvAutoencoder Model { get; }
    /// <summary>Centroids μ [K, m].</summary>
    public Tensor Centroids { get; }
    /// <summary>Official code or paper text.</summary>
    public GradCeamVariant Variant { get; }
    /// <summary>Samples per autograd pass.</summary>
    public int BatchSize { get; }
    /// <summary>Number of clusters K.</summary>
    public int K => (int)Centroids.shape[0];

    /// <summary>
    /// Eq. 5 centroid weights of every cluster, [K, m]: cw^c = ‖Σ_{k≠c} |μ^k − μ^c|‖₀₋₁ (element-wise absolute value,
    /// min-max over the m features). The code's division by m has no effect. Constant features (all centroids
    /// equal on every feature) have no min-max and are an error rather than the code's NaN.
    /// </summary>
    public static Tensor CentroidWeights(Tensor centroids)
    {
        if (centroids.dim() != 2 || centroids.shape[0] < 2) throw new ArgumentException($"centroids must be [K ≥ 2, m]; got [{string.Join(", ", centroids.shape)}].");
        using var scope = NewDisposeScope();
        var s = (centroids.unsqueeze(0) - centroids.unsqueeze(1)).abs().sum([1]); // [K, m], the k = c term is 0
        var min = s.amin([1], keepdim: true); var max = s.amax([1], keepdim: true);
        var range = max - min;
        if (range.le(0).any().item<bool>())
            throw new ArgumentException("Eq. 5 is undefined: for some cluster the summed centroid distances are equal on every latent feature (min = max). Check that the centroids differ.");
        return ((s - min) / range).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The official code's representation ratios r [N, m] for cluster <paramref name="cluster"/> (digest Eq. 6):
    /// r_j = (max_k d_kj − min_k d_kj) / (d_cj − min_k d_kj + ε), d_kj = |μ^k_j − z_j| over all k (c included).
    /// r_j ≈ 1 where μ^c is the farthest centroid on feature j and (max − min)/ε where it is the nearest.
    /// </summary>
    public static Tensor RepresentationRatios(Tensor z, Tensor centroids, int cluster, double eps = RepresentationEps)
    {
        using var scope = NewDisposeScope();
        var d = (centroids.unsqueeze(1) - z.unsqueeze(0)).abs(); // [K, N, m]
        return Ratios(d, d[cluster], eps).MoveToOuterDisposeScope();
    }

    /// <summary>Eq. 6 (code) from the distances d [K, …, m] to every centroid (axis 0) and dc [..., m] to the explained one.</summary>
    static Tensor Ratios(Tensor d, Tensor dc, double eps)
    {
        var dmin = d.amin([0]);
        return (d.amax([0]) - dmin) / (dc - dmin + eps);
    }

    /// <summary>Eq. 8: Σ_j cw_j · r_j·|r_j| · |z_j| over the last axis.</summary>
    static Tensor WeightedCode(Tensor cw, Tensor r, Tensor z) => (cw * r * r.abs() * z.abs()).sum([-1]);

    /// <summary>
    /// The code loss per sample, [N] (digest Eq. 8, GradCam.py:193-194): L = Σ_j cw^c_j · r_j·|r_j| · |z_j|, with
    /// <see cref="CentroidWeights"/> and <see cref="RepresentationRatios"/>; differentiable in z (nothing detached).
    /// Both variants use this loss: the paper's Eq. 6/8 are ambiguous (digest §1), and the heatmap does not depend on the positive scale of the loss.
    /// </summary>
    public static Tensor CodeLoss(Tensor z, Tensor centroids, int cluster, double eps = RepresentationEps)
    {
        CheckCluster(cluster, (int)centroids.shape[0]);
        using var scope = NewDisposeScope();
        var cw = CentroidWeights(centroids.detach())[cluster].to_type(z.dtype);
        var r = RepresentationRatios(z, centroids.to_type(z.dtype), cluster, eps);
        return WeightedCode(cw, r, z).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The code loss of every cluster at once, [K, N]: block c of <paramref name="z"/> [K, N, m] holds the codes explained
    /// for cluster c, and entry [c, n] is <see cref="CodeLoss"/>(z[c], μ, c)[n] (digest Eq. 8), computed without a loop over clusters.
    /// </summary>
    public static Tensor CodeLossAllClusters(Tensor z, Tensor centroids, double eps = RepresentationEps)
    {
        if (z.dim() != 3 || z.shape[0] != centroids.shape[0] || z.shape[2] != centroids.shape[1])
            throw new ArgumentException($"z must be [K = {centroids.shape[0]}, N, m = {centroids.shape[1]}] (one block of codes per cluster); got [{string.Join(", ", z.shape)}].");
        using var scope = NewDisposeScope();
        var cw = CentroidWeights(centroids.detach()).to_type(z.dtype);          // [K, m]
        var mu = centroids.to_type(z.dtype);
        var d = (mu.unsqueeze(1).unsqueeze(1) - z.unsqueeze(0)).abs();       // [K (every centroid k), K (block c), N, m]
        var dc = (mu.unsqueeze(1) - z).abs();                                // d_cj of block c to its own centroid, [K, N, m]
        return WeightedCode(cw.unsqueeze(1), Ratios(d, dc, eps), z).MoveToOuterDisposeScope();
    }

    static void CheckCluster(int cluster, int k)
    {
        if (cluster < 0 || cluster >= k) throw new ArgumentOutOfRangeException(nameof(cluster), $"cluster must be in 0..{k - 1}; got {cluster}.");
    }

    /// <summary>Target-layer activations A of <paramref name="x"/> (no gradients), batched.</summary>
    public Tensor Activations(Tensor x)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long s = 0; s < x.shape[0]; s += BatchSize) parts.Add(Model.Head(x.narrow(0, s, Math.Min(BatchSize, x.shape[0] - s))));
        var a = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        if (a.dim() != Model.SpatialDims + 2)
            throw new InvalidOperationException($"The target layer has shape [{string.Join(", ", a.shape)}]: Grad-CeAM needs a layer with a spatial or temporal axis ([N, F, …]).");
        return a;
    }

    /// <summary>
    /// ∂L/∂A [N, F, …] of the code loss for <paramref name="cluster"/> at activations <paramref name="a"/>, by autograd
    /// through <see cref="IConvAutoencoder.Tail"/> (the sum over samples is differentiated; samples are independent).
    /// </summary>
    public Tensor LossGradient(Tensor a, int cluster)
    {
        CheckCluster(cluster, K);
        var parts = new List<Tensor>();
        for (long s = 0; s < a.shape[0]; s += BatchSize)
        {
            using var scope = NewDisposeScope();
            var ab = a.narrow(0, s, Math.Min(BatchSize, a.shape[0] - s)).detach().requires_grad_(true);
            using var enable = enable_grad();
            var z = Model.Tail(ab);
            var loss = CodeLoss(z, Centroids.to(z.device), cluster).sum();
            var g = autograd.grad([loss], [ab])[0];
            parts.Add(g.detach().MoveToOuterDisposeScope());
        }
        var grad = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return grad;
    }

    /// <summary>
    /// ∂L/∂A for every cluster at once, [K, N, F, …]: the activations of a chunk of samples are repeated K times along the
    /// batch, block c carries cluster c's loss (<see cref="CodeLossAllClusters"/>), and one backward pass through the tail
    /// gives every block its own gradient (samples and blocks are independent; BatchNorm is in inference mode).
    /// Equal to stacking <see cref="LossGradient"/> over c, with one autograd pass per chunk instead of K.
    /// </summary>
    public Tensor LossGradientAllClusters(Tensor a)
    {
        int k = K;
        long n = a.shape[0], chunk = Math.Max(1, BatchSize / k);
        var parts = new List<Tensor>();
        for (long s = 0; s < n; s += chunk)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(chunk, n - s);
            var ab = a.narrow(0, s, len).detach();
            var rep = ab.unsqueeze(0).expand([k, .. ab.shape]).reshape([k * len, .. ab.shape[1..]]).contiguous().requires_grad_(true);
            using var enable = enable_grad();
            var z = Model.Tail(rep);
            var loss = CodeLossAllClusters(z.reshape(k, len, z.shape[1]), Centroids.to(z.device)).sum();
            var g = autograd.grad([loss], [rep])[0];
            parts.Add(g.detach().reshape([k, len, .. ab.shape[1..]]).MoveToOuterDisposeScope());
        }
        var grad = cat(parts, 1);
        foreach (var p in parts) p.Dispose();
        return grad;
    }

    /// <summary>Channel weights of every cluster, [K, N, F] (<see cref="ChannelWeights"/> for c = 0..K−1, from one backward pass per chunk).</summary>
    public Tensor ChannelWeightsAllClusters(Tensor a)
    {
        using var g = LossGradientAllClusters(a);
        return FromGradient(g);
    }

    /// <summary>
    /// Channel weights W [N, F] for <paramref name="cluster"/> at activations <paramref name="a"/>: official 2·Σ_{positions} ∂L/∂A^k
    /// (GradCam.py:206-208), paper (1/D)·Σ_{positions} ∂L/∂A^k (Eq. 9).
    /// </summary>
    public Tensor ChannelWeights(Tensor a, int cluster)
    {
        using var g = LossGradient(a, cluster);
        return FromGradient(g);
    }

    /// <summary>Channel weights from ∂L/∂A [(K,) N, F, …spatial]: the variant's reduction over the spatial axes (the last <see cref="IConvAutoencoder.SpatialDims"/>).</summary>
    Tensor FromGradient(Tensor g)
    {
        var axes = Enumerable.Range(1, Model.SpatialDims).Select(i => -(long)i).ToArray();
        return Variant == GradCeamVariant.Official ? 2 * g.sum(axes) : g.mean(axes);
    }

    /// <summary>
    /// Raw class activation map at the target-layer resolution, [N, …spatial]: official Σ_k W_k A^k (no ReLU anywhere),
    /// paper Σ_k ReLU(W_k) A^k (Eq. 10). <paramref name="weights"/> is [N, F], or [K, N, F] for K clusters at once
    /// (giving [K, N, …spatial]).
    /// </summary>
    public static Tensor Cam(Tensor a, Tensor weights, GradCeamVariant variant)
    {
        using var scope = NewDisposeScope();
        var w = variant == GradCeamVariant.Official ? weights : nn.functional.relu(weights);
        int spatial = (int)a.dim() - 2;
        for (int i = 0; i < spatial; i++) w = w.unsqueeze(-1);
        return (a * w).sum([-(spatial + 1)]).MoveToOuterDisposeScope();      // over the channel axis F
    }

    /// <summary>
    /// Heatmaps of <paramref name="x"/> for cluster <paramref name="cluster"/> (any cluster, not only the sample's own):
    /// <see cref="Cam"/>, resized to the input (2-D bilinear as cv2.resize; 1-D nearest index as the code's <c>scale</c>),
    /// then min-max per sample, (h − min)/(max − min + 1e-8). Shape [N, H, W] or [N, T], values in [0, 1].
    /// Series in the official plots are additionally smoothed by <see cref="SmoothSeries"/>.
    /// </summary>
    public Tensor Heatmaps(Tensor x, int cluster)
    {
        CheckCluster(cluster, K);
        using var scope = NewDisposeScope();
        var a = Activations(x);
        var w = ChannelWeights(a, cluster);
        return Postprocess(Cam(a, w, Variant), Model.InputShape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Heatmaps of <paramref name="x"/> for every cluster, [K, N, H, W] or [K, N, T]: entry [c] equals
    /// <see cref="Heatmaps"/>(x, c). The activations are computed once and the channel weights of all clusters come from
    /// one backward pass per chunk (<see cref="ChannelWeightsAllClusters"/>), instead of K forward and K backward passes.
    /// </summary>
    public Tensor HeatmapsAllClusters(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = Activations(x);
        var cam = Cam(a, ChannelWeightsAllClusters(a), Variant);              // [K, N, …spatial]
        var h = Postprocess(cam.flatten(0, 1), Model.InputShape);
        return h.reshape([K, x.shape[0], .. h.shape[1..]]).MoveToOuterDisposeScope();
    }

    /// <summary>Resize a raw cam [N, …spatial] to the input's spatial size and min-max it per sample.</summary>
    public static Tensor Postprocess(Tensor cam, long[] inputShape)
    {
        using var scope = NewDisposeScope();
        Tensor h;
        if (cam.dim() == 3)
        {
            long H = inputShape[^2], W = inputShape[^1];
            h = cam.shape[1] == H && cam.shape[2] == W ? cam
                : nn.functional.interpolate(cam.unsqueeze(1), [H, W], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        }
        else if (cam.dim() == 2)
        {
            long T = inputShape[^1], old = cam.shape[1];
            var idx = arange(T, dtype: ScalarType.Int64, device: cam.device).mul(old).div(T, rounding_mode: RoundingMode.floor); // out[r] = cam[⌊old·r/new⌋]
            h = cam.index_select(1, idx);
        }
        else throw new ArgumentException($"A cam is [N, T] or [N, H, W]; got [{string.Join(", ", cam.shape)}].");
        return Normalize(h).MoveToOuterDisposeScope();
    }

    /// <summary>Per-sample min-max (h − min)/(max − min + 1e-8) over all but the first axis (GradCam.py:31-35).</summary>
    public static Tensor Normalize(Tensor h)
    {
        using var scope = NewDisposeScope();
        var flat = h.flatten(1);
        var min = flat.amin([1], keepdim: true); var max = flat.amax([1], keepdim: true);
        return ((flat - min) / (max - min + NormalizeEps)).reshape(h.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The official code's smoothing of 1-D heatmaps (GradCam.py:38-59), reproduced exactly: s_i = h_i + Σ_{j in window, j≠i} (0.5/|i−j|)·h_j
    /// with d = ⌈T/20⌉, window [max(i−d, 0), i+d+1) clipped at T, where the code's bound <c>i+d+1 &lt; T−1</c> makes the
    /// window reach T when i + d + 1 = T − 1 (one extra neighbour). Not renormalised (the code's <c>factor</c> is unused).
    /// </summary>
    public static Tensor SmoothSeries(Tensor h, double amplitude = 0.5)
    {
        if (h.dim() != 2) throw new ArgumentException($"SmoothSeries takes [N, T]; got [{string.Join(", ", h.shape)}].");
        int T = (int)h.shape[1], d = (int)Math.Ceiling(T / 20.0);
        var m = new double[T, T];
        for (int i = 0; i < T; i++)
        {
            int start = i - d > 0 ? i - d : 0;
            int end = i + d + 1 < T - 1 ? i + d + 1 : T;
            for (int j = start; j < i; j++) m[i, j] = amplitude / (i - j);
            for (int j = i + 1; j < end; j++) m[i, j] = amplitude / (j - i);
            m[i, i] = 1;
        }
        using var mat = tensor(m, dtype: h.dtype, device: h.device);
        return h.matmul(mat.t());
    }
}
