using System.Text.Json.Nodes;
using Workbench.Kernel;

namespace Workbench.Tests.Kernel;

public class KernelspecTests
{
    [Fact]
    public void InstallWritesAKernelspecThatStartsThisProgramAndUninstallRemovesIt()
    {
        var prefix = Directory.CreateTempSubdirectory("wb-spec-").FullName;
        var kernels = Kernelspec.PrefixKernelsDirectory(prefix);
        Assert.Equal(Path.Combine(prefix, "share", "jupyter", "kernels"), kernels);

        var dir = Kernelspec.Install(kernels, ["/opt/workbench/workbench"], profile: "full");
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "kernel.json")))!;
        Assert.Equal(["/opt/workbench/workbench", "kernel", "-f", "{connection_file}"], spec["argv"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("C# (Workbench)", (string?)spec["display_name"]);
        Assert.Equal("csharp", (string?)spec["language"]);
        Assert.Equal("message", (string?)spec["interrupt_mode"]);
        Assert.Equal("full", (string?)spec["env"]!["WORKBENCH_PROFILE"]);
        Assert.Equal("workbench-csharp", Path.GetFileName(dir));

        Assert.True(Kernelspec.Uninstall(kernels));
        Assert.False(Directory.Exists(dir));
        Assert.False(Kernelspec.Uninstall(kernels));
    }

    [Fact]
    public void UserInstallGoesWhereJupyterLooks()
    {
        var saved = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
        try
        {
            Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", "/srv/jupyter-data");
            Assert.Equal("/srv/jupyter-data/kernels", Kernelspec.UserKernelsDirectory());
            Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", null);
            if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("XDG_DATA_HOME") is null)
                Assert.Equal(Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".local", "share", "jupyter", "kernels"), Kernelspec.UserKernelsDirectory());
        }
        finally { Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", saved); }
    }

    [Fact]
    public void LauncherRunsTheWorkbenchAssembly()
    {
        // Under the test host the process is dotnet (or testhost): either way the launcher is an existing file.
        var launcher = Kernelspec.Launcher();
        Assert.All(launcher, p => Assert.True(File.Exists(p), p));
    }
}
