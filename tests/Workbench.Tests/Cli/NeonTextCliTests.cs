using System.Globalization;
using Workbench.Cli.Commands;
using Workbench.Datasets.Formats;
using Workbench.Reporting;
using Workbench.Tests.Text;

namespace Workbench.Tests.Cli;

/// <summary><c>workbench neon text</c> in-process on a small embedding and documents written by the test.</summary>
public sealed class NeonTextCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("neon-text-cli-").FullName;
    /// <summary>Disables progress output.</summary>
    public NeonTextCliTests() { Progress.Enabled = false; }
    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }
    string P(string name) => Path.Combine(_dir, name);

    (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = CliBoundary.Invoke(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Words of two topics in a 4-d embedding (topic A near +e₁, topic B near +e₂), and 12 documents per topic.</summary>
    string Setup()
    {
        var rng = new Random(4);
        string[] a = { "kernel", "module", "driver", "compile", "linux" }, b = { "guitar", "music", "concert", "song", "band" };
        var extra = a.Select((w, i) => (w, new[] { 3.0 + 0.3 * i, 0.2 * rng.NextDouble(), 0.1 * i, 0.0 }))
            .Concat(b.Select((w, i) => (w, new[] { 0.2 * rng.NextDouble(), 3.0 + 0.3 * i, 0.0, 0.1 * i }))).ToArray();
        var emb = WordVectorsTests.WriteWink(_dir, 3, 4, extra);
        Directory.CreateDirectory(P("docs"));
        var labels = new List<string> { "id,label" };
        for (int n = 0; n < 24; n++)
        {
            var words = n < 12 ? a : b;
            var text = string.Join(" ", Enumerable.Range(0, 6).Select(_ => words[rng.Next(5)])) + (n % 5 == 0 ? " <unknownword> & co" : "");
            File.WriteAllText(P($"docs/d{n:00}.txt"), text);
            labels.Add($"d{n:00}.txt,{(n < 12 ? "tech" : "music")}");
        }
        File.WriteAllText(P("docs/empty.txt"), "the and of");                       // no word: reported, left out
        labels.Add("empty.txt,music");
        File.WriteAllLines(P("labels.csv"), labels);
        return emb;
    }

    /// <summary>Clusters explains and writes the report and the word table.</summary>
    [Fact]
    public void ClustersExplainsAndWritesTheReportAndTheWordTable()
    {
        var emb = Setup();
        var r = Run("neon", "text", "--docs", P("docs"), "--labels", P("labels.csv"), "--embeddings", emb, "--support-per-cluster", "3",
            "--out-html", P("report.html"), "--out-words", P("words.csv"));
        Assert.True(r.Code == 0, r.Err + r.Out);
        Assert.Contains("left out empty.txt", r.Out);
        Assert.Contains("ARI against the labels: 1.000", r.Out);
        var html = File.ReadAllText(P("report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("background-color:rgb(255,77,77)", html);
        Assert.Contains("&lt;<span style=\"color:#aaa\" title=\"out of vocabulary\">unknownword</span>&gt; &amp; co", html);
        Assert.Contains("color:#aaa", html);                                         // out-of-vocabulary word shown grey
        var rows = CsvReader.ReadRecords(P("words.csv"));
        Assert.Equal(new[] { "cluster", "rank", "word", "relevance", "occurrences" }, rows[0]);
        // every word of the tech cluster's table is a tech word, and the relevances are finite and sorted
        var byCluster = rows.Skip(1).GroupBy(f => f[0]).ToList();
        Assert.Equal(2, byCluster.Count);
        foreach (var g in byCluster)
        {
            var rel = g.Select(f => double.Parse(f[3], CultureInfo.InvariantCulture)).ToArray();
            Assert.All(rel, v => Assert.True(double.IsFinite(v)));
            Assert.Equal(rel.OrderByDescending(v => v), rel);
        }
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp"));
    }

    /// <summary>Bad input is one error line and nothing is written.</summary>
    [Fact]
    public void BadInputIsOneErrorLineAndNothingIsWritten()
    {
        var emb = Setup();
        var r1 = Run("neon", "text", "--docs", P("nowhere"), "--embeddings", emb, "--k", "2", "--out-html", P("a.html"), "--out-words", P("w.csv"));
        Assert.Equal(1, r1.Code);
        Assert.Contains("neither a folder", r1.Err);
        var r2 = Run("neon", "text", "--docs", P("docs"), "--embeddings", emb, "--out-html", P("a.html"), "--out-words", P("w.csv"));
        Assert.Equal(1, r2.Code);
        Assert.Contains("--k", r2.Err);
        File.WriteAllLines(P("partial.csv"), new[] { "id,label", "d00.txt,tech" });
        var r3 = Run("neon", "text", "--docs", P("docs"), "--labels", P("partial.csv"), "--embeddings", emb, "--out-html", P("a.html"), "--out-words", P("w.csv"));
        Assert.Equal(1, r3.Code);
        Assert.Contains("no label for", r3.Err);
        Assert.False(File.Exists(P("a.html")));
        Assert.False(File.Exists(P("w.csv")));
    }
}
