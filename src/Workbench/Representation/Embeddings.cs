using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Representation;

/// <summary>
/// Representations x̃ for a clustering loss (NeurCAM §4: the loss sees x̃, the explanation sees x): PCA and an exact
/// Laplacian eigenmap on a kNN graph (the stand-in for SpectralNet, whose code is unpublished).
/// </summary>
public static class Embeddings
{
    /// <summary>Principal-component scores of the centred rows of <paramref name="x"/> on the top <paramref name="dims"/> components, [N,dims].</summary>
    public static Tensor Pca(Tensor x, int dims, Device? device = null)
    {
        Distances.CheckData(x);
        if (dims < 1 || dims > x.shape[1]) throw new ArgumentException($"dims must be in 1..{x.shape[1]} (the number of features); got {dims}.", nameof(dims));
        using var scope = NewDisposeScope();
        var xc = x.to(ScalarType.Float64, Devices.Resolve(device));
        xc = xc - xc.mean(new long[] { 0 });
        var (_, _, vh) = linalg.svd(xc, fullMatrices: false);
        var scores = xc.matmul(vh[TensorIndex.Slice(0, dims)].T);
        // sign convention: the largest-magnitude loading of each component positive (deterministic across runs)
        var signs = vh[TensorIndex.Slice(0, dims)].gather(1, vh[TensorIndex.Slice(0, dims)].abs().argmax(1).unsqueeze(1)).sign().reshape(1, dims);
        return (scores * signs).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Laplacian eigenmap (Belkin &amp; Niyogi 2003) as a deterministic SpectralNet substitute: a symmetrised kNN graph
    /// with 0/1 weights, the normalised Laplacian L = I − D^{−1/2} W D^{−1/2}, and the eigenvectors of its
    /// <paramref name="dims"/> smallest eigenvalues with each row scaled to unit length (Ng, Jordan &amp; Weiss 2001), [N,dims].
    /// Dense O(N²) memory and O(N³) time: for N ≤ a few thousand.
    /// </summary>
    public static Tensor LaplacianEigenmap(Tensor x, int dims, int neighbours = 10, Device? device = null)
    {
        Distances.CheckData(x);
        long n = x.shape[0];
        if (dims < 1 || dims >= n) throw new ArgumentException($"dims must be in 1..{n - 1}; got {dims}.", nameof(dims));
        if (neighbours < 1 || neighbours >= n) throw new ArgumentException($"neighbours must be in 1..{n - 1}; got {neighbours}.", nameof(neighbours));
        if (n > 6000) throw new ArgumentException($"The exact eigenmap is dense (N² memory); got N = {n}. Subsample to ≤ 6000 rows.");
        using var scope = NewDisposeScope();
        var xd = x.to(ScalarType.Float64, Devices.Resolve(device));
        var d2 = Distances.Squared(xd, xd);
        d2 = d2.masked_fill(eye(n, device: xd.device).to_type(ScalarType.Bool), double.PositiveInfinity);
        var nn = d2.topk(neighbours, dim: 1, largest: false).indexes;
        var w = zeros(n, n, dtype: ScalarType.Float64, device: xd.device).scatter_(1, nn, ones(nn.shape, dtype: ScalarType.Float64, device: xd.device));
        w = (w + w.T).clamp_max(1);                                           // symmetrised kNN graph
        var deg = w.sum(new long[] { 1 });
        var dInv = deg.rsqrt();
        var l = eye(n, dtype: ScalarType.Float64, device: xd.device) - dInv.unsqueeze(1) * w * dInv.unsqueeze(0);
        var (_, vecs) = linalg.eigh(l);                                       // ascending eigenvalues
        var emb = vecs[.., TensorIndex.Slice(0, dims)];
        var signs = emb.gather(0, emb.abs().argmax(0).unsqueeze(0)).sign();
        emb = emb * signs;
        return (emb / emb.square().sum(new long[] { 1 }, keepdim: true).sqrt().clamp_min(1e-12)).MoveToOuterDisposeScope();   // NJW: rows to unit length
    }
}
