using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Explanation;

/// <summary>Outcome of the Table I discrimination test: per cluster the share predicted as that cluster before and after re-weighting.</summary>
/// <param name="Before">share of the test samples in cluster i with the unmodified activations</param>
/// <param name="After">share predicted as cluster i after weighting every sample's activations with cluster i's channel weights</param>
public sealed record DiscriminationResult(double[] Before, double[] After)
{
    /// <summary>After/before per cluster (Table I's entries).</summary>
    public double[] Ratios => Before.Zip(After, (b, a) => a / b).ToArray();
    /// <summary>Median of <see cref="Ratios"/>.</summary>
    public double Median { get { var r = Ratios.OrderBy(v => v).ToArray(); int n = r.Length; return n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2; } }
    /// <summary>Mean of <see cref="Ratios"/>.</summary>
    public double Mean => Ratios.Average();
    /// <summary>Minimum of <see cref="Ratios"/>.</summary>
    public double Min => Ratios.Min();
    /// <summary>Maximum of <see cref="Ratios"/>.</summary>
    public double Max => Ratios.Max();
}

/// <summary>
/// Grad-CeAM's discrimination test (Table I, Eq. 12; protocol of plot_grad_came.py:275-295): for each cluster i the
/// target-layer activations of all test samples are weighted by cluster i's channel weights, passed through the rest
/// of the encoder and assigned to the nearest centroid; the share assigned to i after is compared with the share before.
/// A random baseline (not in the paper) permutes each cluster's channel weights (same norm) instead.
/// </summary>
public static class DiscriminationTest
{
    /// <summary>
    /// Eq. 12 re-weighting of activations A [N, F, …] by channel weights W [N, F]: official A^k·W_k with the raw signed
    /// weights (plot_grad_came.py:283-285); paper ‖ReLU(W)‖₀₋₂·A^k, i.e. 2·(W⁺ − min_k W⁺)/(max_k W⁺ − min_k W⁺) per sample
    /// (0 where all W⁺ are equal).
    /// </summary>
    public static Tensor Reweight(Tensor a, Tensor weights, GradCeamVariant variant)
    {
        if (weights.dim() != 2 || weights.shape[0] != a.shape[0] || weights.shape[1] != a.shape[1])
            throw new ArgumentException($"Channel weights must be [N = {a.shape[0]}, F = {a.shape[1]}]; got [{string.Join(", ", weights.shape)}].");
        using var scope = NewDisposeScope();
        var w = weights;
        if (variant == GradCeamVariant.Paper)
        {
            var p = nn.functional.relu(weights);
            var min = p.amin([1], keepdim: true); var range = p.amax([1], keepdim: true) - min;
            w = where(range.gt(0), 2 * (p - min) / range.clamp_min(double.Epsilon), zeros_like(p));
        }
        for (long i = 2; i < a.dim(); i++) w = w.unsqueeze(-1);
        return (a * w).MoveToOuterDisposeScope();
    }

    /// <summary>Nearest centroid (Euclidean, as <c>kmeans.predict</c>) of each code, [N] int64.</summary>
    public static Tensor Assign(Tensor z, Tensor centroids)
    {
        using var scope = NewDisposeScope();
        return Distances.Squared(z, centroids.to_type(z.dtype).to(z.device)).argmin(1).MoveToOuterDisposeScope();
    }

    static Tensor TailBatched(GradCeam cam, Tensor a)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long s = 0; s < a.shape[0]; s += cam.BatchSize) parts.Add(cam.Model.Tail(a.narrow(0, s, Math.Min(cam.BatchSize, a.shape[0] - s))));
        var z = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return z;
    }

    /// <summary>
    /// Runs the test on the samples <paramref name="x"/> (the test split) with <paramref name="cam"/>'s variant.
    /// <paramref name="weightsOverride"/> replaces cluster i's weights [N, F] (e.g. all ones for the identity check, or a baseline).
    /// </summary>
    public static DiscriminationResult Run(GradCeam cam, Tensor x, Func<int, Tensor, Tensor>? weightsOverride = null)
    {
        if (x.shape[0] < cam.K) throw new ArgumentException($"The test needs at least K = {cam.K} samples; got {x.shape[0]}.");
        using var scope = NewDisposeScope();
        var a = cam.Activations(x);
        var before = Before(cam, a);
        var after = new double[cam.K];
        var all = cam.ChannelWeightsAllClusters(a);   // [K, N, F], one backward pass per chunk for all clusters
        for (int i = 0; i < cam.K; i++)
        {
            var w = all[i];
            if (weightsOverride is not null) w = weightsOverride(i, w);
            after[i] = ShareAfter(cam, a, w, i);
        }
        return new DiscriminationResult(before, after);
    }

    static double[] Before(GradCeam cam, Tensor a)
    {
        using var scope = NewDisposeScope();
        var before = Assign(TailBatched(cam, a), cam.Centroids);
        double n = a.shape[0];
        var b = new double[cam.K];
        for (int i = 0; i < cam.K; i++)
        {
            b[i] = before.eq(i).sum().ToDouble() / n;
            if (b[i] == 0) throw new InvalidOperationException($"Cluster {i} holds no sample of x before re-weighting; the ratio is undefined. Run the test on the data the centroids were fitted on.");
        }
        return b;
    }

    static double ShareAfter(GradCeam cam, Tensor a, Tensor w, int i)
    {
        using var scope = NewDisposeScope();
        var after = Assign(TailBatched(cam, Reweight(a, w, cam.Variant)), cam.Centroids);
        return after.eq(i).sum().ToDouble() / a.shape[0];
    }

    /// <summary>
    /// Baseline (our addition, digest §6 check 8): the share assigned to cluster i after re-weighting with the channel weights of
    /// each other cluster j ≠ i, averaged over j. If cluster i's own weights carry information about i, they should send more
    /// samples to i than the other clusters' weights do (which have the scale of Grad-CeAM weights but point elsewhere).
    /// </summary>
    public static DiscriminationResult OtherClusterBaseline(GradCeam cam, Tensor x)
    {
        if (x.shape[0] < cam.K) throw new ArgumentException($"The test needs at least K = {cam.K} samples; got {x.shape[0]}.");
        using var scope = NewDisposeScope();
        var a = cam.Activations(x);
        var before = Before(cam, a);
        var all = cam.ChannelWeightsAllClusters(a);
        var after = new double[cam.K];
        for (int j = 0; j < cam.K; j++)
        {   // one pass per weight set j: the shares of every cluster i ≠ j
            using var inner = NewDisposeScope();
            var assigned = Assign(TailBatched(cam, Reweight(a, all[j], cam.Variant)), cam.Centroids);
            for (int i = 0; i < cam.K; i++)
                if (i != j) after[i] += assigned.eq(i).sum().ToDouble() / a.shape[0] / (cam.K - 1);
        }
        return new DiscriminationResult(before, after);
    }

    /// <summary>
    /// Baseline (our addition): cluster i's channel weights with their channel axis randomly permuted (same permutation for all samples,
    /// hence the same norm per sample), <paramref name="repeats"/> draws per cluster; the after-share is the mean over the draws.
    /// </summary>
    public static DiscriminationResult RandomPermutationBaseline(GradCeam cam, Tensor x, int repeats = 20, long seed = 0)
    {
        if (repeats < 1) throw new ArgumentException($"repeats must be ≥ 1; got {repeats}.");
        if (x.shape[0] < cam.K) throw new ArgumentException($"The test needs at least K = {cam.K} samples; got {x.shape[0]}.");
        using var scope = NewDisposeScope();
        var g = Seeds.Generator(seed);
        var a = cam.Activations(x);
        var before = Before(cam, a);
        var after = new double[cam.K];
        var all = cam.ChannelWeightsAllClusters(a);
        for (int i = 0; i < cam.K; i++)
        {
            var w = all[i];
            for (int r = 0; r < repeats; r++)
                after[i] += ShareAfter(cam, a, w.index_select(1, randperm(w.shape[1], generator: g).to(w.device)), i) / repeats;
        }
        return new DiscriminationResult(before, after);
    }
}
