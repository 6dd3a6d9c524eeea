using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;

namespace Workbench.Datasets.Formats;

/// <summary>How a file is compressed, told by its first bytes (not by its name).</summary>
public enum CompressionKind { None, Gzip, Xz, Bzip2 }

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
            if (kind == CompressionKind.Gzip && output.Length == 0)
                throw new InvalidDataException("no data after the gzip header");
            return output.ToArray();
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            throw new DataFormatException(
                $"{name}: the {kind} stream ({raw.Length} bytes) is corrupt or truncated: {e.Message} Fetch the file again " +
                "(`workbench datasets fetch <id> --force`).", e);
        }
    }
}
