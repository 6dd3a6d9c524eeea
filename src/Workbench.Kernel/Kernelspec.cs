using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbench.Kernel;

/// <summary>
/// The kernelspec Jupyter uses to find and start this kernel: <c>kernels/workbench-csharp/kernel.json</c> under a Jupyter
/// data directory (per user, or under a prefix such as a virtualenv or a test's temporary directory).
/// </summary>
public static class Kernelspec
{
    /// <summary>The kernelspec's name, as notebooks' metadata names it.</summary>
    public const string Name = "workbench-csharp";
    /// <summary>The name Jupyter shows in its kernel menu.</summary>
    public const string DisplayName = "C# (Workbench)";
    /// <summary>The kernel's language.</summary>
    public const string Language = "csharp";

    /// <summary>The per-user kernels directory Jupyter searches ($JUPYTER_DATA_DIR, else the platform's data directory).</summary>
    public static string UserKernelsDirectory()
    {
        var dataDir = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
        if (string.IsNullOrEmpty(dataDir))
        {
            // $HOME as Jupyter reads it (GetFolderPath returns "" for a home directory that does not exist yet).
            string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h && !OperatingSystem.IsWindows()
                ? h
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(home))
                throw new InvalidOperationException("Cannot find the home directory for a per-user install: set HOME, or use --prefix DIR.");
            if (OperatingSystem.IsWindows()) dataDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
            else if (OperatingSystem.IsMacOS()) dataDir = Path.Combine(home, "Library", "Jupyter");
            else
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
                dataDir = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "jupyter");
            }
        }
        return Path.Combine(dataDir, "kernels");
    }

    /// <summary><c>PREFIX/share/jupyter/kernels</c>, as <c>jupyter kernelspec install --prefix</c> uses.</summary>
    public static string PrefixKernelsDirectory(string prefix) => Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels");

    /// <summary>The command that starts this very program: the apphost, or <c>dotnet workbench.dll</c>.</summary>
    public static IReadOnlyList<string> Launcher()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running (Environment.ProcessPath is null).");
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            string entry = Assembly.GetEntryAssembly()?.Location
                           ?? throw new InvalidOperationException("Cannot find the workbench assembly to put into the kernelspec.");
            return [process, entry];
        }
        return [process];
    }

    /// <summary>The kernel.json content.</summary>
    public static JsonObject Spec(IReadOnlyList<string> launcher, string? profile = null)
    {
        var argv = new JsonArray();
        foreach (var a in launcher) argv.Add(a);
        foreach (var a in new[] { "kernel", "-f", "{connection_file}" }) argv.Add(a);
        var spec = new JsonObject
        {
            ["argv"] = argv,
            ["display_name"] = DisplayName,
            ["language"] = Language,
            // Interrupts arrive as interrupt_request on the control channel (SIGINT works too).
            ["interrupt_mode"] = "message",
            ["metadata"] = new JsonObject { ["debugger"] = false },
        };
        if (profile is not null) spec["env"] = new JsonObject { ["WORKBENCH_PROFILE"] = profile };
        return spec;
    }

    /// <summary>Writes <c>kernelsDirectory/workbench-csharp/kernel.json</c>; returns the kernelspec directory.</summary>
    public static string Install(string kernelsDirectory, IReadOnlyList<string> launcher, string? profile = null)
    {
        var dir = Path.Combine(kernelsDirectory, Name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "kernel.json"),
            Spec(launcher, profile).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return dir;
    }

    /// <summary>Removes the kernelspec directory; false when it was not installed there.</summary>
    public static bool Uninstall(string kernelsDirectory)
    {
        var dir = Path.Combine(kernelsDirectory, Name);
        if (!Directory.Exists(dir)) return false;
        Directory.Delete(dir, recursive: true);
        return true;
    }
}
