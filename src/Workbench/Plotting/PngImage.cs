namespace Workbench.Plotting;

/// <summary>A PNG image (bytes and size); notebooks show it as image/png.</summary>
/// <param name="Bytes">The encoded PNG file.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Path">The file it was read from or saved to, if any.</param>
public sealed record PngImage(byte[] Bytes, int Width, int Height, string? Path = null)
{
    /// <summary>Reads a PNG file and its width and height from the IHDR chunk; throws if it is not a PNG.</summary>
    public static PngImage Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 24 || bytes[0] != 0x89 || bytes[1] != (byte)'P' || bytes[2] != (byte)'N' || bytes[3] != (byte)'G')
            throw new InvalidDataException($"{path} is not a PNG file.");
        int w = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        int h = (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23];
        return new PngImage(bytes, w, h, path);
    }

    /// <summary><c>PNG W×H path</c>.</summary>
    public override string ToString() => $"PNG {Width}×{Height}{(Path is null ? "" : " " + Path)}";
}
