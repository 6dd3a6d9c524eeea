using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// NEON §VII Algorithm 1 (feature flipping), batched over points: for a point z of cluster c with relevance R, order
/// the features by decreasing R (ties by feature index); for j = 1..d keep the j most relevant features of z, draw the
/// others once from the KDE conditional p(x_𝓕 | z_𝓟) (App. G Eqs. 43–44; deep models: set them to zero), and record
/// g_c(x) = 1 if the model still assigns the draw to c. AUC = 100·(1/d)·Σ_j g_c(x⁽ʲ⁾).
/// </summary>
public static class FeatureFlipping
{
    /// <summary>Elements of one [rows,N] temporary of the KDE draws (2 MB in float64); batches are processed in chunks of rows this size.</summary>
    public const long ChunkElements = 1L << 18;

    /// <summary>Feature order per row: decreasing relevance, ties by increasing feature index, [B,d] int64.</summary>
    public static Tensor Order(Tensor relevance)
    {
        using var scope = NewDisposeScope();
        if (relevance.dim() != 2) throw new ArgumentException($"relevance must be [B,d]; got [{string.Join(", ", relevance.shape)}].");
        if (relevance.isnan().any().ToBoolean()) throw new ArgumentException("relevance contains NaN; fix the explanation method before evaluating it.");
        var (_, idx) = (-relevance.to_type(ScalarType.Float64)).sort(1, descending: false, stable: true);
        return idx.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The curves g_c(x⁽ʲ⁾), j = 1..d, for every row of <paramref name="z"/> [B,d] explained for <paramref name="clusters"/> [B]
    /// with <paramref name="relevance"/> [B,d], as [B,d] float64 (column j−1 = step j). <paramref name="kde"/> null: removed
    /// features are set to 0 (deep models). The KDE partial distances ‖z_𝓟 − [x_n]_𝓟‖² grow by one feature per step
    /// (O(BNd) per call).
    /// </summary>
    public static Tensor Curves(Func<Tensor, Tensor> predict, Tensor z, Tensor clusters, Tensor relevance, KdeImputer? kde,
        Generator generator, Device? device = null)
    {
        Clustering.Distances.CheckData(z, "z");
        if (!relevance.shape.SequenceEqual(z.shape))
            throw new ArgumentException($"relevance must have the shape of z [{string.Join(", ", z.shape)}]; got [{string.Join(", ", relevance.shape)}].");
        if (kde is not null && kde.Dimensions != z.shape[1])
            throw new ArgumentException($"the KDE has {kde.Dimensions} features but z has {z.shape[1]}; build it on the same features.");
        var dev = kde?.Device ?? Devices.Resolve(device);
        using var scope = NewDisposeScope();
        long b = z.shape[0], d = z.shape[1];
        z = z.to(dev).to_type(ScalarType.Float64);
        var c = clusters.to(dev).to_type(ScalarType.Int64);
        var order = Order(relevance.to(dev));
        var rank = order.argsort(1);                                  // rank[b,i] = position of feature i in the order
        // Everything that outlives a step is allocated before the loop: a small tensor kept from inside a step would split
        // the freed [B,N] blocks of the allocator, and every step would then take fresh memory (GBs at N = 2000).
        var all = empty(new long[] { d, b, d }, dtype: ScalarType.Float64, device: dev);     // the draws x⁽ʲ⁾, step-major
        var partial = kde is null ? null : zeros(b, kde.Count, dtype: ScalarType.Float64, device: dev);   // ‖z_𝓟 − [x_n]_𝓟‖², [B,N]
        var dataT = kde?.Data.T.contiguous();                         // [d,N]
        long chunk = kde is null ? b : Math.Clamp(ChunkElements / kde.Count, 1, b);   // rows per chunk: [chunk,N] temporaries
        for (long j = 0; j < d; j++)
        {
            using var stepScope = NewDisposeScope();                  // this step's temporaries are freed here
            var kept = rank.lt(j + 1);                                // the j+1 most relevant features
            if (kde is null) { all[j].copy_(where(kept, z, zeros_like(z))); continue; }
            var feat = order[.., j];                                  // feature added at this step, [B]
            var zi = z.gather(1, feat.unsqueeze(1));                  // [B,1]
            // the step's randomness for the whole batch first, as one Sample call would draw it: the chunking changes no number
            var u = rand(new long[] { b, 1 }, dtype: ScalarType.Float64, device: dev, generator: generator);
            var noise = randn(new long[] { b, d }, dtype: ScalarType.Float64, device: dev, generator: generator);
            for (long s = 0; s < b; s += chunk)
            {
                using var chunkScope = NewDisposeScope();
                long m = Math.Min(chunk, b - s);
                var part = partial!.narrow(0, s, m);
                part.add_((zi.narrow(0, s, m) - dataT!.index_select(0, feat.narrow(0, s, m))).pow_(2));   // + (z_ι − x_{n,ι})²: O(BN) per step
                var draw = kde.Sample(part, u.narrow(0, s, m), noise.narrow(0, s, m));              // Eqs. (43–44)
                all[j].narrow(0, s, m).copy_(where(kept.narrow(0, s, m), z.narrow(0, s, m), draw));
            }
        }
        all = all.reshape(d * b, d);                                  // [d·B, d]
        var g = predict(all).to(dev).reshape(d, b).eq(c.unsqueeze(0)).to_type(ScalarType.Float64);
        return g.T.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>AUC = 100·(1/d)·Σ_j curve_j per row (the curve's last point is g_c(z) = 1), [B].</summary>
    public static Tensor Auc(Tensor curves) => curves.mean(new long[] { 1 }) * 100;
}
