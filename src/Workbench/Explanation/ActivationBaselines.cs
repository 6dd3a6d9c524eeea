using TorchSharp;
using Workbench.Compute;
using Workbench.Propagation.Lrp;
using static TorchSharp.torch;

namespace Workbench.Explanation;

/// <summary>
/// The two baselines of NEON Fig. 8 that summarise an image by K heatmaps without clustering (§VI-C), each explained to the
/// pixels with the same LRP rules as NEON: <b>FM</b> takes the K feature maps of a layer with the largest L∞ activation
/// and explains each map (relevance = the map's activations), <b>LO</b> takes the K locations with the largest L∞ activation
/// (max over channels) and explains each location's activation vector.
/// </summary>
public static class ActivationBaselines
{
    /// <summary>FM: pixel relevance [K, C_in, H, W] of the K most activated (L∞) maps of <paramref name="featureMap"/>(image).</summary>
    public static Tensor FeatureMaps(nn.Module<Tensor, Tensor> featureMap, Tensor image, int k, Composite composite, Device? device = null) =>
        Explain(featureMap, image, k, composite, top: true, device);

    /// <summary>LO: pixel relevance [K, C_in, H, W] of the K most activated (L∞ over channels) locations of <paramref name="featureMap"/>(image).</summary>
    public static Tensor Locations(nn.Module<Tensor, Tensor> featureMap, Tensor image, int k, Composite composite, Device? device = null) =>
        Explain(featureMap, image, k, composite, top: false, device);

    static Tensor Explain(nn.Module<Tensor, Tensor> featureMap, Tensor image, int k, Composite composite, bool top, Device? device)
    {
        var dev = Devices.Resolve(device);
        var x = image.dim() == 3 ? image.unsqueeze(0) : image;
        if (x.dim() != 4 || x.shape[0] != 1) throw new ArgumentException($"give one image [C,H,W] or [1,C,H,W]; got [{string.Join(",", image.shape)}].");
        if (k < 1) throw new ArgumentException($"K must be ≥ 1; got {k}.");
        using var scope = NewDisposeScope();
        x = x.to(dev);
        Tensor a;
        using (no_grad()) a = featureMap.call(x);                                    // [1,C,h,w]
        long c = a.shape[1], h = a.shape[2], w = a.shape[3];
        Tensor select;                                                              // [K,C,h,w] 0/1: what copy i explains
        if (top)
        {
            if (k > c) throw new ArgumentException($"FM: K = {k} maps but the layer has {c}.");
            var (_, idx) = a[0].flatten(1).amax(new long[] { 1 }).topk(k);           // [K] channels by L∞
            select = nn.functional.one_hot(idx, c).to_type(a.dtype).reshape(k, c, 1, 1).expand(k, c, h, w);
        }
        else
        {
            if (k > h * w) throw new ArgumentException($"LO: K = {k} locations but the layer has {h * w}.");
            var (_, idx) = a[0].amax(new long[] { 0 }).flatten().topk(k);          // [K] locations by L∞ over channels
            select = nn.functional.one_hot(idx, h * w).to_type(a.dtype).reshape(k, 1, h, w).expand(k, c, h, w);
        }
        var sel = select.contiguous();
        using var r = Lrp.Explain(featureMap, x.expand(k, -1, -1, -1).contiguous(), composite, y => y * sel, device: dev);
        return r.Relevance.detach().clone().MoveToOuterDisposeScope();
    }
}
