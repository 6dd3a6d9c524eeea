using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// k-means++ seeding (Arthur &amp; Vassilvitskii 2007), greedy variant as in scikit-learn: each new centre is the best of
/// 2 + ⌊ln K⌋ candidates drawn with probability ∝ D(x)², the one that lowers the potential most.
/// Draws come from a CPU generator, so a seed gives the same centres on every device.
/// </summary>
public static class KMeansPlusPlus
{
    /// <summary>Returns <paramref name="k"/> initial centres [K,d] chosen among the rows of <paramref name="x"/>.</summary>
    /// <param name="x">data [N,d]</param>
    /// <param name="k">number of centres</param>
    /// <param name="generator">CPU generator the draws come from</param>
    /// <param name="localTrials">candidates per centre (default 2 + ⌊ln K⌋)</param>
    /// <param name="xNorms">‖x_n‖² [N] when the caller has it</param>
    public static Tensor Init(Tensor x, int k, torch.Generator generator, int? localTrials = null, Tensor? xNorms = null)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        if (k > n) throw new ArgumentException($"k-means++ needs at least K = {k} points; got {n}.");
        int trials = localTrials ?? 2 + (int)Math.Log(k);
        var dt = x.dtype;
        var first = randint(n, new long[] { 1 }, generator: generator).item<long>();
        var centers = new List<long> { first };
        var xx = xNorms ?? Distances.RowSquaredNorms(x);
        var closest = Distances.Squared(x, x[TensorIndex.Slice(first, first + 1)], xx).squeeze(1); // [N]
        for (int c = 1; c < k; c++)
        {
            var pot = closest.sum().ToDouble();
            long[] candidates;
            if (pot <= 0) // all points coincide with chosen centres: take distinct unused rows uniformly
                candidates = new[] { randint(n, new long[] { 1 }, generator: generator).item<long>() };
            else
                candidates = multinomial(closest.to(float64).cpu(), trials, replacement: true, generator: generator).data<long>().ToArray();
            var cand = tensor(candidates, device: x.device);
            var dc = Distances.Squared(x, x.index_select(0, cand), xx).T; // [T,N]
            var newClosest = minimum(closest.unsqueeze(0), dc);     // [T,N]
            var best = (int)newClosest.sum(1).argmin().item<long>();
            centers.Add(candidates[best]);
            closest = newClosest[best].clone();
        }
        var result = x.index_select(0, tensor(centers.ToArray(), device: x.device)).to_type(dt).clone();
        return result.MoveToOuterDisposeScope();
    }
}
