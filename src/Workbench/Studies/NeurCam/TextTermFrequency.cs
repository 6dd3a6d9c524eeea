using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Studies.NeurCam;

/// <summary>
/// The interpretable text representation x of NeurCAM §5.3: corpus stop words (words in more than
/// <see cref="MaxDocumentFrequency"/> of the documents) and rare words (in fewer than <see cref="MinDocumentFrequency"/>)
/// removed, then the term frequency of each remaining word in each document, each row scaled to unit L2 norm.
/// One column per vocabulary word, so a NeurCAM channel that selects column i explains with the word
/// <see cref="Vocabulary"/>[i].
/// </summary>
public sealed class TextTermFrequency
{
    TextTermFrequency(IReadOnlyList<string> vocabulary, Tensor x, int[] documentFrequency, double minDf, double maxDf)
    {
        Vocabulary = vocabulary; X = x; DocumentFrequency = documentFrequency; MinDocumentFrequency = minDf; MaxDocumentFrequency = maxDf;
    }

    /// <summary>The kept words, column order of <see cref="X"/> (ordinal order).</summary>
    public IReadOnlyList<string> Vocabulary { get; }
    /// <summary>L2-normalised term frequencies, [N,V] float64; a document with no kept word is an all-zero row.</summary>
    public Tensor X { get; }
    /// <summary>Number of documents containing each kept word.</summary>
    public int[] DocumentFrequency { get; }
    /// <summary>Smallest kept document frequency, as a share of N (paper: 0.01).</summary>
    public double MinDocumentFrequency { get; }
    /// <summary>Largest kept document frequency, as a share of N (paper: 0.99).</summary>
    public double MaxDocumentFrequency { get; }

    /// <summary>
    /// Term frequencies of <paramref name="documents"/> (each a list of words, already tokenised and stop-worded).
    /// A word is kept when minDf·N ≤ df ≤ maxDf·N (NeurCAM §5.3: "appear in more than 99 % … less than 1 %" are removed).
    /// </summary>
    public static TextTermFrequency Build(IReadOnlyList<IReadOnlyList<string>> documents, double minDf = 0.01, double maxDf = 0.99, Device? device = null)
    {
        if (documents.Count == 0) throw new ArgumentException("no documents; give at least one tokenised document.");
        if (!(minDf >= 0 && minDf < maxDf && maxDf <= 1))
            throw new ArgumentException($"need 0 ≤ minDf < maxDf ≤ 1; got minDf = {minDf}, maxDf = {maxDf}.");
        int n = documents.Count;
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in documents)
            foreach (var w in doc.Distinct(StringComparer.Ordinal)) df[w] = df.GetValueOrDefault(w) + 1;
        var vocab = df.Where(kv => kv.Value >= minDf * n && kv.Value <= maxDf * n).Select(kv => kv.Key)
            .OrderBy(w => w, StringComparer.Ordinal).ToArray();
        if (vocab.Length == 0)
            throw new ArgumentException($"no word of the {df.Count} distinct words has a document frequency in [{minDf}, {maxDf}]·N (N = {n}); widen the bounds or add documents.");
        var column = vocab.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        var counts = new double[n, vocab.Length];
        for (int d = 0; d < n; d++)
            foreach (var w in documents[d])
                if (column.TryGetValue(w, out int c)) counts[d, c] += 1;
        using var scope = NewDisposeScope();
        var tf = tensor(counts, dtype: ScalarType.Float64, device: Devices.Resolve(device));
        var norm = tf.square().sum(new long[] { 1 }, keepdim: true).sqrt();
        var x = where(norm.gt(0), tf / norm.clamp_min(1e-300), zeros_like(tf)).MoveToOuterDisposeScope();   // §5.3: ‖x‖₂ = 1
        return new TextTermFrequency(vocab, x, vocab.Select(w => df[w]).ToArray(), minDf, maxDf);
    }
}
