using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbench.Kernel;

/// <summary>
/// Jupyter's wire format: <c>[identities…, "&lt;IDS|MSG&gt;", signature, header, parent_header, metadata, content, buffers…]</c>.
/// Decoding rejects (never executes) a message that is malformed, wrongly signed, or a replay of a signature already seen.
/// </summary>
public sealed class WireCodec(MessageSigner signer)
{
    /// <summary>The frame between routing identities and the signature.</summary>
    public static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    // Signatures already accepted: a replayed message is rejected (as ipykernel's digest history does).
    readonly HashSet<string> _seen = [];
    readonly Queue<string> _seenOrder = new();
    const int SeenCapacity = 1 << 16;

    /// <summary>The signer used for outgoing and incoming messages.</summary>
    public MessageSigner Signer => signer;

    /// <summary>The frames of a message: identities, delimiter, signature, the four JSON parts, buffers.</summary>
    public List<byte[]> Encode(JupyterMessage message)
    {
        var header = Json(message.Header);
        var parent = Json(message.ParentHeader);
        var metadata = Json(message.Metadata);
        var content = Json(message.Content);
        var frames = new List<byte[]>(message.Identities.Count + 6 + message.Buffers.Count);
        frames.AddRange(message.Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(signer.Sign(header, parent, metadata, content)));
        frames.Add(header);
        frames.Add(parent);
        frames.Add(metadata);
        frames.Add(content);
        frames.AddRange(message.Buffers);
        return frames;
    }

    static byte[] Json(JsonObject o) => JsonSerializer.SerializeToUtf8Bytes(o);

    /// <summary>Decodes frames into a message, or returns false with the reason it was rejected.</summary>
    public bool TryDecode(IReadOnlyList<byte[]> frames, out JupyterMessage? message, out string error)
    {
        message = null;
        int d = -1;
        for (int i = 0; i < frames.Count; i++)
            if (frames[i].AsSpan().SequenceEqual(Delimiter)) { d = i; break; }
        if (d < 0) { error = "no <IDS|MSG> delimiter frame"; return false; }
        if (frames.Count < d + 6) { error = $"{frames.Count - d - 1} frames after the delimiter; expected at least 5 (signature, header, parent_header, metadata, content)"; return false; }

        // Hex digits are compared case-insensitively (as Python's hmac.compare_digest on hexdigest() is not, Jupyter's
        // clients send lower case), so the replay history keeps one canonical form: an upper-cased resend is a replay too.
        string signature = Encoding.ASCII.GetString(frames[d + 1]).ToLowerInvariant();
        byte[] header = frames[d + 2], parent = frames[d + 3], metadata = frames[d + 4], content = frames[d + 5];
        if (!signer.Verify(signature, header, parent, metadata, content))
        {
            error = signature.Length == 0 ? "missing signature (the connection file has a key)" : "invalid HMAC-SHA256 signature";
            return false;
        }
        if (signer.Enabled && _seen.Contains(signature)) { error = "duplicate signature (replayed message)"; return false; }

        JsonObject? h, p, m, c;
        try
        {
            h = JsonNode.Parse(header) as JsonObject;
            p = JsonNode.Parse(parent) as JsonObject;
            m = JsonNode.Parse(metadata) as JsonObject;
            c = JsonNode.Parse(content) as JsonObject;
        }
        catch (JsonException e) { error = "a JSON part does not parse: " + e.Message; return false; }
        if (h is null || p is null || m is null || c is null) { error = "header, parent_header, metadata and content must each be a JSON object"; return false; }
        if (h["msg_type"] is not JsonValue mt || !mt.TryGetValue<string>(out var msgType) || msgType.Length == 0)
        { error = "header has no msg_type"; return false; }
        if (h["msg_id"] is not JsonValue) { error = "header has no msg_id"; return false; }

        if (signer.Enabled) Remember(signature);
        message = new JupyterMessage
        {
            Identities = frames.Take(d).ToArray(),
            Header = h, ParentHeader = p, Metadata = m, Content = c,
            Buffers = frames.Skip(d + 6).ToArray(),
        };
        error = "";
        return true;
    }

    void Remember(string signature)
    {
        // Called on the kernel's socket thread only.
        _seen.Add(signature);
        _seenOrder.Enqueue(signature);
        if (_seenOrder.Count > SeenCapacity) _seen.Remove(_seenOrder.Dequeue());
    }
}
