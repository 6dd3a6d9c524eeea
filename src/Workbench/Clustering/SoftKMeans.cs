using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Soft k-means (NEON App. E-A): p_k(x) = softmax_k(−τ‖x − μ_k‖²) (Eq. 23 with logits Eq. 31), τ the stiffness.
/// Fit alternates responsibilities and weighted means, from k-means++ seeds, <see cref="NInit"/> restarts keeping the
/// lowest soft objective Σ_n −(1/τ) log Σ_k exp(−τ‖x_n − μ_k‖²).
/// </summary>
public sealed class SoftKMeans : Clusterer<SoftKMeans>, ISoftClusterer
{
    /// <param name="k">number of clusters K, ≥ 1</param>
    /// <param name="stiffness">τ of Eq. (31), positive and finite</param>
    /// <param name="nInit">restarts from fresh k-means++ seeds; the lowest soft objective is kept</param>
    /// <param name="maxIter">maximum iterations per restart</param>
    /// <param name="tol">relative tolerance on the centre shift (as <see cref="KMeans.Tol"/>)</param>
    /// <param name="seed">seed of the k-means++ draws</param>
    /// <param name="device">device to fit on; <see cref="Devices.Default"/> when null</param>
    public SoftKMeans(int k, double stiffness, int nInit = 10, int maxIter = 300, double tol = 1e-6, long seed = 0, Device? device = null)
        : base(k, seed, device)
    {
        if (!(stiffness > 0) || double.IsInfinity(stiffness)) throw new ArgumentException($"stiffness τ must be a positive finite number; got {stiffness}.");
        AtLeast(nInit, 1, nameof(nInit)); AtLeast(maxIter, 1, nameof(maxIter)); NonNegative(tol, nameof(tol));
        Stiffness = stiffness; NInit = nInit; MaxIter = maxIter; Tol = tol;
    }

    /// <summary>τ in Eq. (31).</summary>
    public double Stiffness { get; }
    /// <summary>Restarts from fresh k-means++ seeds.</summary>
    public int NInit { get; }
    /// <summary>Maximum iterations per restart.</summary>
    public int MaxIter { get; }
    /// <summary>Relative tolerance on the summed squared centre shift (times the mean feature variance).</summary>
    public double Tol { get; }

    /// <summary>μ_k, [K,d].</summary>
    public Tensor Centroids { get; private set; } = null!;
    /// <summary>The soft objective of the kept run.</summary>
    public double Objective { get; private set; }

    /// <summary>Sets the centroids directly (e.g. from a hard k-means) instead of fitting; <see cref="IClusterer.Labels"/> stays unset.</summary>
    public SoftKMeans WithCentroids(Tensor centroids)
    {
        CheckInput(centroids, "centroids");
        if (centroids.shape[0] != K) throw new ArgumentException($"centroids must have K = {K} rows; got {centroids.shape[0]}.");
        Centroids = centroids; MarkFitted(centroids.shape[1]);
        return this;
    }

    /// <inheritdoc/>
    protected override void FitCore(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x.to(Devices.Resolve(Device));
        double tolAbs = Tol * Distances.MeanVariance(x);
        var best = BestOfRestarts(NInit, $"soft k-means K={K}", g =>
        {
            var c = KMeansPlusPlus.Init(x, K, g);
            for (int it = 0; it < MaxIter; it++)
            {
                var p = softmax(-Stiffness * Distances.Squared(x, c), 1); // [N,K]
                var newC = p.T.matmul(x) / p.sum(new long[] { 0 }).clamp_min(1e-300).unsqueeze(1);
                var shift = (newC - c).pow(2).sum().ToDouble();
                c = newC;
                if (shift <= tolAbs) break;
            }
            double obj = (-logsumexp(-Stiffness * Distances.Squared(x, c), 1) / Stiffness).sum().ToDouble();
            return (c, obj);
        });
        Centroids = best.MoveToOuterDisposeScope();
        Objective = RestartObjectives.Min();
        Labels = PredictCore(x).MoveToOuterDisposeScope();
    }

    /// <summary>z_k(x) = −τ‖x − μ_k‖², [N,K] (Eq. 31).</summary>
    public Tensor Logits(Tensor x) { CheckPredictInput(x, nameof(Logits)); return LogitsCore(x); }

    /// <summary>Squared distance of each row to each centroid, [N,K] (as <see cref="KMeans.Transform"/>).</summary>
    public Tensor Transform(Tensor x) { CheckPredictInput(x, nameof(Transform)); return Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids); }

    /// <summary>p_k(x), [N,K] (Eq. 23).</summary>
    public Tensor PredictProba(Tensor x) { CheckPredictInput(x, nameof(PredictProba)); using var s = NewDisposeScope(); return softmax(LogitsCore(x), 1).MoveToOuterDisposeScope(); }

    /// <summary>argmax_k p_k(x) = nearest centroid, [N].</summary>
    protected override Tensor PredictCore(Tensor x) { using var s = NewDisposeScope(); return LogitsCore(x).argmax(1).MoveToOuterDisposeScope(); }

    Tensor LogitsCore(Tensor x) => -Stiffness * Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids);
}
