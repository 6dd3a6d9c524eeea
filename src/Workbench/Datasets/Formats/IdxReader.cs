using System.Buffers.Binary;

namespace Workbench.Datasets.Formats;

/// <summary>An IDX array (LeCun's MNIST format): its shape and unsigned-byte values in row-major order.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data)
{
    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Shape[0];
}

/// <summary>Reads IDX files (<c>*-idx3-ubyte</c>, <c>*-idx1-ubyte</c>), gzip-compressed or not.</summary>
public static class IdxReader
{
    /// <summary>Reads the IDX file at <paramref name="path"/> (gzip-compressed or not).</summary>
    public static IdxArray Read(string path) => Read(Compression.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Parses decompressed IDX bytes: magic 0x00 0x00, type 0x08 (unsigned byte), rank, sizes, data.</summary>
    public static IdxArray Read(byte[] bytes, string name)
    {
        if (bytes.Length < 4)
            throw new DataFormatException($"{name}: truncated IDX file: {bytes.Length} bytes, the header alone takes 4.");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException($"{name}: not an IDX file: the first two bytes are 0x{bytes[0]:X2} 0x{bytes[1]:X2}, expected 0x00 0x00.");
        if (bytes[2] != 0x08)
            throw new DataFormatException($"{name}: IDX element type 0x{bytes[2]:X2} is not supported (only 0x08, unsigned byte).");
        int rank = bytes[3];
        if (rank < 1) throw new DataFormatException($"{name}: IDX rank 0.");
        if (bytes.Length < 4 + 4 * rank)
            throw new DataFormatException($"{name}: truncated IDX header: {rank} dimensions need {4 + 4 * rank} bytes, the file has {bytes.Length}.");
        var shape = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d, 4));
            if (shape[d] < 0) throw new DataFormatException($"{name}: IDX dimension {d} is negative ({shape[d]}).");
            count *= shape[d];
        }
        int offset = 4 + 4 * rank;
        if (bytes.Length - offset != count)
            throw new DataFormatException(
                $"{name}: IDX shape [{string.Join("×", shape)}] needs {count} data bytes after the {offset}-byte header, the file has {bytes.Length - offset}" +
                (bytes.Length - offset < count ? " (truncated)." : " (trailing bytes)."));
        return new IdxArray(shape, bytes.AsSpan(offset).ToArray());
    }
}
