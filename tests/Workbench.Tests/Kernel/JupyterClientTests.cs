using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Tests.Tools;

namespace Workbench.Tests.Kernel;

/// <summary>
/// The kernel as a separate process, driven by Jupyter's own client libraries: the protocol and life-cycle suites in
/// tests/kernel/*.py (jupyter_client), and the tour plus one notebook per paper (<see cref="JupyterNotebooks"/>) through
/// <c>jupyter nbconvert --execute</c> (every notebook runs once through the same engine in NotebookTests). Skipped, with
/// the install command, where Jupyter's client is absent; a failure instead under WORKBENCH_REQUIRE_TOOLS=1 (CI).
/// </summary>
[Collection("jupyter")]
public class JupyterClientTests(JupyterFixture jupyter)
{
    void RunSuite(string script)
    {
        jupyter.AssertAvailable();
        var dir = Path.Combine(jupyter.Root, "tests", "kernel");
        var (exit, output) = jupyter.RunPython([Path.Combine(dir, script)], dir, TimeSpan.FromMinutes(10));
        // unittest prints "OK" on success; on failure the output names each failing test and its assertion.
        Assert.True(exit == 0, $"{script} failed (exit {exit}):\n{Summary(output)}");
        Assert.Matches(@"Ran \d+ tests", output);
    }

    /// <summary>unittest's lines and failures, without the kernel's own log lines.</summary>
    static string Summary(string output) =>
        string.Join('\n', output.Split('\n').Where(l => !l.StartsWith("[workbench kernel", StringComparison.Ordinal)));

    [RequiresToolFact(Tool.Jupyter)]
    public void ProtocolThroughJupyterClient() => RunSuite("test_protocol.py");

    [RequiresToolFact(Tool.Jupyter)]
    public void LifecycleThroughJupyterClient() => RunSuite("test_lifecycle.py");

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var nb in JupyterNotebooks.Selected(Path.Combine(new JupyterFixtureRoot().Root, "notebooks"))) data.Add(nb);
        return data;
    }

    [RequiresToolTheory(Tool.Jupyter)]
    [MemberData(nameof(Notebooks))]
    public void NotebookRunsInJupyterWithThisKernel(string notebook)
    {
        jupyter.AssertAvailable();
        var outDir = Directory.CreateTempSubdirectory("wb-nbconvert-").FullName;
        var source = Path.Combine(jupyter.Root, "notebooks", notebook);
        var (exit, output) = jupyter.RunPython(
            ["-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=workbench-csharp",
             "--ExecutePreprocessor.timeout=900", "--output-dir", outDir, source],
            jupyter.Root, TimeSpan.FromMinutes(20));
        Assert.True(exit == 0, $"nbconvert --execute {notebook} failed (exit {exit}):\n{Summary(output)}");

        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, notebook)))!;
        Assert.Equal("workbench-csharp", (string?)executed["metadata"]!["kernelspec"]!["name"]);
        int number = 0;
        foreach (var cell in executed["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code"))
        {
            number++;
            var code = Source(cell!);
            var outputs = cell!["outputs"]!.AsArray();
            if (string.IsNullOrWhiteSpace(code)) continue;
            Assert.NotNull(cell["execution_count"]?.GetValue<int>());
            var errors = outputs.Where(o => (string?)o!["output_type"] == "error").ToList();
            Assert.True(errors.Count == 0, $"{notebook} code cell {number} has an error output: {errors.FirstOrDefault()?.ToJsonString()}");
            if (EndsWithExpression(code))
                Assert.True(outputs.Any(o => (string?)o!["output_type"] == "execute_result"),
                    $"{notebook} code cell {number} ends in an expression but shows no result");
            if (code.Contains("Console.Write", StringComparison.Ordinal) || code.Contains("display(", StringComparison.Ordinal))
                Assert.True(outputs.Count > 0, $"{notebook} code cell {number} writes or displays but has no output");
        }
        Directory.Delete(outDir, recursive: true);
    }

    static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonNode s => (string?)s ?? "",
        _ => "",
    };

    /// <summary>A cell whose last code line has no semicolon or brace at its end ends in an expression (its value is shown).</summary>
    internal static bool EndsWithExpression(string code)
    {
        var last = code.Split('\n').Select(l => Regex.Replace(l, @"//.*$", "").Trim()).LastOrDefault(l => l.Length > 0);
        return last is not null && !last.EndsWith(';') && !last.EndsWith('}') && !last.EndsWith('{') && !last.StartsWith('#')
               && !last.StartsWith("using ", StringComparison.Ordinal);
    }

    /// <summary>Repository root for MemberData, which runs before fixtures exist.</summary>
    sealed class JupyterFixtureRoot
    {
        public string Root { get; } = Find();
        static string Find()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("Cannot find Workbench.sln above " + AppContext.BaseDirectory);
        }
    }
}
