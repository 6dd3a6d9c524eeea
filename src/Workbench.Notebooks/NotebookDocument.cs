using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>A Jupyter nbformat-4 notebook, kept as JSON so metadata we don't know survives a round trip.</summary>
public sealed class NotebookDocument
{
    /// <summary>The kernelspec name notebooks name.</summary>
    public const string KernelName = "workbench-csharp";
    /// <summary>The display name of the kernel notebooks name.</summary>
    public const string KernelDisplayName = "C# (Workbench)";

    /// <summary>The notebook's JSON.</summary>
    public JsonObject Root { get; }

    NotebookDocument(JsonObject root) => Root = root;

    /// <summary>Reads a notebook; an error says what is wrong with the file.</summary>
    public static NotebookDocument Load(string path)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not a valid notebook (JSON error: {e.Message})."); }
        if (node is not JsonObject root || root["cells"] is not JsonArray)
            throw new InvalidDataException($"{path} is not an nbformat-4 notebook: it has no \"cells\" array.");
        if ((int?)root["nbformat"] is int v && v != 4)
            throw new InvalidDataException($"{path} is nbformat {v}; only nbformat 4 is supported.");
        return new NotebookDocument(root);
    }

    /// <summary>All cells, in order.</summary>
    public JsonArray Cells => (JsonArray)Root["cells"]!;

    /// <summary>The code cells, in order.</summary>
    public IEnumerable<JsonObject> CodeCells => Cells.OfType<JsonObject>().Where(c => (string?)c["cell_type"] == "code");

    /// <summary>A cell's source: nbformat allows a string or a list of lines.</summary>
    public static string Source(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    /// <summary>nbformat's multiline string: a list of lines each keeping its newline.</summary>
    public static JsonArray Lines(string text)
    {
        var arr = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') { arr.Add(text[start..(i + 1)]); start = i + 1; }
        if (start < text.Length) arr.Add(text[start..]);
        return arr;
    }

    /// <summary>Removes outputs and execution counts from every code cell.</summary>
    public void ClearOutputs()
    {
        foreach (var c in CodeCells) { c["outputs"] = new JsonArray(); c["execution_count"] = null; }
    }

    /// <summary>Writes the notebook as indented JSON.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }
}
