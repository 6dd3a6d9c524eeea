using Workbench.Compute;
using Workbench.Notebooks;
using Workbench.Reporting;

namespace Workbench.Tests.Notebooks;

/// <summary>Cells share process-wide state (Console, Profile), so notebook tests never run in parallel with each other.</summary>
[CollectionDefinition("notebooks", DisableParallelization = true)]
public sealed class NotebookCollection { }

/// <summary>Every notebook in notebooks/ executes in the quick profile; a new notebook is covered without editing tests.</summary>
[Collection("notebooks")]
public class NotebookTests
{
    public static string Root => Artifacts.RepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Workbench.sln not found above the test directory.");

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task NotebookRunsInQuickProfile(string notebook)
    {
        var source = Path.Combine(Root, "notebooks", notebook);
        var output = Path.Combine(Root, "artifacts", "test-notebooks", notebook);
        var result = await NotebookRunner.RunAsync(source, output, RunProfile.Quick);
        Assert.True(result.Succeeded, NotebookRunner.Describe(result));
        Assert.True(result.CodeCells > 0, $"{notebook} has no code cells.");
    }

    [Fact]
    public void NotebooksAreCommittedWithoutOutputs()
    {
        foreach (var f in Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb"))
        {
            var doc = NotebookDocument.Load(f);
            foreach (var cell in doc.CodeCells)
                Assert.True(cell["outputs"] is System.Text.Json.Nodes.JsonArray { Count: 0 }, $"{Path.GetFileName(f)} has committed outputs; clear them.");
            Assert.Equal(NotebookDocument.KernelName, (string?)doc.Root["metadata"]?["kernelspec"]?["name"]);
        }
    }
}
