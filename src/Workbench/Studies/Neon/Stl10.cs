using static TorchSharp.torch;

namespace Workbench.Studies.Neon;

/// <summary>
/// STL-10's binary image files (Coates et al. 2011; <c>stl10_binary/{train,test,unlabeled}_X.bin</c>): 96×96 RGB images as
/// uint8, each stored channel by channel and column-major. The data cannot be fetched on these machines; a user who has
/// it runs NEON Table I's deep rows on it (<see cref="DeepTableOne.Vgg16Stl10"/>).
/// </summary>
public static class Stl10
{
    /// <summary>Side of an STL-10 image.</summary>
    public const int Size = 96;

    /// <summary>The first <paramref name="limit"/> images (all when null) of <paramref name="path"/> as RGB [N,3,96,96] float32 in [0,1].</summary>
    public static Tensor ReadImages(string path, int? limit = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no STL-10 image file at '{path}'; give stl10_binary/test_X.bin (or train_X.bin) from the STL-10 archive.", path);
        const long per = 3L * Size * Size;
        long length = new FileInfo(path).Length;
        if (length == 0 || length % per != 0)
            throw new InvalidDataException($"'{path}' has {length} bytes, not a whole number of 96×96×3 images ({per} bytes each); is it an STL-10 *_X.bin file?");
        long n = length / per;
        if (limit is int m) { if (m < 1) throw new ArgumentException($"limit must be ≥ 1; got {m}."); n = Math.Min(n, m); }
        var bytes = new byte[n * per];
        using (var f = File.OpenRead(path)) f.ReadExactly(bytes);
        using var raw = tensor(bytes, new[] { n, 3L, Size, Size });            // [N, channel, column, row]
        return raw.transpose(2, 3).to_type(ScalarType.Float32).div(255).contiguous();
    }
}
