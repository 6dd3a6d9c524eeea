using Workbench.Text;

namespace Workbench.Tests.Text;

/// <summary>NEON §VI-A words: letter runs of length ≥ 3, lower-cased, stop words removed.</summary>
public class TokenizerTests
{
    /// <summary>Words are long letter runs without stop words.</summary>
    [Fact]
    public void WordsAreLongLetterRunsWithoutStopWords()
    {
        Assert.Equal(new[] { "quick", "brown", "fox", "dos", "box", "naïve", "version" },
            Tokenizer.Words("The quick brown fox's DOS-box is 42x ok; naïve version2 of it"));
        var t = Tokenizer.Tokenize("Hello, World");
        Assert.Equal(new Token("hello", 0, 5), t[0]);
        Assert.Equal(new Token("world", 7, 5), t[1]);
    }

    /// <summary>The stop word list is scikit learns.</summary>
    [Fact]
    public void TheStopWordListIsScikitLearns()
    {
        Assert.Equal(318, StopWords.English.Count);
        foreach (var w in new[] { "the", "and", "would", "whereafter", "yourselves", "con", "amoungst" }) Assert.Contains(w, StopWords.English);
        Assert.DoesNotContain("kernel", StopWords.English);
    }
}
