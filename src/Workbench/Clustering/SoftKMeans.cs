using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Soft k-means (NEON App. E-A): p_k(x) = softmax_k(−τ‖x − μ_k‖²) (Eq. 23 with logits Eq. 31), τ the stiffness.
/// Fit alternates responsibilities and weighted means, from k-means++ seeds, <see cref="NInit"/> restarts keeping the
/// lowest soft objective Σ_n −(1/τ) log Σ_k exp(−τ‖x_n − μ_k‖²).
/// </summary>
public sealed class SoftKMeans
{
    public SoftKMeans(int k, double stiffness, int nInit = 10, int maxIter = 300, double tol = 1e-6, long seed = 0, Device? device = null)
    {
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.");
        if (!(stiffness > 0) || double.IsInfinity(stiffness)) throw new ArgumentException($"stiffness τ must be a positive finite number; got {stiffness}.");
        K = k; Stiffness = stiffness; NInit = nInit; MaxIter = maxIter; Tol = tol; Seed = seed; Device = device;
    }

    public int K { get; }
    /// <summary>τ in Eq. (31).</summary>
    public double Stiffness { get; }
    public int NInit { get; }
    public int MaxIter { get; }
    public double Tol { get; }
    public long Seed { get; }
    public Device? Device { get; }

    /// <summary>μ_k, [K,d].</summary>
    public Tensor Centroids { get; private set; } = null!;
    /// <summary>argmax_k p_k of each training point, [N].</summary>
    public Tensor Labels { get; private set; } = null!;
    /// <summary>The soft objective of the kept run.</summary>
    public double Objective { get; private set; }

    /// <summary>Sets the centroids directly (e.g. from a hard k-means) instead of fitting.</summary>
    public SoftKMeans WithCentroids(Tensor centroids) { Centroids = centroids; return this; }

    public SoftKMeans Fit(Tensor x)
    {
        Distances.CheckData(x);
        using var scope = NewDisposeScope();
        x = x.to(Devices.Resolve(Device));
        var g = Seeds.Generator(Seed);
        double tolAbs = Tol * x.var(new long[] { 0 }, unbiased: false).mean().ToDouble();
        Tensor? best = null; double bestObj = double.PositiveInfinity;
        for (int r = 0; r < NInit; r++)
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
            if (obj < bestObj) { bestObj = obj; best = c; }
        }
        Centroids = best!.MoveToOuterDisposeScope();
        Objective = bestObj;
        Labels = Predict(x).MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>z_k(x) = −τ‖x − μ_k‖², [N,K] (Eq. 31).</summary>
    public Tensor Logits(Tensor x) => -Stiffness * Distances.Squared(x.to(Centroids.device).to_type(Centroids.dtype), Centroids);

    /// <summary>p_k(x), [N,K] (Eq. 23).</summary>
    public Tensor PredictProba(Tensor x) { using var s = NewDisposeScope(); return softmax(Logits(x), 1).MoveToOuterDisposeScope(); }

    /// <summary>argmax_k p_k(x) = nearest centroid, [N].</summary>
    public Tensor Predict(Tensor x) { using var s = NewDisposeScope(); return Logits(x).argmax(1).MoveToOuterDisposeScope(); }
}
