namespace Workbench.Reporting;

/// <summary>
/// Where generated files go: <c>WORKBENCH_ARTIFACTS</c> if set, else <c>artifacts/</c> at the root of the
/// repository (the folder holding Workbench.sln, searched upwards from the current directory), else ./artifacts.
/// </summary>
public static class Artifacts
{
    /// <summary>The artifacts folder's full path (see the class summary for how it is found).</summary>
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("WORKBENCH_ARTIFACTS");
            if (!string.IsNullOrEmpty(env)) return System.IO.Path.GetFullPath(env);
            var repo = RepositoryRoot();
            return System.IO.Path.Combine(repo ?? Environment.CurrentDirectory, "artifacts");
        }
    }

    /// <summary>A path under <see cref="Root"/>, with its folder created: <c>Artifacts.Path("figures", "fig2.png")</c>.</summary>
    public static string Path(params string[] parts)
    {
        var full = System.IO.Path.Combine(new[] { Root }.Concat(parts).ToArray());
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>The folder holding Workbench.sln, searched upwards from <paramref name="start"/> (default: the current directory).</summary>
    public static string? RepositoryRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
        return null;
    }
}
