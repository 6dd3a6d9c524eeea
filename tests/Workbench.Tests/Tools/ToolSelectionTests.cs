using Workbench.Tests.Kernel;

namespace Workbench.Tests.Tools;

/// <summary>The rules of the optional-tool tests themselves: which notebooks go through Jupyter, what a skip says.</summary>
public class ToolSelectionTests
{
    [Fact]
    public void JupyterRunsTheTourAndTheFirstNotebookOfEachPaper()
    {
        var dir = Directory.CreateTempSubdirectory("wb-nbsel-").FullName;
        foreach (var n in new[] { "00-tour.ipynb", "02-b.ipynb", "01-a.ipynb", "10-c.ipynb", "20-x.ipynb", "21-y.ipynb", "34-z.ipynb", "notes.ipynb" })
            File.WriteAllText(Path.Combine(dir, n), "{}");
        Assert.Equal(new[] { "00-tour.ipynb", "01-a.ipynb", "20-x.ipynb", "34-z.ipynb" }, JupyterNotebooks.Selected(dir));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void TheRepositorysSelectionIncludesTheTourAndNeon()
    {
        var selected = JupyterNotebooks.Selected(Path.Combine(Workbench.Tests.Notebooks.NotebookTests.Root, "notebooks"));
        Assert.StartsWith("00-", selected[0]);
        Assert.Contains(selected, n => n.StartsWith("01-"));
        Assert.True(selected.Count < Directory.GetFiles(Path.Combine(Workbench.Tests.Notebooks.NotebookTests.Root, "notebooks"), "*.ipynb").Length);
    }

    [Fact]
    public void ASkipNamesTheToolAndItsInstallCommand()
    {
        Assert.Contains("apt-get install python3-jupyter-client", OptionalTools.InstallCommand(Tool.Jupyter));
        Assert.Contains("apt-get install chromium", OptionalTools.InstallCommand(Tool.Chromium));
        if (!OptionalTools.Required && OptionalTools.Missing(Tool.Jupyter) is not null)
            Assert.Contains(OptionalTools.InstallCommand(Tool.Jupyter), OptionalTools.SkipReason(Tool.Jupyter));
        if (OptionalTools.Required) Assert.Null(OptionalTools.SkipReason(Tool.Jupyter));   // CI: never skipped
    }
}
