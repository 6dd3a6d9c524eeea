using System.Text.RegularExpressions;

namespace Workbench.Text;

/// <summary>
/// Words as NEON §VI-A defines them: runs of letters of length ≥ 3, lower-cased, minus English stop words. Letters are
/// Unicode letters (<c>\p{L}</c>), so "naïve" is one word and "don't" gives "don" (2 letters "t" dropped).
/// </summary>
public static partial class Tokenizer
{
    /// <summary>Minimum word length (NEON §VI-A: "any sequence of letters of length at least three").</summary>
    public const int MinLength = 3;

    /// <summary>The words of <paramref name="text"/> in order, each with its character span in the text.</summary>
    public static IReadOnlyList<Token> Tokenize(string text)
    {
        var r = new List<Token>();
        foreach (Match m in LetterRunRegex().Matches(text))
        {
            var w = m.Value.ToLowerInvariant();
            if (!StopWords.English.Contains(w)) r.Add(new Token(w, m.Index, m.Length));
        }
        return r;
    }

    /// <summary>Just the words (lower-cased, stop words removed).</summary>
    public static string[] Words(string text) => Tokenize(text).Select(t => t.Word).ToArray();

    [GeneratedRegex(@"\p{L}{3,}")] private static partial Regex LetterRunRegex();
}

/// <summary>One word of a text: its lower-cased form and where it stands (<paramref name="Start"/>, <paramref name="Length"/> in characters).</summary>
public sealed record Token(string Word, int Start, int Length);
