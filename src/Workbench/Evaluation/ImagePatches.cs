using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// Square patches of images as the units of a flipping experiment (patch flipping, as Samek et al. 2017 perturb
/// regions rather than single pixels): images [N,C,H,W] ↔ patches [N, (H/p)·(W/p), C·p·p], patches in row-major order.
/// With <see cref="ChannelFlipping.Curves"/> on the patches, the j most relevant patches are kept and the others set to 0.
/// </summary>
public static class ImagePatches
{
    /// <summary>Images [N,C,H,W] → patches [N, (H/p)(W/p), C·p·p]; H and W must be multiples of <paramref name="size"/>.</summary>
    public static Tensor Split(Tensor images, int size)
    {
        var (n, c, h, w) = Check(images, size);
        return images.reshape(n, c, h / size, size, w / size, size)
                     .permute(0, 2, 4, 1, 3, 5)                                  // [N, H/p, W/p, C, p, p]
                     .reshape(n, (h / size) * (w / size), c * size * size);
    }

    /// <summary>Patches [N, (H/p)(W/p), C·p·p] → images [N,C,H,W], the inverse of <see cref="Split"/>.</summary>
    public static Tensor Merge(Tensor patches, long channels, long height, long width, int size)
    {
        if (size < 1 || height % size != 0 || width % size != 0)
            throw new ArgumentException($"the patch size {size} must divide the image size {height}×{width}.");
        long gh = height / size, gw = width / size;
        if (patches.dim() != 3 || patches.shape[1] != gh * gw || patches.shape[2] != channels * size * size)
            throw new ArgumentException($"patches must be [N, {gh * gw}, {channels * size * size}] for {channels}×{height}×{width} images in {size}×{size} patches; got [{string.Join(", ", patches.shape)}].");
        long n = patches.shape[0];
        return patches.reshape(n, gh, gw, channels, size, size).permute(0, 3, 1, 4, 2, 5).reshape(n, channels, height, width);
    }

    /// <summary>Relevance per pixel [N,C,H,W] (or [N,H,W]) summed within each patch, [N, (H/p)(W/p)].</summary>
    public static Tensor Sum(Tensor relevance, int size)
    {
        var r = relevance.dim() == 3 ? relevance.unsqueeze(1) : relevance;
        return Split(r, size).sum(new long[] { 2 });
    }

    static (long N, long C, long H, long W) Check(Tensor images, int size)
    {
        if (images.dim() != 4) throw new ArgumentException($"images must be [N,C,H,W]; got [{string.Join(", ", images.shape)}].");
        long h = images.shape[2], w = images.shape[3];
        if (size < 1 || h % size != 0 || w % size != 0)
            throw new ArgumentException($"the patch size {size} must divide the image size {h}×{w}; pick a divisor (e.g. 4 or 7 for 28×28).");
        return (images.shape[0], images.shape[1], h, w);
    }
}
