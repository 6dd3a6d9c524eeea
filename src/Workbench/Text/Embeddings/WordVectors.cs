using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using Workbench.Compute;
using Workbench.Datasets;
using static TorchSharp.torch;
using Workbench.IO;

namespace Workbench.Text.Embeddings;

/// <summary>
/// Word vectors φ(t) for a vocabulary: the words found in the embedding and their vectors, [V,d] float64. Built from
/// the catalog's <c>glove-100d</c> (or any wink-format JSON) by <see cref="Load"/>, which keeps a small binary cache of
/// the requested vocabulary next to the dataset, so the 307 MB JSON is streamed once per vocabulary.
/// </summary>
public sealed class WordVectors
{
    readonly Dictionary<string, int> _index;

    /// <summary>Vectors <paramref name="vectors"/> [V,d] of <paramref name="words"/> (distinct).</summary>
    public WordVectors(IReadOnlyList<string> words, Tensor vectors)
    {
        if (vectors.dim() != 2 || vectors.shape[0] != words.Count)
            throw new ArgumentException($"vectors must be [{words.Count}, d] for {words.Count} words; got [{string.Join(", ", vectors.shape)}].");
        Words = words; Vectors = vectors.to_type(ScalarType.Float64);
        _index = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
            if (!_index.TryAdd(words[i], i)) throw new ArgumentException($"the word '{words[i]}' appears twice in the vocabulary.");
    }

    /// <summary>The vocabulary, in row order of <see cref="Vectors"/>.</summary>
    public IReadOnlyList<string> Words { get; }
    /// <summary>φ(t) for every word, [V,d] float64.</summary>
    public Tensor Vectors { get; }
    /// <summary>Embedding dimension d.</summary>
    public int Dimensions => (int)Vectors.shape[1];
    /// <summary>Row of <paramref name="word"/>, or −1 when it is out of vocabulary.</summary>
    public int IndexOf(string word) => _index.TryGetValue(word, out var i) ? i : -1;
    /// <summary>Whether <paramref name="word"/> has a vector.</summary>
    public bool Contains(string word) => _index.ContainsKey(word);

    /// <summary>
    /// The vectors of the words of <paramref name="vocabulary"/> that the embedding knows, from the catalog dataset
    /// <paramref name="datasetId"/> (fetched once if needed). A binary cache keyed by the embedding file's checksum and
    /// the vocabulary is kept in the dataset's folder (<c>vocab-cache/</c>); <paramref name="log"/> says which was used.
    /// </summary>
    public static WordVectors Load(IEnumerable<string> vocabulary, string datasetId = "glove-100d", TextWriter? log = null)
    {
        var info = DatasetCatalog.Get(datasetId);
        Datasets.Datasets.EnsureCached(info);
        var json = DatasetCache.PathFor(info, info.Files[0].Name);
        var cacheDir = Path.Combine(DatasetCache.DirectoryFor(info.Id), "vocab-cache");
        return FromJson(json, vocabulary, cacheDir, info.Files[0].Sha256, log);
    }

    /// <summary>As <see cref="Load"/> for a wink-format JSON file at <paramref name="json"/>; <paramref name="cacheDir"/> null: no cache.</summary>
    public static WordVectors FromJson(string json, IEnumerable<string> vocabulary, string? cacheDir = null, string? sourceKey = null, TextWriter? log = null)
    {
        var vocab = vocabulary.Distinct(StringComparer.Ordinal).OrderBy(w => w, StringComparer.Ordinal).ToArray();
        string? cachePath = null;
        if (cacheDir is not null)
        {
            var key = sourceKey ?? $"{new FileInfo(json).Length}";
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + "\n" + string.Join("\n", vocab))))[..24];
            cachePath = Path.Combine(cacheDir, $"vocab-{vocab.Length}-{hash}.bin");
            if (File.Exists(cachePath))
            {
                try
                {
                    var cached = ReadBinary(cachePath);
                    log?.WriteLine($"word vectors: {cached.Words.Count} of {vocab.Length} words from the cache {Path.GetFileName(cachePath)}");
                    return cached;
                }
                catch (InvalidDataException e) { log?.WriteLine($"word vectors: ignoring a damaged cache ({e.Message})"); }
            }
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (dims, found) = WinkJsonReader.Read(json, vocab.ToHashSet(StringComparer.Ordinal));
        var words = vocab.Where(found.ContainsKey).ToArray();
        var flat = new float[words.Length * dims];
        for (int i = 0; i < words.Length; i++) Array.Copy(found[words[i]], 0, flat, i * dims, dims);
        var wv = new WordVectors(words, tensor(flat, new long[] { words.Length, dims }));
        log?.WriteLine($"word vectors: {words.Length} of {vocab.Length} words streamed from {Path.GetFileName(json)} in {sw.Elapsed.TotalSeconds:F1} s");
        if (cachePath is not null) WriteBinary(cachePath, words, flat, dims);
        return wv;
    }

    const uint Magic = 0x56575457; // "WTWV"

    /// <summary>Writes the cache atomically: magic, count, dimension, the words (UTF-8, length-prefixed), then float32 vectors.</summary>
    static void WriteBinary(string path, string[] words, float[] flat, int dims)
    {
        AtomicFile.Write(path, tmp =>
        {
            using var w = new BinaryWriter(File.Create(tmp));
            w.Write(Magic); w.Write(words.Length); w.Write(dims);
            foreach (var word in words) w.Write(word);
            foreach (var f in flat) w.Write(f);
        });
    }

    static WordVectors ReadBinary(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        try
        {
            if (r.ReadUInt32() != Magic) throw new InvalidDataException($"{path} is not a word-vector cache");
            int n = r.ReadInt32(), dims = r.ReadInt32();
            if (n < 0 || dims <= 0) throw new InvalidDataException($"{path} has a bad size");
            var words = new string[n];
            for (int i = 0; i < n; i++) words[i] = r.ReadString();
            var flat = new float[n * dims];
            for (int i = 0; i < flat.Length; i++) flat[i] = r.ReadSingle();
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException($"{path} has trailing bytes");
            return new WordVectors(words, tensor(flat, new long[] { n, dims }));
        }
        catch (EndOfStreamException) { throw new InvalidDataException($"{path} is truncated"); }
    }
}
