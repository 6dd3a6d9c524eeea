using TorchSharp;
using Workbench.Compute;
using Workbench.Text.Embeddings;
using static TorchSharp.torch;

namespace Workbench.Text;

/// <summary>A document to embed: an id, its text and (optionally) its label.</summary>
public sealed record TextDocument(string Id, string Text, string? Label = null);

/// <summary>
/// Documents as NEON §VI-A represents them: x = (1/|𝒟|) Σ_{t∈𝒟} φ(t), the mean of the word vectors of the
/// document's in-vocabulary words (<see cref="Tokenizer"/>); out-of-vocabulary words are kept for display but excluded
/// from the mean and from |𝒟|. A document without any in-vocabulary word has no vector: it is left out and listed in
/// <see cref="Excluded"/> with its id.
/// </summary>
public sealed class DocumentVectors
{
    DocumentVectors(IReadOnlyList<TextDocument> docs, IReadOnlyList<IReadOnlyList<Token>> tokens, IReadOnlyList<int[]> rows,
        Tensor x, WordVectors wv, IReadOnlyList<(string Id, string Reason)> excluded)
    {
        Documents = docs; Tokens = tokens; TokenRows = rows; X = x; Embedding = wv; Excluded = excluded;
    }

    /// <summary>The embedded documents (those with at least one in-vocabulary word), in input order.</summary>
    public IReadOnlyList<TextDocument> Documents { get; }
    /// <summary>The words of each document (stop words removed), in text order.</summary>
    public IReadOnlyList<IReadOnlyList<Token>> Tokens { get; }
    /// <summary>For each word of each document its row in <see cref="Embedding"/>, −1 when out of vocabulary.</summary>
    public IReadOnlyList<int[]> TokenRows { get; }
    /// <summary>Document vectors, [N,d] float64.</summary>
    public Tensor X { get; }
    /// <summary>The word vectors used.</summary>
    public WordVectors Embedding { get; }
    /// <summary>Documents left out (no in-vocabulary word), with the reason.</summary>
    public IReadOnlyList<(string Id, string Reason)> Excluded { get; }
    /// <summary>Number of embedded documents N.</summary>
    public int Count => Documents.Count;
    /// <summary>|𝒟| of each document: its number of in-vocabulary words (repeats counted).</summary>
    public int[] InVocabularyCounts => TokenRows.Select(r => r.Count(i => i >= 0)).ToArray();

    /// <summary>Every distinct word of <paramref name="docs"/> (the vocabulary to look up, <see cref="WordVectors.Load"/>).</summary>
    public static HashSet<string> Vocabulary(IEnumerable<TextDocument> docs) =>
        docs.SelectMany(d => Tokenizer.Words(d.Text)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Tokenises and embeds <paramref name="docs"/> with <paramref name="embedding"/> on <paramref name="device"/>.</summary>
    public static DocumentVectors Build(IReadOnlyList<TextDocument> docs, WordVectors embedding, Device? device = null)
    {
        var dev = Devices.Resolve(device);
        var kept = new List<TextDocument>(); var toks = new List<IReadOnlyList<Token>>(); var rows = new List<int[]>();
        var excluded = new List<(string, string)>();
        var docIndex = new List<long>(); var wordIndex = new List<long>();
        foreach (var d in docs)
        {
            var t = Tokenizer.Tokenize(d.Text);
            var r = t.Select(w => embedding.IndexOf(w.Word)).ToArray();
            if (!r.Any(i => i >= 0))
            {
                excluded.Add((d.Id, t.Count == 0 ? "no word of three or more letters outside the stop-word list" : $"none of its {t.Count} words is in the embedding's vocabulary"));
                continue;
            }
            foreach (var i in r.Where(i => i >= 0)) { docIndex.Add(kept.Count); wordIndex.Add(i); }
            kept.Add(d); toks.Add(t); rows.Add(r);
        }
        if (kept.Count == 0) throw new ArgumentException($"none of the {docs.Count} documents has a word in the embedding's vocabulary; nothing to embed.");
        using var scope = NewDisposeScope();
        var phi = embedding.Vectors.to(dev);
        var di = tensor(docIndex.ToArray(), device: dev);
        var words = phi.index_select(0, tensor(wordIndex.ToArray(), device: dev));
        var sum = zeros(kept.Count, phi.shape[1], dtype: ScalarType.Float64, device: dev).index_add_(0, di, words, 1);   // Σ_t φ(t)
        var count = bincount(di, minlength: kept.Count).to_type(ScalarType.Float64).unsqueeze(1);
        var x = (sum / count).MoveToOuterDisposeScope();                                                               // NEON §VI-A: x = (1/|𝒟|) Σ_t φ(t)
        return new DocumentVectors(kept, toks, rows, x, embedding, excluded);
    }
}
