namespace Workbench.IO;

/// <summary>
/// Writes a file all or nothing: into a uniquely named temporary file beside the target (so parallel processes never
/// share one), renamed over the target only once it is complete. A reader sees the old file or the new one, never a
/// half-written one; if writing fails, the temporary file is deleted and an existing target is left intact.
/// </summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="write"/> with the temporary path to fill, then renames it onto <paramref name="path"/>
    /// (creating the folder if needed).</summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } dir) Directory.CreateDirectory(dir);
        var tmp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            write(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, tmp => File.WriteAllText(tmp, text));
}
