using System.Text.Json.Nodes;

namespace Workbench.Notebooks;

/// <summary>Collects a cell's outputs as nbformat JSON (streams merged, displays updated in place).</summary>
public sealed class NotebookOutputs : IOutputSink
{
    readonly Dictionary<string, JsonObject> _displays = new();
    readonly Action<string, string>? _echo;
    JsonObject? _lastStream;
    string _lastStreamName = "", _lastStreamText = "";

    /// <summary>Collects outputs; <paramref name="echo"/> also receives stream text (the run's console).</summary>
    public NotebookOutputs(Action<string, string>? echo = null) => _echo = echo;

    /// <summary>The nbformat outputs collected so far.</summary>
    public JsonArray Outputs { get; } = new();

    /// <inheritdoc/>
    public void Stream(string name, string text)
    {
        lock (Outputs)
        {
            _echo?.Invoke(name, text);
            if (Outputs.Count > 0 && ReferenceEquals(Outputs[^1], _lastStream) && _lastStreamName == name)
            {
                _lastStreamText += text;
                _lastStream!["text"] = NotebookDocument.Lines(_lastStreamText);
                return;
            }
            _lastStream = new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = NotebookDocument.Lines(text) };
            _lastStreamName = name;
            _lastStreamText = text;
            Outputs.Add(_lastStream);
        }
    }

    /// <inheritdoc/>
    public void Display(MimeBundle bundle, string displayId)
    {
        lock (Outputs)
        {
            var o = new JsonObject { ["output_type"] = "display_data", ["data"] = Data(bundle), ["metadata"] = Metadata(bundle) };
            _displays[displayId] = o;
            Outputs.Add(o);
        }
    }

    /// <inheritdoc/>
    public void UpdateDisplay(MimeBundle bundle, string displayId)
    {
        lock (Outputs)
        {
            if (!_displays.TryGetValue(displayId, out var o)) return; // a display from an earlier cell: Jupyter updates it, a saved file cannot
            o["data"] = Data(bundle);
            o["metadata"] = Metadata(bundle);
        }
    }

    /// <summary>Adds the cell's value as an execute_result output.</summary>
    public void Result(MimeBundle bundle, int executionCount) =>
        Outputs.Add(new JsonObject { ["output_type"] = "execute_result", ["execution_count"] = executionCount, ["data"] = Data(bundle), ["metadata"] = Metadata(bundle) });

    /// <summary>Adds the cell's error as an error output.</summary>
    public void Error(CellError error) =>
        Outputs.Add(new JsonObject
        {
            ["output_type"] = "error", ["ename"] = error.Name, ["evalue"] = error.Message,
            ["traceback"] = new JsonArray(error.Traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        });

    /// <summary>A bundle as nbformat output data.</summary>
    public static JsonObject Data(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle.Data)
            data[mime] = value switch
            {
                string s when mime.StartsWith("text/") => NotebookDocument.Lines(s),
                string s => s,
                JsonNode n => n.DeepClone(),
                _ => JsonValue.Create(value.ToString()),
            };
        return data;
    }

    static JsonObject Metadata(MimeBundle bundle)
    {
        var m = new JsonObject();
        if (bundle.Metadata is not null)
            foreach (var (k, v) in bundle.Metadata) m[k] = v is JsonNode n ? n.DeepClone() : JsonValue.Create(v.ToString());
        return m;
    }
}

