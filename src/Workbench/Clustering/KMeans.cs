using TorchSharp;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// k-means (NEON §II, Eq. 1): k-means++ seeding, Lloyd iterations, <see cref="NInit"/> restarts keeping the lowest inertia.
/// Shaped like scikit-learn's <c>KMeans</c>: <c>new KMeans(k: 6, seed: 0).Fit(x)</c>, then <see cref="Centroids"/>,
/// <see cref="Labels"/>, <see cref="Inertia"/>, <see cref="Predict"/>. Runs on <see cref="Devices.Default"/> unless given
/// a device, in the dtype of the data (float32 or float64).
/// </summary>
public sealed class KMeans
{
    public KMeans(int k, int nInit = 10, int maxIter = 300, double tol = 1e-4, long seed = 0, Device? device = null)
    {
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.");
        if (nInit < 1) throw new ArgumentException($"nInit must be at least 1; got {nInit}.");
        if (maxIter < 1) throw new ArgumentException($"maxIter must be at least 1; got {maxIter}.");
        if (tol < 0) throw new ArgumentException($"tol must be ≥ 0; got {tol}.");
        K = k; NInit = nInit; MaxIter = maxIter; Tol = tol; Seed = seed; Device = device;
    }

    // Hyperparameters
    public int K { get; }
    public int NInit { get; }
    public int MaxIter { get; }
    /// <summary>Relative tolerance: stop when the summed squared centre shift ≤ tol · mean per-feature variance (as scikit-learn).</summary>
    public double Tol { get; }
    public long Seed { get; }
    public Device? Device { get; }

    // Learned state
    /// <summary>Centroids μ_k, [K,d].</summary>
    public Tensor Centroids { get; private set; } = null!;
    /// <summary>Cluster of each training point, [N] int64.</summary>
    public Tensor Labels { get; private set; } = null!;
    /// <summary>Sum of squared distances of the training points to their centroid.</summary>
    public double Inertia { get; private set; }
    /// <summary>Lloyd iterations of the kept run.</summary>
    public int NIter { get; private set; }
    /// <summary>Inertia of every restart, in order.</summary>
    public IReadOnlyList<double> RestartInertias { get; private set; } = Array.Empty<double>();

    public KMeans Fit(Tensor x)
    {
        Distances.CheckData(x);
        var device = Devices.Resolve(Device);
        if (x.shape[0] < K) throw new ArgumentException($"k-means with K = {K} needs at least {K} points; got {x.shape[0]}.");
        DistinctRows.Require(x, K, "k-means"); // else duplicate centroids and an empty cluster
        using var scope = NewDisposeScope();
        x = x.to(device);
        var g = Seeds.Generator(Seed);
        double tolAbs = Tol * x.var(new long[] { 0 }, unbiased: false).mean().ToDouble();
        Tensor? bestC = null, bestL = null;
        double bestI = double.PositiveInfinity; int bestIter = 0;
        var inertias = new List<double>();
        using var bar = Progress.Start($"k-means K={K}", NInit);
        for (int r = 0; r < NInit; r++)
        {
            var c = KMeansPlusPlus.Init(x, K, g);
            var (cent, lab, inertia, iters) = Lloyd(x, c, MaxIter, tolAbs);
            inertias.Add(inertia);
            if (inertia < bestI) { bestI = inertia; bestC = cent; bestL = lab; bestIter = iters; }
            bar.Report(r + 1, $"inertia {inertia:G6}, best {bestI:G6}");
        }
        Centroids = bestC!.MoveToOuterDisposeScope();
        Labels = bestL!.MoveToOuterDisposeScope();
        Inertia = bestI; NIter = bestIter; RestartInertias = inertias;
        return this;
    }

    /// <summary>Nearest centroid of each row, [N] int64 (Eq. 1).</summary>
    public Tensor Predict(Tensor x)
    {
        if (Centroids is null) throw new InvalidOperationException("Call Fit before Predict.");
        Distances.CheckData(x);
        using var scope = NewDisposeScope();
        return Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids).argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>Squared distance of each row to each centroid, [N,K].</summary>
    public Tensor Transform(Tensor x)
    {
        if (Centroids is null) throw new InvalidOperationException("Call Fit before Transform.");
        return Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids);
    }

    /// <summary>Lloyd's algorithm from <paramref name="centroids"/>; returns centroids, labels (consistent with the centroids), inertia, iterations.</summary>
    public static (Tensor Centroids, Tensor Labels, double Inertia, int Iterations) Lloyd(Tensor x, Tensor centroids, int maxIter, double tolAbs)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], k = centroids.shape[0];
        var c = centroids.clone();
        var xx = Distances.RowSquaredNorms(x);
        Tensor? labels = null;
        int it = 0;
        for (; it < maxIter; it++)
        {
            var d = Distances.Squared(x, c, xx);
            var (minD, lab) = d.min(1);
            bool same = labels is not null && lab.eq(labels).all().item<bool>();
            labels = lab;
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
            c = newC;
            if (shift <= tolAbs) { it++; break; }
        }
        var dFinal = Distances.Squared(x, c, xx);
        var (m, l) = dFinal.min(1);
        double inertia = m.sum().ToDouble();
        return (c.MoveToOuterDisposeScope(), l.MoveToOuterDisposeScope(), inertia, it);
    }
}
