using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

[Collection("notebooks")]
public class SessionTests
{
    sealed class Sink : IOutputSink
    {
        public List<(string Kind, string Text)> Items { get; } = new();
        public void Stream(string name, string text) => Items.Add((name, text));
        public void Display(MimeBundle bundle, string displayId) => Items.Add(("display:" + displayId, bundle.PlainText));
        public void UpdateDisplay(MimeBundle bundle, string displayId) => Items.Add(("update:" + displayId, bundle.PlainText));
    }

    [Fact]
    public async Task StateCarriesAcrossCellsAndTrailingExpressionIsTheValue()
    {
        using var s = new NotebookSession();
        var sink = new Sink();
        var r1 = await s.ExecuteAsync("var a = 20;\nConsole.WriteLine(\"hi\");", sink);
        Assert.True(r1.Succeeded);
        Assert.Null(r1.Value);
        var r2 = await s.ExecuteAsync("a + 22", sink);
        Assert.Equal("42", r2.Value!.PlainText);
        Assert.Contains(("stdout", "hi\n"), sink.Items);
        Assert.Equal(2, s.ExecutionCount);
    }

    [Fact]
    public async Task ProgressEnabledSetInOneCellHoldsForTheNext()
    {
        using var s = new NotebookSession();
        var sink = new Sink();
        Assert.Equal("True", (await s.ExecuteAsync("Workbench.Reporting.Progress.Enabled", sink)).Value!.PlainText);
        await s.ExecuteAsync("Workbench.Reporting.Progress.Enabled = false;", sink);
        Assert.Equal("False", (await s.ExecuteAsync("Workbench.Reporting.Progress.Enabled", sink)).Value!.PlainText);
        using var other = new NotebookSession();                       // another session is not affected
        Assert.Equal("True", (await other.ExecuteAsync("Workbench.Reporting.Progress.Enabled", sink)).Value!.PlainText);
        Assert.True(Workbench.Reporting.Progress.Enabled);              // nor is the host
    }

    [Fact]
    public async Task RuntimeErrorNamesTheLineAndSessionStaysUsable()
    {
        using var s = new NotebookSession();
        var sink = new Sink();
        var r = await s.ExecuteAsync("var x = 1;\nvar y = 2;\nthrow new InvalidOperationException(\"boom\");", sink);
        Assert.False(r.Succeeded);
        Assert.Equal("InvalidOperationException", r.Error!.Name);
        Assert.Equal("boom", r.Error.Message);
        Assert.Equal(3, r.Error.Line);
        Assert.Contains("throw new InvalidOperationException", r.Error.LineText);
        var next = await s.ExecuteAsync("x + y", sink);
        Assert.Equal("3", next.Value!.PlainText);
    }

    [Fact]
    public async Task CompileErrorNamesTheLine()
    {
        using var s = new NotebookSession();
        var r = await s.ExecuteAsync("var ok = 1;\nvar bad = undefinedName + 1;", new Sink());
        Assert.Equal("CompilationError", r.Error!.Name);
        Assert.Equal(2, r.Error.Line);
        Assert.Contains("undefinedName", r.Error.Message);
    }

    [Fact]
    public async Task DisplayHandleUpdatesInPlace()
    {
        using var s = new NotebookSession();
        var sink = new Sink();
        var r = await s.ExecuteAsync("var h = display(\"one\");\nh.Update(\"two\");", sink);
        Assert.True(r.Succeeded, r.Error?.Message);
        Assert.StartsWith("display:", sink.Items[0].Kind);
        Assert.Equal("one", sink.Items[0].Text);
        Assert.Equal("update:" + sink.Items[0].Kind["display:".Length..], sink.Items[1].Kind);
        Assert.Equal("two", sink.Items[1].Text);
    }

    [Fact]
    public async Task ChartsRenderAsOfflineHtml()
    {
        using var s = new NotebookSession();
        var r = await s.ExecuteAsync("Plots.RelevanceBars(new[] { \"a\", \"b\" }, new[] { 1.0, -0.5 })", new Sink());
        Assert.True(r.Succeeded, r.Error?.Message);
        var html = (string)r.Value!.Data["text/html"];
        Assert.Contains("Plotly.newPlot", html);
        Assert.DoesNotContain("<script src=", html); // no CDN: works offline
        Assert.True(html.Length > 1_000_000, "the first chart of a session embeds plotly.js");
    }

    [Fact]
    public async Task LaterCellsDoNotRepeatTheReferencesSoACellCostsTheSameAfterManyCells()
    {
        // Passing the ~150 references with every submission made retained memory grow with the square of the number
        // of cells (docs/kernel.md, benchmarks/kernel_long_session.py). Later submissions inherit the first one's.
        using var s = new NotebookSession();
        var sink = new Sink();
        Assert.True((await s.ExecuteAsync("var first = 1;", sink)).Succeeded);
        Assert.NotEmpty(s.CurrentScript!.Options.MetadataReferences);
        for (int i = 0; i < 3; i++) Assert.True((await s.ExecuteAsync("first += 1;", sink)).Succeeded);
        Assert.Empty(s.CurrentScript!.Options.MetadataReferences);
        var r = await s.ExecuteAsync("typeof(Workbench.Compute.Devices).Name + typeof(Deedle.Frame).Name + first", sink);
        Assert.True(r.Succeeded, r.Error?.Message);
        Assert.Equal("DevicesFrame4", r.Value!.PlainText);
        Assert.Empty(s.NextSubmission("first").Options.MetadataReferences);
    }
}

public class FormatterTests
{
    [Fact]
    public void RecordsBecomeTables()
    {
        var b = Workbench.Notebooks.Formatting.Formatter.Format(new[] { new { cluster = 0, size = 10, share = 0.25 }, new { cluster = 1, size = 30, share = 0.75 } });
        var html = (string)b.Data["text/html"];
        Assert.Contains("<th style=\"text-align:right;padding:0 .6em\">share</th>", html);
        Assert.Contains("0.75", b.PlainText);
    }

    [Fact]
    public void NumbersArePrintedInvariantAndRoundTrip()
    {
        Assert.Equal("0.1", Workbench.Notebooks.Formatting.Formatter.Format(0.1).PlainText);
        Assert.Equal("[1, 2, 3]", Workbench.Notebooks.Formatting.Formatter.Format(new[] { 1, 2, 3 }).PlainText);
    }

    [Fact]
    public void DeedleFramesBecomeHtmlTables()
    {
        var frame = Deedle.Frame.FromRecords(new[] { new { a = 1.5, b = "x" }, new { a = double.NaN, b = "y" } });
        var bundle = Workbench.Notebooks.Formatting.Formatter.Format(frame);
        Assert.Contains("<table", (string)bundle.Data["text/html"]);
        Assert.Contains("NA", bundle.PlainText);
        Assert.Contains("2 rows × 2 columns", bundle.PlainText);
    }
}

public class AnonymousObjectFormatting
{
    [Fact]
    public void AnAnonymousObjectIsANameValueTable()
    {
        var b = Workbench.Notebooks.Formatting.Formatter.Format(new { N = 178, error = 8.9e-15 });
        Assert.Contains("<td style=\"text-align:right;padding:0 .6em\">N</td>", (string)b.Data["text/html"]);
        Assert.Contains("8.9E-15", b.PlainText);
    }

}
