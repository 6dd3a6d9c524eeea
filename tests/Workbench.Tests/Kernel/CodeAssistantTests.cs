using System.Text.Json.Nodes;
using Workbench.Kernel;

namespace Workbench.Tests.Kernel;

[Collection("notebooks")]
public class CodeAssistantTests
{
    static int CodePoints(string s) => s.EnumerateRunes().Count();

    [Fact]
    public void CursorPositionsAreUnicodeCodePoints()
    {
        const string text = "a😀b";   // the emoji is two UTF-16 units, one code point
        Assert.Equal(3, CodeAssistant.ToUtf16(text, 2));
        Assert.Equal(4, CodeAssistant.ToUtf16(text, 3));
        Assert.Equal(2, CodeAssistant.ToCodePoints(text, 3));
        Assert.Equal(text.Length, CodeAssistant.ToUtf16(text, -1));
    }

    [Fact]
    public async Task CompletesEarlierCellsVariablesAndMembersAfterAnEmoji()
    {
        using var engine = new NotebookEngine();
        var r = await engine.ExecuteAsync("var centroidsByRun = new List<double> { 1.5 };", new NullSink(), CancellationToken.None);
        Assert.True(r.Succeeded, r.Error?.Message);

        const string code = "var label = \"😀\"; centroidsByRun.Cou";
        var reply = CodeAssistant.Complete(engine, code, CodePoints(code));
        Assert.Equal(["Count"], reply["matches"]!.AsArray().Select(n => (string?)n).Where(n => n == "Count"));
        Assert.Equal(CodePoints("var label = \"😀\"; centroidsByRun."), (int)reply["cursor_start"]!);
        Assert.Equal(CodePoints(code), (int)reply["cursor_end"]!);

        var names = CodeAssistant.Complete(engine, "centroidsBy", 11)["matches"]!.AsArray().Select(n => (string?)n).ToList();
        Assert.Equal(["centroidsByRun"], names);
    }

    [Fact]
    public void IsCompleteFollowsCSharpScriptSyntax()
    {
        Assert.Equal("complete", (string?)CodeAssistant.IsComplete("var x = 1;")["status"]);
        Assert.Equal("complete", (string?)CodeAssistant.IsComplete("x + 1")["status"]);
        var open = CodeAssistant.IsComplete("if (x > 0)\n{");
        Assert.Equal("incomplete", (string?)open["status"]);
        Assert.Equal("    ", (string?)open["indent"]);
    }

    sealed class NullSink : Workbench.Notebooks.IOutputSink
    {
        public void Stream(string name, string text) { }
        public void Display(Workbench.Notebooks.MimeBundle bundle, string displayId) { }
        public void UpdateDisplay(Workbench.Notebooks.MimeBundle bundle, string displayId) { }
    }
}
