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
        var draws = new List<Tensor>((int)d);
        Tensor? partial = null, dataT = kde?.Data.T.contiguous();     // [d,N]
        for (long j = 0; j < d; j++)
        {
            using var stepScope = NewDisposeScope();                  // this step's [B,N] temporaries are freed here
            var kept = rank.lt(j + 1);                                // the j+1 most relevant features
            Tensor draw;
            if (kde is null) draw = zeros_like(z);
            else
            {
                var feat = order[.., j];                              // feature added at this step, [B]
                var zi = z.gather(1, feat.unsqueeze(1));              // [B,1]
                var step = (zi - dataT!.index_select(0, feat)).pow_(2);   // (z_ι − x_{n,ι})², [B,N]
                if (partial is null) partial = step.MoveToOuterDisposeScope();
                else partial.add_(step);                              // incremental: O(BN) per step, O(BNd) per call
                draw = kde.Sample(partial, generator);                // Eqs. (43–44)
            }
            draws.Add(where(kept, z, draw).MoveToOuterDisposeScope());
        }
        var all = stack(draws, 0).reshape(d * b, d);                  // [d·B, d], step-major
        var g = predict(all).to(dev).reshape(d, b).eq(c.unsqueeze(0)).to_type(ScalarType.Float64);
        return g.T.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>AUC = 100·(1/d)·Σ_j curve_j per row (the curve's last point is g_c(z) = 1), [B].</summary>
    public static Tensor Auc(Tensor curves) => curves.mean(new long[] { 1 }) * 100;
}
