using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// NEON §VII Algorithm 1 for deep models, whose units are the C feature maps of a layer a [B,C,h,w] (Table I deep rows:
/// the channels one block below the clustering): order the maps by decreasing relevance R [B,C] (ties by index), and for
/// j = 1..C keep the j most relevant maps, set the others to **zero** (the paper's imputation for deep models), and record
/// g_c = 1 if the model still assigns the point to c. AUC = 100·(1/C)·Σ_j g_c. All C·B masked copies go through the model
/// in batches of at most <c>maxBatch</c> rows and about 32 M activation values (never one forward pass per step and point).
/// </summary>
public static class ChannelFlipping
{
    /// <summary>Activation values per forward pass (bounds memory for large maps, e.g. VGG-16 block 3).</summary>
    internal const long MaxValuesPerPass = 1L << 25;

    /// <summary>
    /// The curves g_c(a⁽ʲ⁾), j = 1..C, as [B,C] float64 (column j−1 = step j) for activations <paramref name="a"/> [B,C,…]
    /// explained for <paramref name="clusters"/> [B] with <paramref name="relevance"/> [B,C]. <paramref name="predict"/> maps
    /// activations [M,C,…] to clusters [M].
    /// </summary>
    public static Tensor Curves(Func<Tensor, Tensor> predict, Tensor a, Tensor clusters, Tensor relevance, int maxBatch = 2048, Device? device = null)
    {
        if (a.dim() < 2) throw new ArgumentException($"activations must be [B,C,…]; got [{string.Join(",", a.shape)}].");
        long b = a.shape[0], ch = a.shape[1];
        if (relevance.dim() != 2 || relevance.shape[0] != b || relevance.shape[1] != ch)
            throw new ArgumentException($"relevance must be one score per channel, [{b},{ch}]; got [{string.Join(",", relevance.shape)}]. Sum pixel-level relevance over the map first.");
        if (clusters.dim() != 1 || clusters.shape[0] != b) throw new ArgumentException($"clusters must be one index per point, [{b}].");
        if (maxBatch < 1) throw new ArgumentException($"maxBatch must be ≥ 1; got {maxBatch}.");
        var dev = Devices.Resolve(device);
        using var scope = NewDisposeScope();
        a = a.to(dev);
        var c = clusters.to(dev).to_type(ScalarType.Int64);
        var rank = FeatureFlipping.Order(relevance.to(dev)).argsort(1);       // rank[b,i] = position of map i in the order
        var steps = arange(1, ch + 1, dtype: ScalarType.Int64, device: dev);
        long total = ch * b;                                                   // step-major: row r = step r / B, point r % B
        long rowsPerPass = Math.Max(1, Math.Min(maxBatch, MaxValuesPerPass / Math.Max(1, a[0].numel())));
        var hits = new List<Tensor>();
        var unit = new long[a.dim() - 2];
        Array.Fill(unit, 1L);
        for (long s = 0; s < total; s += rowsPerPass)
        {
            using var inner = NewDisposeScope();
            long e = Math.Min(total, s + rowsPerPass);
            var rows = arange(s, e, dtype: ScalarType.Int64, device: dev);
            var step = rows.div(b, rounding_mode: RoundingMode.floor);
            var point = rows.remainder(b);
            var keep = rank.index_select(0, point).lt(steps.index_select(0, step).unsqueeze(1));   // [m,C]: the j most relevant
            var masked = a.index_select(0, point) * keep.to_type(a.dtype).reshape([e - s, ch, .. unit]);
            hits.Add(predict(masked).to(dev).eq(c.index_select(0, point)).MoveToOuterDisposeScope());
        }
        var g = cat(hits, 0).reshape(ch, b).to_type(ScalarType.Float64);
        return g.T.contiguous().MoveToOuterDisposeScope();
    }
}
