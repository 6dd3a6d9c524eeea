using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Explanation;

/// <summary>
/// Sampled Shapley values of many points at once (<see cref="SampledShapley.Estimate"/>): per point the value of each
/// feature group [N,G], the same spread evenly over the group's features [N,D], f at the point [N] and the mean of f over
/// the references drawn for it [N]. Efficiency holds exactly: Σ_g Values[n,g] = Fx[n] − FReference[n]. StandardErrors
/// [N,G] are the standard deviations of the antithetic-pair means over √pairs.
/// </summary>
public sealed record SampledShapleyResult(Tensor Values, Tensor FeatureValues, Tensor Fx, Tensor FReference, Tensor StandardErrors, long Evaluations);

/// <summary>
/// The interventional Shapley value of a model output with a background distribution (the quantity KernelSHAP estimates
/// by weighted regression, Lundberg &amp; Lee 2017, Eq. 8 with missing features drawn from the background), estimated by
/// antithetic permutation sampling (Castro et al. 2009; Mitchell et al. 2022): for each sampled order π of the feature
/// groups and its reverse, the groups are switched one by one from a background row r to x and each switch's change of f
/// is credited to the group switched. Every order telescopes to f(x) − f(r), so the estimate is exactly efficient, and
/// an order together with its reverse credits every pairwise interaction half to each partner, so for models with at most
/// pairwise interactions between groups the estimate equals the exact Shapley value for any number of samples.
/// Batched over points, orders and steps; seeded.
/// </summary>
public static class SampledShapley
{
    /// <summary>
    /// Sampled Shapley values of <paramref name="f"/> at every row of <paramref name="x"/> [N,D].
    /// <paramref name="f"/> maps (inputs [B,D], the row of <paramref name="x"/> each input explains [B] int64) to [B]
    /// (e.g. the decision margin of the cluster that row was assigned to). Each point uses <paramref name="pairs"/> antithetic
    /// pairs of orders, each pair with one reference row drawn from <paramref name="background"/> [M,D] (M = 1: a fixed
    /// baseline). <paramref name="groups"/> [D] assigns features to groups 0…G−1 (e.g. image patches; null: one group per
    /// feature). Evaluations go to f in batches of at most <paramref name="batchSize"/> rows.
    /// </summary>
    public static SampledShapleyResult Estimate(Func<Tensor, Tensor, Tensor> f, Tensor x, Tensor background, int pairs, long seed,
        long[]? groups = null, int batchSize = 8192, Device? device = null)
    {
        var dev = Devices.Resolve(device);
        if (x.dim() != 2) throw new ArgumentException($"x must be [N,D] points; got [{string.Join(", ", x.shape)}]. Use x.unsqueeze(0) for one point.");
        long n = x.shape[0], d = x.shape[1];
        if (background.dim() != 2 || background.shape[1] != d || background.shape[0] < 1)
            throw new ArgumentException($"background must be [M,D] with M ≥ 1 and D = {d}; got [{string.Join(", ", background.shape)}].");
        if (pairs < 1) throw new ArgumentException($"pairs must be ≥ 1 (each pair is an order and its reverse); got {pairs}.");
        if (!x.isfinite().all().item<bool>() || !background.isfinite().all().item<bool>())
            throw new ArgumentException("x and background must be finite (no NaN or infinity).");
        var gid = groups ?? Enumerable.Range(0, (int)d).Select(i => (long)i).ToArray();
        if (gid.Length != d) throw new ArgumentException($"groups must give one group per feature ({d}); got {gid.Length}.");
        long gCount = gid.Max() + 1;
        if (gid.Min() < 0 || Enumerable.Range(0, (int)gCount).Any(gi => !gid.Contains(gi)))
            throw new ArgumentException($"groups must use every id 0…{gCount - 1} at least once and no negative id.");

        var gen = Seeds.Generator(seed);
        using var outer = NewDisposeScope();
        var xs = x.to(dev).to(float32);
        var bg = background.to(dev).to(float32);
        var groupOf = tensor(gid, device: dev);                                                  // [D]
        var groupSize = bincount(groupOf, minlength: gCount).to(float32);                        // [G]
        var values = zeros(new[] { n, gCount }, dtype: float64, device: dev);
        var sq = zeros(new[] { n, gCount }, dtype: float64, device: dev);
        var fx = zeros(n, dtype: float64, device: dev); var fr = zeros(n, dtype: float64, device: dev);
        long steps = gCount + 1;
        long pointsPerChunk = Math.Max(1, batchSize / (2 * steps));
        long evals = 0;
        for (int p = 0; p < pairs; p++)
        {
            // Draws per pair, for all points at once, so the result does not depend on batchSize.
            var order = rand(new[] { n, gCount }, generator: gen, dtype: float64).argsort(1).to(dev);   // [N,G] groups by step
            var refIdx = randint(background.shape[0], new[] { n }, generator: gen).to(dev);
            var rank = order.argsort(1);                                                         // [N,G] step of each group
            for (long s0 = 0; s0 < n; s0 += pointsPerChunk)
            {
                using var scope = NewDisposeScope();
                long m = Math.Min(pointsPerChunk, n - s0);
                var xc = xs.narrow(0, s0, m); var rc = bg.index_select(0, refIdx.narrow(0, s0, m));
                var rk = rank.narrow(0, s0, m).index_select(1, groupOf);                         // [m,D] step of each feature
                var both = stack(new[] { rk, rk.neg().add(gCount - 1) }, 1);                            // [m,2,D] the order and its reverse
                var t = arange(steps, device: dev).view(1, 1, steps, 1);
                var mask = both.unsqueeze(2).lt(t);                                              // [m,2,G+1,D] switched to x
                var inputs = where(mask, xc.view(m, 1, 1, d), rc.view(m, 1, 1, d)).reshape(m * 2 * steps, d);
                var rows = arange(s0, s0 + m, device: dev).view(m, 1, 1).expand(m, 2, steps).reshape(-1);
                var y = Evaluate(f, inputs, rows, batchSize).view(m, 2, steps);
                evals += m * 2 * steps;
                var marg = y[.., .., 1..] - y[.., .., ..^1];                                      // [m,2,G] change at each step
                var ord = order.narrow(0, s0, m);
                var idx = stack(new[] { ord, ord.flip(1) }, 1);                                  // group switched at each step
                var contrib = zeros(new[] { m, 2, gCount }, dtype: float64, device: dev).scatter_(2, idx, marg);
                var pairMean = contrib.mean(new long[] { 1 });                                   // [m,G]
                values.narrow(0, s0, m).add_(pairMean);
                sq.narrow(0, s0, m).add_(pairMean.pow(2));
                fx.narrow(0, s0, m).add_(y[.., 0, -1]);
                fr.narrow(0, s0, m).add_(y[.., 0, 0]);
            }
        }
        values.div_(pairs); fx.div_(pairs); fr.div_(pairs);
        var se = pairs > 1 ? (sq.div(pairs) - values.pow(2)).clamp_min(0).mul(pairs / (pairs - 1.0)).div(pairs).sqrt()
                           : full_like(values, double.NaN);
        var perFeature = values.index_select(1, groupOf) / groupSize.index_select(0, groupOf).to(float64);
        return new SampledShapleyResult(values.MoveToOuterDisposeScope(), perFeature.MoveToOuterDisposeScope(), fx.MoveToOuterDisposeScope(),
            fr.MoveToOuterDisposeScope(), se.MoveToOuterDisposeScope(), evals);
    }

    /// <summary>Square patches of <paramref name="patch"/>×<paramref name="patch"/> pixels as feature groups of an
    /// <paramref name="height"/>×<paramref name="width"/> image flattened row by row (the last row/column of patches may be smaller).</summary>
    public static long[] ImagePatches(int height, int width, int patch)
    {
        if (patch < 1 || height < 1 || width < 1) throw new ArgumentException($"height, width and patch must be ≥ 1; got {height}, {width}, {patch}.");
        int cols = (width + patch - 1) / patch;
        return Enumerable.Range(0, height * width).Select(k => (long)((k / width / patch) * cols + (k % width) / patch)).ToArray();
    }

    static Tensor Evaluate(Func<Tensor, Tensor, Tensor> f, Tensor inputs, Tensor rows, int batchSize)
    {
        long total = inputs.shape[0];
        var parts = new List<Tensor>();
        for (long s = 0; s < total; s += batchSize)
        {
            long b = Math.Min(batchSize, total - s);
            Tensor y;
            using (no_grad()) y = f(inputs.narrow(0, s, b), rows.narrow(0, s, b));
            if (y.dim() == 2 && y.shape[1] == 1) y = y.squeeze(1);
            if (y.dim() != 1 || y.shape[0] != b)
                throw new ArgumentException($"f must map a batch [B,D] to [B]; for B = {b} it returned [{string.Join(", ", y.shape)}].");
            parts.Add(y.to(float64).to(inputs.device));
        }
        return cat(parts, 0);
    }
}
