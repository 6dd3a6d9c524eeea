using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;

namespace Workbench.Datasets.Formats;

/// <summary>How a file is compressed, told by its first bytes (not by its name).</summary>
public enum CompressionKind
{
    /// <summary>Not compressed (no known magic bytes).</summary>
    None,
    /// <summary>gzip (1f 8b).</summary>
    Gzip,
    /// <summary>xz (fd 37 7a 58 5a 00).</summary>
    Xz,
    /// <summary>bzip2 ("BZh").</summary>
    Bzip2,
}

/// <summary>Reads whole files, undoing gzip, xz or bzip2 compression detected from the magic bytes.</summary>
public static class Compression
{
    static readonly byte[] GzipMagic = [0x1f, 0x8b];
    static readonly byte[] XzMagic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    static readonly byte[] Bzip2Magic = [0x42, 0x5a, 0x68]; // "BZh"

    /// <summary>The compression of a byte sequence, from its magic bytes.</summary>
    public static CompressionKind Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(XzMagic)) return CompressionKind.Xz;
        if (head.StartsWith(GzipMagic)) return CompressionKind.Gzip;
        if (head.StartsWith(Bzip2Magic)) return CompressionKind.Bzip2;
        return CompressionKind.None;
    }

    /// <summary>The decompressed contents of <paramref name="path"/> (as-is when it is not compressed).</summary>
    public static byte[] ReadAllBytes(string path)
    {
        byte[] raw;
        try { raw = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new DataFormatException($"{path}: file not found."); }
        return Decompress(raw, path);
    }

    /// <summary>Decompresses <paramref name="raw"/> when its magic bytes say gzip, xz or bzip2; <paramref name="name"/> is used in errors.</summary>
    public static byte[] Decompress(byte[] raw, string name)
    {
        var kind = Detect(raw);
        if (kind == CompressionKind.None) return raw;
        try
        {
            using var input = new MemoryStream(raw, writable: false);
            using Stream decoder = kind switch
            {
                CompressionKind.Gzip => new GZipStream(input, CompressionMode.Decompress),
                CompressionKind.Xz => new XZStream(input),
                _ => BZip2Stream.Create(input, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false),
            };
            using var output = new MemoryStream(raw.Length * 4);
            decoder.CopyTo(output);
            var result = output.ToArray();
            if (kind == CompressionKind.Gzip) CheckGzipTrailer(raw, result);
            return result;
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            throw new DataFormatException(
                $"{name}: the {kind.ToString().ToLowerInvariant()} stream ({raw.Length} bytes) is corrupt or truncated: {e.Message} Fetch the file again " +
                "(`workbench datasets fetch <id> --force`).", e);
        }
    }

    /// <summary>GZipStream stops quietly at a truncated input; the last member's trailer (length and CRC-32 of its
    /// output, RFC 1952 §2.3.1) must describe the end of what was decoded.</summary>
    static void CheckGzipTrailer(byte[] raw, byte[] output)
    {
        if (raw.Length < 18) throw new InvalidDataException($"only {raw.Length} bytes: shorter than a gzip header and trailer");
        uint crc = BitConverter.ToUInt32(raw, raw.Length - 8), size = BitConverter.ToUInt32(raw, raw.Length - 4);
        if (!BitConverter.IsLittleEndian) { crc = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(crc); size = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(size); }
        if (size == (uint)output.Length) return; // one member, complete (the usual case; no need to hash it all)
        // several members (or a truncated one whose last bytes happen to look like a length): check the last member
        if (size > output.Length || Crc32(output.AsSpan(output.Length - (int)size)) != crc)
            throw new InvalidDataException($"decoded {output.Length} bytes, but the gzip trailer does not match them (the file ends early)");
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
