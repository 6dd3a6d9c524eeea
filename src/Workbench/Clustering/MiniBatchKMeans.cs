using TorchSharp;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Mini-batch k-means (Sculley 2010; the mKMC baseline and the paper's centroid initialisation in NeurCAM §3.4):
/// k-means++ seeding, then <see cref="MaxIter"/> steps that assign a random batch to its nearest centroid and move each
/// centroid towards its batch points with step 1/(points seen so far). <see cref="NInit"/> restarts; the run with the
/// lowest inertia on all rows is kept. Shaped like scikit-learn's <c>MiniBatchKMeans</c> (not bit-identical to it:
/// scikit-learn also reassigns small clusters and stops early on an EWA of the batch inertia).
/// </summary>
public sealed class MiniBatchKMeans : Clusterer<MiniBatchKMeans>
{
    /// <param name="k">number of clusters</param>
    /// <param name="batchSize">rows per step (scikit-learn default 1024)</param>
    /// <param name="maxIter">steps per restart</param>
    /// <param name="nInit">restarts (the paper's init uses 10)</param>
    /// <param name="seed">seed of the seeding and of the batches</param>
    /// <param name="device">device to fit on</param>
    public MiniBatchKMeans(int k, int batchSize = 1024, int maxIter = 100, int nInit = 3, long seed = 0, Device? device = null)
        : base(k, seed, device)
    {
        if (batchSize < 1) throw new ArgumentException($"batchSize must be at least 1; got {batchSize}.", nameof(batchSize));
        if (maxIter < 1) throw new ArgumentException($"maxIter must be at least 1; got {maxIter}.", nameof(maxIter));
        if (nInit < 1) throw new ArgumentException($"nInit must be at least 1; got {nInit}.", nameof(nInit));
        BatchSize = batchSize; MaxIter = maxIter; NInit = nInit;
    }

    /// <summary>Rows per step.</summary>
    public int BatchSize { get; }
    /// <summary>Steps per restart.</summary>
    public int MaxIter { get; }
    /// <summary>Restarts.</summary>
    public int NInit { get; }
    /// <summary>Centroids, [K,d].</summary>
    public Tensor Centroids { get; private set; } = null!;
    /// <summary>Σ‖x_n − c_{k(n)}‖² of the training rows under <see cref="Centroids"/>.</summary>
    public double Inertia { get; private set; }

    /// <inheritdoc/>
    protected override void FitCore(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x.to(Devices.Resolve(Device));
        long n = x.shape[0];
        var g = Seeds.Generator(Seed);
        Tensor? best = null; double bestI = double.PositiveInfinity;
        using var bar = Progress.Start($"mini-batch k-means K={K}", NInit);
        for (int r = 0; r < NInit; r++)
        {
            var initRows = randperm(n, generator: g).narrow(0, 0, Math.Min(n, Math.Max(3L * BatchSize, 10L * K))).to(x.device);
            var c = KMeansPlusPlus.Init(x.index_select(0, initRows), K, g);
            var counts = zeros(K, dtype: x.dtype, device: x.device);
            for (int it = 0; it < MaxIter; it++)
            {
                using var step = NewDisposeScope();
                var idx = randint(0, n, new long[] { Math.Min(BatchSize, n) }, generator: g).to(x.device);
                var xb = x.index_select(0, idx);
                var lab = Distances.Squared(xb, c).argmin(1);
                var bc = zeros(K, dtype: x.dtype, device: x.device).index_add_(0, lab, ones(xb.shape[0], dtype: x.dtype, device: x.device), 1);
                var bs = zeros_like(c).index_add_(0, lab, xb, 1);
                counts.add_(bc);
                // c ← c + (Σ_batch x − n_b c)/counts: the per-point 1/count steps of Sculley's update, summed over the batch
                var upd = (bs - bc.unsqueeze(1) * c) / counts.clamp_min(1).unsqueeze(1);
                c.add_(upd);
            }
            double inertia = Distances.Squared(x, c).min(1).values.sum().ToDouble();
            if (inertia < bestI) { bestI = inertia; best = c.clone(); }
            bar.Report(r + 1, $"inertia {inertia:G6}");
        }
        Centroids = best!.MoveToOuterDisposeScope();
        Inertia = bestI;
        Labels = Distances.Squared(x, Centroids).argmin(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override Tensor PredictCore(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids).argmin(1).MoveToOuterDisposeScope();
    }
}
