using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Workbench.IO;

/// <summary>
/// NumPy's <c>.npy</c> format (version 1–3): little-endian float32, float64, int64, int32, uint8 and bool arrays, C or Fortran
/// order. Read gives a CPU tensor of the file's dtype and shape; write stores a tensor as float32 (or its own dtype) in C order.
/// </summary>
public static partial class Npy
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an .npy file into a CPU tensor.</summary>
    public static Tensor Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No .npy file at '{path}'.", path);
        using var s = File.OpenRead(path);
        using var r = new BinaryReader(s);
        var magic = r.ReadBytes(6);
        if (!magic.SequenceEqual(Magic)) throw new InvalidDataException($"'{path}' is not a NumPy .npy file (it does not start with \\x93NUMPY).");
        int major = r.ReadByte(); r.ReadByte();
        int headerLength = major == 1 ? r.ReadUInt16() : (int)r.ReadUInt32();
        var header = (major >= 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(r.ReadBytes(headerLength));
        var descr = Descr().Match(header);
        var fortran = Fortran().Match(header);
        var shapeMatch = Shape().Match(header);
        if (!descr.Success || !shapeMatch.Success) throw new InvalidDataException($"'{path}' has an unreadable .npy header: {header.Trim()}");
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var d = descr.Groups[1].Value;
        (ScalarType type, int size) = d switch
        {
            "<f4" => (ScalarType.Float32, 4),
            "<f8" => (ScalarType.Float64, 8),
            "<i8" => (ScalarType.Int64, 8),
            "<i4" => (ScalarType.Int32, 4),
            "|u1" => (ScalarType.Byte, 1),
            "|b1" => (ScalarType.Bool, 1),
            _ => throw new InvalidDataException($"'{path}' holds dtype '{d}'; readable are <f4, <f8, <i8, <i4, |u1, |b1 (little-endian). Convert with x.astype('float32')."),
        };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = r.ReadBytes(checked((int)(count * size)));
        if (bytes.Length != count * size) throw new InvalidDataException($"'{path}' is truncated: shape [{string.Join(", ", shape)}] needs {count * size} bytes of data, the file has {bytes.Length}.");
        using var flat = RawTensors.FromBytes(bytes, type, count);
        bool isFortran = fortran.Success && fortran.Groups[1].Value == "True";
        if (!isFortran) return flat.reshape(shape).clone();
        using var reversed = flat.reshape(shape.Reverse().ToArray());
        return reversed.permute(Enumerable.Range(0, shape.Length).Reverse().Select(i => (long)i).ToArray()).contiguous();
    }

    /// <summary>Writes <paramref name="t"/> as a C-order .npy file (float32 unless <paramref name="keepDtype"/>); refuses NaN and infinities.</summary>
    public static void Write(string path, Tensor t, bool keepDtype = false)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var c = (keepDtype ? t : t.to(ScalarType.Float32)).detach().cpu().contiguous();
        if (c.is_floating_point() && !c.isfinite().all().item<bool>())
            throw new ArgumentException($"Refusing to write NaN or infinite values to '{path}'.", nameof(t));
        string descr = c.dtype switch
        {
            ScalarType.Float32 => "<f4", ScalarType.Float64 => "<f8", ScalarType.Int64 => "<i8", ScalarType.Int32 => "<i4",
            ScalarType.Byte => "|u1", ScalarType.Bool => "|b1",
            _ => throw new ArgumentException($"Cannot write dtype {c.dtype} to .npy; convert it to float32 first.", nameof(t)),
        };
        var shape = c.shape;
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var s = File.Create(path);
        using var w = new BinaryWriter(s);
        w.Write(Magic); w.Write((byte)1); w.Write((byte)0);
        w.Write((ushort)header.Length);
        w.Write(Encoding.Latin1.GetBytes(header));
        w.Write(RawTensors.ToBytes(c));
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex Descr();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex Fortran();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex Shape();
}
