using Workbench.IO;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Workbench.Models;

/// <summary>
/// The input transform torchvision's ImageNet models expect: resize the shorter side to 256, centre-crop 224×224,
/// scale to [0, 1], normalise by the ImageNet channel means and standard deviations.
/// Resizing is bilinear with antialiasing when shrinking, close to torchvision's PIL/tensor resize (values may differ in
/// the last few bits).
/// </summary>
public static class ImageNet
{
    /// <summary>Channel means (R, G, B).</summary>
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    /// <summary>Channel standard deviations (R, G, B).</summary>
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>Decodes an image file and applies <see cref="Preprocess"/>: a normalised [1, 3, crop, crop] tensor.</summary>
    public static Tensor Load(string path, int resize = 256, int crop = 224, Device? device = null)
    {
        using var rgb = Images.Read(path);
        return Preprocess(rgb, resize, crop, device);
    }

    /// <summary>Resize (shorter side → <paramref name="resize"/>), centre crop (<paramref name="crop"/>), normalise an RGB image [3, H, W] in [0, 1]; returns [1, 3, crop, crop].</summary>
    public static Tensor Preprocess(Tensor rgb, int resize = 256, int crop = 224, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.dim() != 3 || rgb.shape[0] != 3) throw new ArgumentException($"Preprocess takes an RGB image [3, H, W]; got [{string.Join(", ", rgb.shape)}].", nameof(rgb));
        if (crop < 1 || resize < crop) throw new ArgumentException($"Need 1 ≤ crop ≤ resize; got crop {crop}, resize {resize}.");
        var dev = Workbench.Compute.Devices.Resolve(device);
        using var scope = NewDisposeScope();
        long h = rgb.shape[1], w = rgb.shape[2];
        long nh, nw;
        if (h <= w) { nh = resize; nw = (long)Math.Floor((double)resize * w / h); }      // torchvision: int(size * long / short)
        else { nw = resize; nh = (long)Math.Floor((double)resize * h / w); }
        var x = rgb.to(ScalarType.Float32, dev).unsqueeze(0);
        x = F.interpolate(x, [nh, nw], mode: InterpolationMode.Bilinear, align_corners: false, antialias: nh < h || nw < w);
        long top = (long)Math.Round((nh - crop) / 2.0), left = (long)Math.Round((nw - crop) / 2.0);
        x = x.narrow(2, top, crop).narrow(3, left, crop);
        var mean = tensor(Mean, device: dev).reshape(1, 3, 1, 1);
        var std = tensor(Std, device: dev).reshape(1, 3, 1, 1);
        return ((x - mean) / std).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Undoes the normalisation: [N, 3, H, W] back to [0, 1] RGB (for display).</summary>
    public static Tensor Denormalize(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mean = tensor(Mean, device: x.device).reshape(1, 3, 1, 1);
        var std = tensor(Std, device: x.device).reshape(1, 3, 1, 1);
        return (x * std + mean).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The per-channel pixel bounds of normalised images ((0 − mean)/std, (1 − mean)/std), for the z^B rule: [3, 1, 1] each.</summary>
    public static (Tensor Low, Tensor High) Bounds(Device? device = null)
    {
        var dev = Workbench.Compute.Devices.Resolve(device);
        var low = Mean.Zip(Std, (m, s) => -m / s).ToArray();
        var high = Mean.Zip(Std, (m, s) => (1 - m) / s).ToArray();
        return (tensor(low, device: dev).reshape(3, 1, 1), tensor(high, device: dev).reshape(3, 1, 1));
    }
}
