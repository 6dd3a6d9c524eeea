using TorchSharp;
using Workbench.Studies.NeurCam;
using static TorchSharp.torch;

namespace Workbench.Tests.Studies.NeurCam;

/// <summary>The interpretable text features of NeurCAM §5.3 on hand-computed fixtures.</summary>
public class TextTermFrequencyTests
{
    static IReadOnlyList<IReadOnlyList<string>> Docs(params string[] docs) => docs.Select(d => (IReadOnlyList<string>)d.Split(' ')).ToList();

    [Fact]
    public void TermFrequenciesAreRowNormalisedOverTheKeptWords()
    {
        // df: a 2, b 2, c 1 of N = 3; minDf 0.5 keeps df ≥ 1.5 → {a, b}
        var tf = TextTermFrequency.Build(Docs("a b a", "b c", "a"), minDf: 0.5, maxDf: 1.0);
        Assert.Equal(new[] { "a", "b" }, tf.Vocabulary);
        Assert.Equal(new[] { 2, 2 }, tf.DocumentFrequency);
        var x = tf.X.data<double>().ToArray();
        double s5 = Math.Sqrt(5);
        Assert.Equal(new[] { 2 / s5, 1 / s5, 0, 1, 1, 0 }, x.Select(v => Math.Round(v, 12)).ToArray(), (p, q) => Math.Abs(p - q) < 1e-12);
    }

    [Fact]
    public void WordsInAlmostEveryDocumentAreCorpusStopWords()
    {
        // x in 3 of 3 documents > 0.99·3 → removed; y, z in 1 of 3 ≥ 0.01·3 → kept
        var tf = TextTermFrequency.Build(Docs("x y", "x", "x z"));
        Assert.Equal(new[] { "y", "z" }, tf.Vocabulary);
        Assert.Equal(0.0, tf.X[1].abs().sum().ToDouble());   // "x" alone: an all-zero row
        Assert.Equal(1.0, tf.X[0, 0].ToDouble(), 12);
    }

    [Fact]
    public void BadBoundsAndEmptyVocabulariesAreRefused()
    {
        Assert.Contains("minDf", Assert.Throws<ArgumentException>(() => TextTermFrequency.Build(Docs("a"), minDf: 0.5, maxDf: 0.2)).Message);
        Assert.Contains("no word", Assert.Throws<ArgumentException>(() => TextTermFrequency.Build(Docs("a", "a"))).Message);
        Assert.Contains("no documents", Assert.Throws<ArgumentException>(() => TextTermFrequency.Build(Array.Empty<IReadOnlyList<string>>())).Message);
    }
}
