using System.Globalization;
using System.Text.Json.Nodes;

namespace Workbench.Kernel;

/// <summary>
/// One Jupyter message: routing identities, the four JSON parts and optional binary buffers.
/// See the Jupyter messaging protocol 5.3, "General Message Format".
/// </summary>
public sealed class JupyterMessage
{
    /// <summary>The messaging protocol version this kernel speaks.</summary>
    public const string ProtocolVersion = "5.3";

    /// <summary>ZeroMQ routing identities (frames before the delimiter).</summary>
    public IReadOnlyList<byte[]> Identities { get; init; } = [];
    /// <summary>The message header (msg_id, session, msg_type, date, version).</summary>
    public required JsonObject Header { get; init; }
    /// <summary>The header of the request this message answers (empty when none).</summary>
    public JsonObject ParentHeader { get; init; } = new();
    /// <summary>The metadata part.</summary>
    public JsonObject Metadata { get; init; } = new();
    /// <summary>The content part.</summary>
    public JsonObject Content { get; init; } = new();
    /// <summary>Binary buffers after the content (unused by this kernel).</summary>
    public IReadOnlyList<byte[]> Buffers { get; init; } = [];

    /// <summary><c>header.msg_type</c>.</summary>
    public string MsgType => Header["msg_type"]?.GetValue<string>() ?? "";
    /// <summary><c>header.msg_id</c>.</summary>
    public string MsgId => Header["msg_id"]?.GetValue<string>() ?? "";

    /// <summary>A fresh header for a message this kernel sends.</summary>
    public static JsonObject NewHeader(string msgType, string session) => new()
    {
        ["msg_id"] = Guid.NewGuid().ToString("N"),
        ["session"] = session,
        ["username"] = "workbench",
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["msg_type"] = msgType,
        ["version"] = ProtocolVersion,
    };

    /// <summary>A reply or side effect of <paramref name="parent"/>: same routing identities, parent_header = parent's header.</summary>
    public static JupyterMessage ReplyTo(JupyterMessage? parent, string msgType, string session, JsonObject content, IReadOnlyList<byte[]>? identities = null) => new()
    {
        Identities = identities ?? parent?.Identities ?? [],
        Header = NewHeader(msgType, session),
        ParentHeader = parent is null ? new JsonObject() : parent.CloneHeader(),
        Content = content,
    };

    /// <summary>A copy of the header (the cell thread and the shell thread may both reply to one request).</summary>
    public JsonObject CloneHeader()
    {
        lock (Header) return (JsonObject)Header.DeepClone();
    }

    /// <summary>Content field as a string, or <paramref name="fallback"/> when absent or not a string.</summary>
    public string GetString(string name, string fallback = "") =>
        Content[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : fallback;

    /// <summary>Content field as a bool, or <paramref name="fallback"/> when absent or not a bool.</summary>
    public bool GetBool(string name, bool fallback) =>
        Content[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;

    /// <summary>Content field as an int, or <paramref name="fallback"/> when absent or not an int.</summary>
    public int GetInt(string name, int fallback) =>
        Content[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : fallback;
}
