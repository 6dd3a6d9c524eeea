using TorchSharp;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// k-means (NEON §II, Eq. 1): k-means++ seeding, Lloyd iterations, <see cref="NInit"/> restarts keeping the lowest inertia.
/// Shaped like scikit-learn's <c>KMeans</c>: <c>new KMeans(k: 6, seed: 0).Fit(x)</c>, then <see cref="Centroids"/>,
/// <see cref="Clusterer{TSelf}.Labels"/>, <see cref="Inertia"/>, <see cref="Clusterer{TSelf}.Predict"/>. Runs on <see cref="Devices.Default"/> unless given
/// a device, in the dtype of the data (float32 or float64).
/// </summary>
public sealed class KMeans : Clusterer<KMeans>
{
    /// <param name="k">number of clusters K, ≥ 1</param>
    /// <param name="nInit">restarts from fresh k-means++ seeds; the lowest inertia is kept</param>
    /// <param name="maxIter">maximum Lloyd iterations per restart</param>
    /// <param name="tol">relative tolerance on the centre shift (see <see cref="Tol"/>)</param>
    /// <param name="seed">seed of the k-means++ draws</param>
    /// <param name="device">device to fit on; <see cref="Devices.Default"/> when null</param>
    public KMeans(int k, int nInit = 10, int maxIter = 300, double tol = 1e-4, long seed = 0, Device? device = null)
        : base(k, seed, device)
    {
        AtLeast(nInit, 1, nameof(nInit)); AtLeast(maxIter, 1, nameof(maxIter)); NonNegative(tol, nameof(tol));
        NInit = nInit; MaxIter = maxIter; Tol = tol;
    }

    /// <summary>Restarts from fresh k-means++ seeds.</summary>
    public int NInit { get; }
    /// <summary>Maximum Lloyd iterations per restart.</summary>
    public int MaxIter { get; }
    /// <summary>Relative tolerance: stop when the summed squared centre shift ≤ tol · mean per-feature variance (as scikit-learn).</summary>
    public double Tol { get; }

    /// <summary>Centroids μ_k, [K,d].</summary>
    public Tensor Centroids { get; private set; } = null!;
    /// <summary>Sum of squared distances of the training points to their centroid.</summary>
    public double Inertia { get; private set; }
    /// <summary>Lloyd iterations of the kept run.</summary>
    public int NIter { get; private set; }

    /// <inheritdoc/>
    protected override void FitCore(Tensor x)
    {
        DistinctRows.Require(x, K, "k-means"); // else duplicate centroids and an empty cluster
        using var scope = NewDisposeScope();
        x = x.to(Devices.Resolve(Device));
        double tolAbs = Tol * Distances.MeanVariance(x);
        var xx = Distances.RowSquaredNorms(x);
        var best = BestOfRestarts(NInit, $"k-means K={K}", g =>
        {
            var run = Lloyd(x, KMeansPlusPlus.Init(x, K, g, xNorms: xx), MaxIter, tolAbs, xx);
            return (run, run.Inertia);
        });
        Centroids = best.Centroids.MoveToOuterDisposeScope();
        Labels = best.Labels.MoveToOuterDisposeScope();
        Inertia = best.Inertia; NIter = best.Iterations;
    }

    /// <summary>Nearest centroid of each row, [N] int64 (Eq. 1).</summary>
    protected override Tensor PredictCore(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids).argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>Squared distance of each row to each centroid, [N,K] (scikit-learn's <c>transform</c> gives the unsquared distance).</summary>
    public Tensor Transform(Tensor x)
    {
        CheckPredictInput(x, nameof(Transform));
        return Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids);
    }

    /// <summary>Lloyd's algorithm from <paramref name="centroids"/>; returns centroids, labels (consistent with the centroids), inertia, iterations.</summary>
    /// <param name="x">data [N,d]</param>
    /// <param name="centroids">initial centres [K,d]</param>
    /// <param name="maxIter">maximum iterations</param>
    /// <param name="tolAbs">absolute tolerance on the summed squared centre shift</param>
    /// <param name="xNorms">‖x_n‖² [N] when the caller has it (reused over restarts)</param>
    public static (Tensor Centroids, Tensor Labels, double Inertia, int Iterations) Lloyd(Tensor x, Tensor centroids, int maxIter, double tolAbs, Tensor? xNorms = null)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], k = centroids.shape[0];
        var c = centroids.clone();
        var xx = xNorms ?? Distances.RowSquaredNorms(x);
        Tensor? labels = null;
        int it = 0;
        for (; it < maxIter; it++)
        {
            using var step = NewDisposeScope(); // one iteration's [N,K] temporaries are freed before the next
            var d = Distances.Squared(x, c, xx);
            var (minD, lab) = d.min(1);
            bool same = labels is not null && lab.eq(labels).all().item<bool>();
            labels?.Dispose();
            labels = lab.MoveToOuterDisposeScope();
            if (same) break; // strict convergence
            var counts = zeros(k, dtype: x.dtype, device: x.device).index_add_(0, lab, ones(n, dtype: x.dtype, device: x.device), 1);
            var sums = zeros_like(c).index_add_(0, lab, x, 1);
            var newC = sums / counts.clamp_min(1).unsqueeze(1);
            var empty = counts.eq(0);
            if (empty.any().item<bool>())
            {
                // Relocate empty clusters to the points farthest from their centroid (as scikit-learn does).
                var emptyIdx = empty.nonzero().squeeze(1);
                var far = minD.argsort(descending: true)[TensorIndex.Slice(0, emptyIdx.shape[0])];
                newC.index_copy_(0, emptyIdx, x.index_select(0, far));
            }
            var shift = (newC - c).pow(2).sum().ToDouble();
            c.Dispose();
            c = newC.MoveToOuterDisposeScope();
            if (shift <= tolAbs) { it++; break; }
        }
        var dFinal = Distances.Squared(x, c, xx);
        var (m, l) = dFinal.min(1);
        double inertia = m.sum().ToDouble();
        return (c.MoveToOuterDisposeScope(), l.MoveToOuterDisposeScope(), inertia, it);
    }
}
