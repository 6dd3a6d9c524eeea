using StbImageSharp;
using StbImageWriteSharp;
using static TorchSharp.torch;

namespace Workbench.IO;

/// <summary>Image files ↔ tensors: decoding JPEG, PNG, BMP, GIF, TGA, PSD (StbImageSharp) and writing PNG (StbImageWriteSharp).</summary>
public static class Images
{
    /// <summary>Decodes an image file to an RGB float tensor [3, H, W] with values in [0, 1] (grey images are repeated to 3 channels).</summary>
    public static Tensor Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No image file at '{path}'.", path);
        var bytes = File.ReadAllBytes(path);
        ImageResult img;
        try { img = ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlue); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not an image that can be decoded (JPEG, PNG, BMP, GIF, TGA, PSD): {e.Message}", e);
        }
        if (img is null || img.Data is null || img.Width < 1 || img.Height < 1)
            throw new InvalidDataException($"'{path}' is not an image that can be decoded (JPEG, PNG, BMP, GIF, TGA, PSD).");
        using var hwc = tensor(img.Data, ScalarType.Byte).reshape(img.Height, img.Width, 3);
        return hwc.permute(2, 0, 1).to(ScalarType.Float32).div_(255f).contiguous();
    }

    /// <summary>Writes an RGB tensor [3, H, W] with values in [0, 1] (or a grey [H, W]) as a PNG file.</summary>
    public static void WritePng(string path, Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        var t = image.detach().cpu().to(ScalarType.Float32);
        if (t.dim() == 2) t = t.unsqueeze(0).expand(3, -1, -1);
        if (t.dim() != 3 || t.shape[0] != 3) throw new ArgumentException($"WritePng takes [3, H, W] or [H, W]; got [{string.Join(", ", image.shape)}].", nameof(image));
        if (!t.isfinite().all().item<bool>()) throw new ArgumentException($"Refusing to write NaN or infinite pixels to '{path}'.", nameof(image));
        int h = (int)t.shape[1], w = (int)t.shape[2];
        var bytes = t.clamp(0, 1).mul(255).round().to(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var s = File.Create(path);
        new ImageWriter().WritePng(bytes, w, h, StbImageWriteSharp.ColorComponents.RedGreenBlue, s);
    }
}
