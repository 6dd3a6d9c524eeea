using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Workbench.IO;

/// <summary>Little-endian raw bytes ↔ 1-D CPU tensors, for the file formats that store them (.npy, PyTorch storages).</summary>
internal static class RawTensors
{
    /// <summary>A 1-D tensor of <paramref name="count"/> elements of <paramref name="type"/> read from <paramref name="bytes"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType type, long count)
    {
        int n = checked((int)count);
        switch (type)
        {
            case ScalarType.Float32: return tensor(MemoryMarshal.Cast<byte, float>(bytes)[..n].ToArray());
            case ScalarType.Float64: return tensor(MemoryMarshal.Cast<byte, double>(bytes)[..n].ToArray());
            case ScalarType.Int64: return tensor(MemoryMarshal.Cast<byte, long>(bytes)[..n].ToArray());
            case ScalarType.Int32: return tensor(MemoryMarshal.Cast<byte, int>(bytes)[..n].ToArray());
            case ScalarType.Int16: return tensor(MemoryMarshal.Cast<byte, short>(bytes)[..n].ToArray());
            case ScalarType.Byte: return tensor(bytes[..n].ToArray(), ScalarType.Byte);
            case ScalarType.Int8:
            {
                var v = MemoryMarshal.Cast<byte, sbyte>(bytes)[..n].ToArray().Select(s => (short)s).ToArray();
                using var t = tensor(v);
                return t.to(ScalarType.Int8);
            }
            case ScalarType.Bool: return tensor(bytes[..n].ToArray().Select(b => b != 0).ToArray());
            case ScalarType.Float16:
            {
                var v = MemoryMarshal.Cast<byte, Half>(bytes)[..n].ToArray().Select(h => (float)h).ToArray();   // exact: every half is a float
                using var t = tensor(v);
                return t.to(ScalarType.Float16);
            }
            case ScalarType.BFloat16:
            {
                var u = MemoryMarshal.Cast<byte, ushort>(bytes)[..n];
                var v = new float[n];
                for (int i = 0; i < n; i++) v[i] = BitConverter.Int32BitsToSingle(u[i] << 16);               // bfloat16 = upper half of a float
                using var t = tensor(v);
                return t.to(ScalarType.BFloat16);
            }
            default: throw new NotSupportedException($"Raw {type} data is not supported.");
        }
    }

    /// <summary>The little-endian bytes of a CPU tensor of float32, float64, int64, int32, uint8 or bool (C order).</summary>
    public static byte[] ToBytes(Tensor t)
    {
        using var c = t.cpu().contiguous().reshape(-1);
        return c.dtype switch
        {
            ScalarType.Float32 => MemoryMarshal.AsBytes<float>(c.data<float>().ToArray()).ToArray(),
            ScalarType.Float64 => MemoryMarshal.AsBytes<double>(c.data<double>().ToArray()).ToArray(),
            ScalarType.Int64 => MemoryMarshal.AsBytes<long>(c.data<long>().ToArray()).ToArray(),
            ScalarType.Int32 => MemoryMarshal.AsBytes<int>(c.data<int>().ToArray()).ToArray(),
            ScalarType.Byte => c.data<byte>().ToArray(),
            ScalarType.Bool => c.data<bool>().ToArray().Select(b => b ? (byte)1 : (byte)0).ToArray(),
            _ => throw new NotSupportedException($"Raw {c.dtype} data is not supported."),
        };
    }
}
