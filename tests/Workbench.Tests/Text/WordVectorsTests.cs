using System.Globalization;
using System.Text;
using Workbench.Text;
using Workbench.Text.Embeddings;
using static TorchSharp.torch;

namespace Workbench.Tests.Text;

/// <summary>The wink-format JSON is streamed (across buffer refills), the requested words kept, and the binary cache returns the same vectors.</summary>
public class WordVectorsTests
{
    /// <summary>A wink-format file with <paramref name="count"/> words w0, w1, … of dimension <paramref name="dims"/>; v[w_i][j] = i + j/1000.</summary>
    internal static string WriteWink(string dir, int count, int dims, params (string Word, double[] V)[] extra)
    {
        var path = Path.Combine(dir, "emb.json");
        var sb = new StringBuilder();
        sb.Append("{\"precision\":8,\"l2NormIndex\":").Append(dims).Append(",\"wordIndex\":").Append(dims + 1)
          .Append(",\"size\":").Append(count + extra.Length).Append(",\"dimensions\":").Append(dims).Append(",\"words\":[\"vectors\"],\"vectors\":{");
        for (int i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("\"w").Append(i).Append("\":[");
            for (int j = 0; j < dims; j++) sb.Append((i + j / 1000.0).ToString("R", CultureInfo.InvariantCulture)).Append(',');
            sb.Append("1.5,").Append(i).Append(']');
        }
        foreach (var (w, v) in extra)
            sb.Append(",\"").Append(w).Append("\":[").Append(string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))).Append(",0,0]");
        sb.Append("},\"unkVector\":[").Append(string.Join(",", Enumerable.Repeat("0", dims))).Append(",-1]}");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>Streaming keeps the requested words across buffer refills.</summary>
    [Fact]
    public void StreamingKeepsTheRequestedWordsAcrossBufferRefills()
    {
        var dir = Directory.CreateTempSubdirectory("wb-text-").FullName;
        try
        {
            var path = WriteWink(dir, 6000, 50);                                   // ≈ 2.5 MB: several 1 MB buffer refills
            Assert.True(new FileInfo(path).Length > 2_000_000);
            var (dims, v) = WinkJsonReader.Read(path, new HashSet<string> { "w0", "w2999", "w5999", "absent" });
            Assert.Equal(50, dims);
            Assert.Equal(new[] { "w0", "w2999", "w5999" }, v.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(2999 + 7 / 1000.0, v["w2999"][7], 1e-3);                   // stored as float32
            Assert.Equal(50, v["w5999"].Length);                                    // the norm and index are not part of the vector
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>The binary cache gives the same vectors.</summary>
    [Fact]
    public void TheBinaryCacheGivesTheSameVectors()
    {
        var dir = Directory.CreateTempSubdirectory("wb-text-").FullName;
        try
        {
            var path = WriteWink(dir, 300, 8);
            var cache = Path.Combine(dir, "cache");
            var log = new StringWriter();
            var a = WordVectors.FromJson(path, new[] { "w5", "w1", "nope", "w5" }, cache, "key", log);
            var b = WordVectors.FromJson(path, new[] { "w1", "w5", "nope" }, cache, "key", log);
            Assert.Contains("streamed", log.ToString());
            Assert.Contains("from the cache", log.ToString());
            Assert.Single(Directory.GetFiles(cache));
            Assert.Equal(new[] { "w1", "w5" }, a.Words);
            Assert.Equal(a.Words, b.Words);
            Assert.True(a.Vectors.eq(b.Vectors).all().item<bool>());
            Assert.Equal(-1, a.IndexOf("nope"));
            Assert.Equal(5 + 3 / 1000.0, a.Vectors[a.IndexOf("w5")][3].item<double>(), 1e-5);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Document vectors average in vocabulary words and report empty documents.</summary>
    [Fact]
    public void DocumentVectorsAverageInVocabularyWordsAndReportEmptyDocuments()
    {
        var wv = new WordVectors(new[] { "alpha", "beta" }, tensor(new double[,] { { 1, 0 }, { 0, 2 } }));
        var docs = DocumentVectors.Build(new[]
        {
            new TextDocument("d1", "alpha beta alpha zulu"),       // zulu: out of vocabulary, not in the mean
            new TextDocument("d2", "zulu yankee"),                  // nothing in vocabulary
            new TextDocument("d3", "the and of"),                   // only stop words
        }, wv);
        Assert.Equal(1, docs.Count);
        Assert.All(docs.X[0].data<double>().ToArray(), v => Assert.Equal(2.0 / 3, v, 1e-12));
        Assert.Equal(new[] { 0, 1, 0, -1 }, docs.TokenRows[0]);
        Assert.Equal(3, docs.InVocabularyCounts[0]);
        Assert.Equal(new[] { "d2", "d3" }, docs.Excluded.Select(e => e.Id));
        Assert.Contains("vocabulary", docs.Excluded[0].Reason);
        Assert.Contains("stop-word", docs.Excluded[1].Reason);
        Assert.Throws<ArgumentException>(() => DocumentVectors.Build(new[] { new TextDocument("x", "zulu") }, wv));
    }
}
