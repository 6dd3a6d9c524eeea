using System.Diagnostics;
using Workbench.Plotting;

namespace Workbench.Tests.Tools;

/// <summary>Optional system tools that some tests need (README, "Tests and the tools they need").</summary>
public enum Tool
{
    /// <summary>Jupyter's client, nbclient and nbconvert for Debian's /usr/bin/python3 (kernel tests through Jupyter).</summary>
    Jupyter,
    /// <summary>Chromium or Chrome (figures rendered to PNG).</summary>
    Chromium,
}

/// <summary>
/// Whether an optional tool is present. Where it is absent a test that needs it is <b>skipped</b> with the reason and the
/// install command; with <c>WORKBENCH_REQUIRE_TOOLS=1</c> (exported by .ci/run) it is not skipped and fails instead, so CI
/// keeps proving the kernel through Jupyter and the PNG rendering.
/// </summary>
public static class OptionalTools
{
    /// <summary>The environment variable that turns a missing tool into a failure.</summary>
    public const string RequireVariable = "WORKBENCH_REQUIRE_TOOLS";

    /// <summary>The Python that drives Jupyter: <c>WORKBENCH_JUPYTER_PYTHON</c>, else Debian's <c>/usr/bin/python3</c> (the one
    /// on PATH may be another, e.g. pyenv's, without Debian's Jupyter packages).</summary>
    public static string Python => Environment.GetEnvironmentVariable("WORKBENCH_JUPYTER_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>True when <see cref="RequireVariable"/> is 1 or true: missing tools fail instead of skipping.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable)?.Trim().ToLowerInvariant() is "1" or "true" or "yes";

    /// <summary>The Debian command that installs <paramref name="tool"/>.</summary>
    public static string InstallCommand(Tool tool) => tool switch
    {
        Tool.Jupyter => "apt-get install python3-jupyter-client python3-nbclient jupyter-nbconvert",
        _ => "apt-get install chromium (or set WORKBENCH_CHROMIUM to a Chrome/Chromium executable)",
    };

    static readonly Lazy<string?> JupyterMissing = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} is not installed";
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "import jupyter_client, nbclient, nbconvert, zmq" }) psi.ArgumentList.Add(a);
        psi.Environment.Remove("PYTHONHOME");
        psi.Environment.Remove("PYTHONPATH");
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(true); return $"{Python} did not answer within 60 s"; }
        var last = err.Result.Trim().Split('\n').LastOrDefault()?.Trim();
        return p.ExitCode == 0 ? null : $"{Python} cannot import Jupyter's client libraries ({last})";
    });

    /// <summary>Why <paramref name="tool"/> is unusable here, or null when it is present.</summary>
    public static string? Missing(Tool tool) => tool switch
    {
        Tool.Jupyter => JupyterMissing.Value,
        _ => Chromium.Executable is null ? "Chromium/Chrome was not found (/usr/bin/chromium, WORKBENCH_CHROMIUM)" : null,
    };

    /// <summary>The skip reason for a test that needs <paramref name="tool"/>: null when it is present or required.</summary>
    public static string? SkipReason(Tool tool)
    {
        if (Required || Missing(tool) is not { } why) return null;
        return $"needs {tool}: {why}. Install it: {InstallCommand(tool)}. ({RequireVariable}=1 makes this a failure, as in CI.)";
    }

    /// <summary>Fails with the reason and the install command when <paramref name="tool"/> is absent (CI: never skipped).</summary>
    public static void AssertPresent(Tool tool)
    {
        if (Missing(tool) is { } why) Assert.Fail($"{why}. Install it: {InstallCommand(tool)}.");
    }
}

/// <summary>A fact that is skipped, with the reason and the install command, when its tool is absent
/// (xunit 2 has no dynamic skip: the reason is set when the test is discovered).</summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless <paramref name="tool"/> is present or <see cref="OptionalTools.Required"/>.</summary>
    public RequiresToolFactAttribute(Tool tool) { if (OptionalTools.SkipReason(tool) is { } why) Skip = why; }
}

/// <summary>A theory that is skipped like <see cref="RequiresToolFactAttribute"/>.</summary>
public sealed class RequiresToolTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the theory unless <paramref name="tool"/> is present or <see cref="OptionalTools.Required"/>.</summary>
    public RequiresToolTheoryAttribute(Tool tool) { if (OptionalTools.SkipReason(tool) is { } why) Skip = why; }
}
