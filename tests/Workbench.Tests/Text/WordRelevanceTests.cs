using Workbench.Clustering;
using Workbench.Neuralization;
using Workbench.Propagation;
using Workbench.Reporting;
using Workbench.Text;
using Workbench.Text.Embeddings;
using static TorchSharp.torch;

namespace Workbench.Tests.Text;

/// <summary>Word relevance (NEON §VI-A): Σ_t R_t = input relevance, the merged layer Σ_t z_t = h, repeats add up.</summary>
public class WordRelevanceTests
{
    /// <summary>Disables progress output.</summary>
    public WordRelevanceTests() { Progress.Enabled = false; }

    /// <summary>12 words in 3 topics of a 5-d embedding, 30 documents of 4–9 words, a kernel k-means on them.</summary>
    static (DocumentVectors Docs, NeuralizedKernelKMeans Net, Tensor Labels) Fixture()
    {
        var g = Workbench.Compute.Seeds.Generator(5);
        var centres = randn(new long[] { 3, 5 }, dtype: ScalarType.Float64, generator: g) * 3;
        var words = Enumerable.Range(0, 12).Select(i => $"word{(char)('a' + i)}").ToArray();
        var vecs = centres.repeat_interleave(4, 0) + randn(new long[] { 12, 5 }, dtype: ScalarType.Float64, generator: g);
        var wv = new WordVectors(words, vecs);
        var rng = new Random(3);
        var docs = new List<TextDocument>();
        for (int n = 0; n < 30; n++)
        {
            int topic = n % 3, len = 4 + rng.Next(6);
            var ws = Enumerable.Range(0, len).Select(_ => rng.Next(5) == 0 ? words[rng.Next(12)] : words[topic * 4 + rng.Next(4)]).ToList();
            if (n % 4 == 0) ws.Add("unknownish");
            docs.Add(new TextDocument($"d{n}", string.Join(" ", ws), $"t{topic}"));
        }
        var dv = DocumentVectors.Build(docs, wv);
        var labels = tensor(dv.Documents.Select(d => (long)(d.Label![1] - '0')).ToArray());
        var km = new KernelKMeans(3, supportPerCluster: 3, maxIter: 20, nInit: 1, seed: 1).Fit(dv.X, labels);
        return (dv, new NeuralizedKernelKMeans(km.Support, km.SupportLabels, km.Gamma), labels);
    }

    /// <summary>Word relevance sums to the input relevance of each document.</summary>
    [Fact]
    public void WordRelevanceSumsToTheInputRelevanceOfEachDocument()
    {
        var (docs, net, _) = Fixture();
        var e = WordRelevance.Explain(net, docs);
        using var ex = net.Explain(docs.X);
        var inputR = ex.Relevance.sum(1).data<double>().ToArray();
        for (int n = 0; n < docs.Count; n++)
        {
            Assert.Equal(inputR[n], e.InputRelevance[n], 1e-10 * (1 + Math.Abs(inputR[n])));
            Assert.Equal(inputR[n], e.WordSum(n), 1e-10 * (1 + Math.Abs(inputR[n])));
            Assert.True(e.InputRelevance[n] > 0);                               // a document of its own cluster gets positive evidence
            for (int t = 0; t < docs.TokenRows[n].Length; t++)
                Assert.Equal(docs.TokenRows[n][t] < 0, double.IsNaN(e.Words[n][t]));   // OOV words get no relevance
        }
        Assert.Equal(ex.Clusters.data<long>().ToArray(), e.Clusters);
    }

    /// <summary>The merged layer splits each first layer neuron over the words.</summary>
    [Fact]
    public void TheMergedLayerSplitsEachFirstLayerNeuronOverTheWords()
    {
        // z_{t,ij} = (1/|𝒟|) w_ijᵀ(φ(t) − m_ij) sums over the words to h_ij = w_ijᵀx + b_ij (NEON §VI-A)
        var (docs, net, _) = Fixture();
        for (int n = 0; n < 5; n++)
        {
            int c = (int)net.Predict(docs.X[n].unsqueeze(0)).item<long>();
            var (layer, I, J) = net.Layer1(c);
            var h = layer.Weight.matmul(docs.X[n]) + layer.Bias;                   // [P]
            var m = (net.Support.index_select(0, tensor(I)) + net.Support.index_select(0, tensor(J))) / 2;
            var rows = docs.TokenRows[n].Where(r => r >= 0).ToArray();
            var phi = docs.Embedding.Vectors.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));   // [T,d]
            var z = ((phi.unsqueeze(1) - m.unsqueeze(0)) * layer.Weight.unsqueeze(0)).sum(2) / rows.Length; // [T,P]
            Assert.True(z.sum(new long[] { 0 }).allclose(h, rtol: 1e-9, atol: 1e-9));
        }
    }

    /// <summary>A repeated word gets the sum of its occurrences.</summary>
    [Fact]
    public void ARepeatedWordGetsTheSumOfItsOccurrences()
    {
        var (docs, net, _) = Fixture();
        var e = WordRelevance.Explain(net, docs);
        for (int n = 0; n < docs.Count; n++)
        {
            var toks = docs.Tokens[n];
            foreach (var grp in toks.Select((t, i) => (t.Word, i)).Where(p => docs.TokenRows[n][p.i] >= 0).GroupBy(p => p.Word))
            {
                var rs = grp.Select(p => e.Words[n][p.i]).ToArray();
                foreach (var r in rs) Assert.Equal(rs[0], r, 1e-12);                  // every occurrence the same
                var byWord = e.ByWord(docs, n).Single(w => w.Word == grp.Key);
                Assert.Equal(rs.Length, byWord.Count);
                Assert.Equal(rs.Sum(), byWord.Relevance, 1e-12);
            }
        }
        // Doubling a word with |𝒟| fixed doubles its relevance: a document of one word type repeated has R_t·|𝒟| = Σ_i R_i
        var wv = docs.Embedding;
        var single = DocumentVectors.Build(new[] { new TextDocument("s", "worda worda worda") }, wv);
        var es = WordRelevance.Explain(net, single);
        Assert.Equal(es.InputRelevance[0], 3 * es.Words[0][0], 1e-10);
    }

    /// <summary>The html shades words and escapes text.</summary>
    [Fact]
    public void TheHtmlShadesWordsAndEscapesText()
    {
        var (docs, net, _) = Fixture();
        var e = WordRelevance.Explain(net, docs);
        var html = HighlightedText.Html(docs, e, new[] { 0, 1 }, new[] { "zero", "one", "two" });
        Assert.Contains("background-color:rgb(255,77,77)", html);                   // the most relevant word of a document is strongest red
        Assert.Contains("color:#aaa", html);                                       // document 0 has an out-of-vocabulary word
        Assert.DoesNotContain("<script", html);
        Assert.Equal("background-color:rgb(77,77,255)", HighlightedText.Shade(-1));
        Assert.Equal("background-color:rgb(255,255,255)", HighlightedText.Shade(0));
        var wv = new WordVectors(new[] { "alpha", "beta" }, tensor(new double[,] { { 1, 0 }, { 0, 2 } }));
        var tricky = DocumentVectors.Build(new[] { new TextDocument("<id>", "alpha <b>beta</b> & co") }, wv);
        var page = HighlightedText.Page("t", HighlightedText.Html(tricky, new WordExplanation(new long[] { 0 }, new[] { 1.0 }, new[] { 1.0 },
            new[] { new[] { 0.5, -0.5 } }), new[] { 0 }));
        Assert.Contains("&lt;b&gt;", page);
        Assert.Contains("&amp; co", page);
        Assert.Contains("&lt;id&gt;", page);
        Assert.StartsWith("<!DOCTYPE html>", page);
        // a cut inside a word shows the word whole and counts what is left
        var cut = HighlightedText.Html(tricky, new WordExplanation(new long[] { 0 }, new[] { 1.0 }, new[] { 1.0 }, new[] { new[] { 0.5, -0.5 } }), new[] { 0 }, maxChars: 3);
        Assert.Contains(">alpha</span>", cut);
        Assert.Contains("… (17 more characters)", cut);
        var table = ClusterWords.Table(docs, e, 3);
        Assert.Equal(docs.Count, table.Sum(r => r.Documents));
    }
}
