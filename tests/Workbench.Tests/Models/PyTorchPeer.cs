using System.Diagnostics;

namespace Workbench.Tests.Models;

/// <summary>Debian's python3-torch as a test peer: runs Python scripts that write fixtures. Tests using it are skipped when it is absent.</summary>
public static class PyTorchPeer
{
    /// <summary>The skip reason when no Python with torch is found.</summary>
    public const string Missing = "python3-torch is not installed (a test peer, not a dependency): apt-get install -y python3-torch";

    static readonly Lazy<string?> Python = new(() =>
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("WORKBENCH_PYTHON"), "/usr/bin/python3", "python3" })
        {
            if (string.IsNullOrEmpty(candidate)) continue;
            try
            {
                var (code, _) = RunWith(candidate, "import torch", TimeSpan.FromSeconds(60));
                if (code == 0) return candidate;
            }
            catch (Exception) { }
        }
        return null;
    });

    /// <summary>True when a Python with torch can be run.</summary>
    public static bool Available => Python.Value is not null;

    /// <summary>Runs <paramref name="script"/> with arguments; throws with Python's output when it fails.</summary>
    public static void Run(string script, params string[] args)
    {
        var (code, output) = RunWith(Python.Value ?? throw new InvalidOperationException(Missing), script, TimeSpan.FromMinutes(3), args);
        if (code != 0) throw new InvalidOperationException($"The PyTorch peer script failed ({code}):\n{output}");
    }

    static (int Code, string Output) RunWith(string python, string script, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); return (-1, "timed out"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>A fact that is skipped (with the install command) when python3-torch is absent.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the peer is missing.</summary>
    public PyTorchFactAttribute()
    {
        if (!PyTorchPeer.Available) Skip = PyTorchPeer.Missing;
    }
}
