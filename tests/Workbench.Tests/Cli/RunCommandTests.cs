using System.Diagnostics;
using Workbench.Compute;
using Workbench.Notebooks;

namespace Workbench.Tests.Cli;

[Collection("notebooks")]
public class RunCommandTests
{
    static string WriteNotebook(params string[] cells)
    {
        var dir = Directory.CreateTempSubdirectory("wb-run-");
        var path = Path.Combine(dir.FullName, "sample.ipynb");
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
            ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
            ["cells"] = new System.Text.Json.Nodes.JsonArray(cells.Select(c => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["cell_type"] = "code", ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["execution_count"] = null,
                ["outputs"] = new System.Text.Json.Nodes.JsonArray(), ["source"] = c,
            }).ToArray()),
        };
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    [Fact]
    public async Task RunnerStopsAtFirstFailingCellAndNamesIt()
    {
        var nb = WriteNotebook("var a = 1;", "var b = 2;\nint[] xs = new int[1];\nxs[5] = a;", "Console.WriteLine(\"never\");");
        var before = File.ReadAllText(nb);
        var outPath = Path.Combine(Path.GetDirectoryName(nb)!, "out", "sample.ipynb");
        var result = await NotebookRunner.RunAsync(nb, outPath, RunProfile.Quick);
        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Failure!.Cell);
        Assert.Equal(3, result.Failure.Error.Line);
        var text = NotebookRunner.Describe(result);
        Assert.Contains("cell 2, line 3", text);
        Assert.Contains("IndexOutOfRangeException", text);
        Assert.Contains("xs[5] = a;", text);
        Assert.Equal(before, File.ReadAllText(nb)); // the source is never touched
        var executed = NotebookDocument.Load(outPath);
        Assert.Equal("error", (string?)executed.CodeCells.ElementAt(1)["outputs"]![0]!["output_type"]);
        Assert.Empty(executed.CodeCells.ElementAt(2)["outputs"]!.AsArray());
    }

    [Fact]
    public async Task ProfileReachesTheCells()
    {
        var nb = WriteNotebook("Profile.Pick(quick: \"q\", full: \"f\")");
        var outPath = Path.Combine(Path.GetDirectoryName(nb)!, "out.ipynb");
        var r = await NotebookRunner.RunAsync(nb, outPath, RunProfile.Full);
        Assert.True(r.Succeeded, NotebookRunner.Describe(r));
        var output = NotebookDocument.Load(outPath).CodeCells.First()["outputs"]![0]!;
        Assert.Equal("f", string.Concat(output["data"]!["text/plain"]!.AsArray().Select(n => (string?)n)));
        Assert.Equal(RunProfile.Quick, Profile.Current); // the runner restores the caller's profile
    }

    [Fact]
    public void WorkbenchRunExitsNonZeroOnFailure()
    {
        var bad = WriteNotebook("throw new Exception(\"planned failure\");");
        var good = WriteNotebook("1 + 1");
        var (code, output) = Workbench(new[] { "run", bad, "--out", Path.Combine(Path.GetDirectoryName(bad)!, "o") });
        Assert.Equal(1, code);
        Assert.Contains("cell 1, line 1: Exception: planned failure", output);
        var (code2, output2) = Workbench(new[] { "run", good, "--out", Path.Combine(Path.GetDirectoryName(good)!, "o") });
        Assert.True(code2 == 0, output2);
        Assert.Contains("1 of 1 notebook(s) ran", output2);
    }

    /// <summary>Runs the built <c>workbench</c> program (copied next to the tests) and returns its exit code and output.</summary>
    public static (int Code, string Output) Workbench(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "workbench.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("workbench did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
