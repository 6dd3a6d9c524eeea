using System.Diagnostics;
using System.Text;

namespace Workbench.Tests.Kernel;

/// <summary>
/// Installs the kernelspec of the freshly built <c>workbench</c> into a temporary prefix and runs Jupyter's own client
/// (Debian's python3-jupyter-client, python3-nbclient, jupyter-nbconvert, installed by .ci/setup) against it, with
/// JUPYTER_PATH pointing at that prefix only: no user-level install is used or touched.
/// </summary>
public sealed class JupyterFixture : IDisposable
{
    /// <summary>Debian's Python (<see cref="Tools.OptionalTools.Python"/>).</summary>
    public static string Python => Tools.OptionalTools.Python;
    public const string Packages = "python3-jupyter-client python3-nbclient jupyter-nbconvert";

    readonly string _prefix;

    public JupyterFixture()
    {
        Root = FindRoot();
        _prefix = Directory.CreateTempSubdirectory("wb-jupyter-").FullName;
        JupyterPath = Path.Combine(_prefix, "share", "jupyter");
        if (Tools.OptionalTools.Missing(Tools.Tool.Jupyter) is { } why)
        {
            Missing = $"{why}. Install them: apt-get install -y {Packages}";
            return;
        }
        // The kernelspec starts the workbench built next to these tests: dotnet …/workbench.dll kernel -f {connection_file}
        var workbench = Path.Combine(AppContext.BaseDirectory, "workbench.dll");
        var install = Run("dotnet", [workbench, "kernel", "install", "--prefix", _prefix], Root, TimeSpan.FromSeconds(60));
        if (install.ExitCode != 0) Missing = "workbench kernel install failed: " + install.Output;
    }

    public string Root { get; }
    public string JupyterPath { get; }

    /// <summary>Why Jupyter tests cannot run here (null when they can).</summary>
    public string? Missing { get; }

    public void AssertAvailable()
    {
        if (Missing is not null) Assert.Fail(Missing);
    }

    public (int ExitCode, string Output) RunPython(IEnumerable<string> args, string workingDirectory, TimeSpan timeout) =>
        Run(Python, args, workingDirectory, timeout);

    (int ExitCode, string Output) Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["JUPYTER_PATH"] = JupyterPath;
        psi.Environment["JUPYTER_PLATFORM_DIRS"] = "1";
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment["PYTHONPATH"] = Path.Combine(Root, "tests", "kernel");
        psi.Environment["WORKBENCH_PROFILE"] = "quick";
        psi.Environment.Remove("PYTHONHOME");
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) return (-1, $"timed out after {timeout.TotalSeconds:F0}s\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Cannot find the repository root (Workbench.sln) above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prefix, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("jupyter")]
public sealed class JupyterCollection : ICollectionFixture<JupyterFixture>;
