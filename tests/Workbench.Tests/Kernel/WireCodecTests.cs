using System.Text;
using System.Text.Json.Nodes;
using Workbench.Kernel;

namespace Workbench.Tests.Kernel;

public class WireCodecTests
{
    const string Key = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

    static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    static JupyterMessage Request(string code = "1+1") => new()
    {
        Identities = [B("client-7")],
        Header = JupyterMessage.NewHeader("execute_request", "s1"),
        Content = new JsonObject { ["code"] = code, ["silent"] = false },
        Buffers = [new byte[] { 1, 2, 3 }],
    };

    [Fact]
    public void SignatureMatchesPythonsHmacSha256()
    {
        // Reference digest from Python: hmac.new(key, digestmod=sha256) updated with the four frames in order.
        var signer = new MessageSigner(Key);
        string digest = signer.Sign(B("{\"msg_id\":\"1\",\"msg_type\":\"kernel_info_request\"}"), B("{}"), B("{}"), B("{}"));
        Assert.Equal("23d21ade63d42fc48bbe2721cd9045ceffb260c3521b7d246495f23adfca79a0", digest);
    }

    [Fact]
    public void EncodeDecodeRoundTripKeepsIdentitiesPartsAndBuffers()
    {
        var codec = new WireCodec(new MessageSigner(Key));
        var frames = codec.Encode(Request());
        Assert.Equal("client-7", Encoding.UTF8.GetString(frames[0]));
        Assert.Equal("<IDS|MSG>", Encoding.UTF8.GetString(frames[1]));
        Assert.Equal(64, frames[2].Length);   // hex SHA-256

        var decoder = new WireCodec(new MessageSigner(Key));
        Assert.True(decoder.TryDecode(frames, out var m, out var error), error);
        Assert.Equal("execute_request", m!.MsgType);
        Assert.Equal("1+1", m.GetString("code"));
        Assert.Equal("5.3", (string?)m.Header["version"]);
        Assert.Equal([B("client-7")], m.Identities);
        Assert.Equal([new byte[] { 1, 2, 3 }], m.Buffers);
    }

    [Fact]
    public void TamperedOrWronglySignedMessagesAreRejected()
    {
        var frames = new WireCodec(new MessageSigner(Key)).Encode(Request());
        var decoder = new WireCodec(new MessageSigner(Key));

        var tampered = frames.ToList();
        tampered[^2] = B("{\"code\":\"File.Delete(\\\"x\\\")\",\"silent\":false}");   // content changed after signing
        Assert.False(decoder.TryDecode(tampered, out _, out var error));
        Assert.Contains("invalid HMAC-SHA256 signature", error);

        var otherKey = new WireCodec(new MessageSigner("another-key")).Encode(Request());
        Assert.False(decoder.TryDecode(otherKey, out _, out error));
        Assert.Contains("invalid HMAC-SHA256 signature", error);

        var unsigned = frames.ToList();
        unsigned[2] = [];
        Assert.False(decoder.TryDecode(unsigned, out _, out error));
        Assert.Contains("missing signature", error);
    }

    [Fact]
    public void ReplayedMessageIsRejected()
    {
        var frames = new WireCodec(new MessageSigner(Key)).Encode(Request());
        var decoder = new WireCodec(new MessageSigner(Key));
        Assert.True(decoder.TryDecode(frames, out _, out _));
        Assert.False(decoder.TryDecode(frames, out _, out var error));
        Assert.Contains("duplicate signature", error);
    }

    [Fact]
    public void MalformedMessagesAreRejectedWithTheReason()
    {
        var signer = new MessageSigner(Key);
        var codec = new WireCodec(signer);
        Assert.False(codec.TryDecode([B("garbage")], out _, out var error));
        Assert.Contains("no <IDS|MSG> delimiter", error);

        Assert.False(codec.TryDecode([WireCodec.Delimiter, B("sig"), B("{}")], out _, out error));
        Assert.Contains("expected at least 5", error);

        List<byte[]> Signed(string header, string content = "{}")
        {
            var parts = new[] { B(header), B("{}"), B("{}"), B(content) };
            return [WireCodec.Delimiter, B(signer.Sign(parts[0], parts[1], parts[2], parts[3])), .. parts];
        }
        Assert.False(codec.TryDecode(Signed("{not json"), out _, out error));
        Assert.Contains("does not parse", error);
        Assert.False(codec.TryDecode(Signed("{\"msg_id\":\"1\"}"), out _, out error));
        Assert.Contains("no msg_type", error);
        Assert.False(codec.TryDecode(Signed("{\"msg_id\":\"2\",\"msg_type\":\"execute_request\"}", "[1,2]"), out _, out error));
        Assert.Contains("must each be a JSON object", error);
    }

    [Fact]
    public void EmptyKeyMeansUnsignedMessages()
    {
        var codec = new WireCodec(new MessageSigner(""));
        var frames = codec.Encode(Request());
        Assert.Empty(frames[2]);
        Assert.True(new WireCodec(new MessageSigner("")).TryDecode(frames, out var m, out _));
        Assert.Equal("execute_request", m!.MsgType);
    }

    [Fact]
    public void ConnectionFileIsReadAndCheckedWithClearErrors()
    {
        var dir = Directory.CreateTempSubdirectory("wb-conn-").FullName;
        var path = Path.Combine(dir, "kernel-1.json");
        File.WriteAllText(path, """
            {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
             "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "workbench-csharp"}
            """);
        var info = ConnectionInfo.Load(path);
        Assert.Equal("tcp://127.0.0.1:5001", info.ShellAddress);
        Assert.Equal("tcp://127.0.0.1:5005", info.HeartbeatAddress);
        Assert.Equal("k", info.Key);

        File.WriteAllText(path, """{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005, "transport": "ipc"}""");
        Assert.Contains("transport 'ipc'", Assert.Throws<NotSupportedException>(() => ConnectionInfo.Load(path)).Message);
        File.WriteAllText(path, """{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005, "signature_scheme": "hmac-md5"}""");
        Assert.Contains("hmac-md5", Assert.Throws<NotSupportedException>(() => ConnectionInfo.Load(path)).Message);
        File.WriteAllText(path, """{"shell_port": 5001}""");
        Assert.Contains("control_port is 0", Assert.Throws<InvalidDataException>(() => ConnectionInfo.Load(path)).Message);
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => ConnectionInfo.Load(path + ".missing")).Message);
    }

    [Fact]
    public void AReplayWithTheDigestInUpperCaseIsRefusedToo()
    {
        var sender = new WireCodec(new MessageSigner(Key));
        var frames = sender.Encode(Request());
        int d = frames.FindIndex(f => f.AsSpan().SequenceEqual(WireCodec.Delimiter));
        var upper = frames.Select(f => f.ToArray()).ToList();
        upper[d + 1] = System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(frames[d + 1]).ToUpperInvariant());
        var receiver = new WireCodec(new MessageSigner(Key));
        Assert.True(receiver.TryDecode(upper, out _, out var first), first);          // upper-case hex verifies …
        Assert.False(receiver.TryDecode(frames, out _, out var error));               // … and the same message in lower case is a replay
        Assert.Contains("duplicate signature", error);
        var other = new WireCodec(new MessageSigner(Key));
        Assert.True(other.TryDecode(frames, out _, out _));
        Assert.False(other.TryDecode(upper, out _, out error));                       // and the other way round
        Assert.Contains("duplicate signature", error);
    }

    [Fact]
    public void AConnectionFileWithoutAKeyIsRefusedAnEmptyKeyIsUnsignedModeAndTheKeyIsNeverPrinted()
    {
        var dir = Directory.CreateTempSubdirectory("wb-conn-").FullName;
        var path = Path.Combine(dir, "kernel-2.json");
        const string Ports = "\"shell_port\": 5001, \"iopub_port\": 5002, \"stdin_port\": 5003, \"control_port\": 5004, \"hb_port\": 5005";
        File.WriteAllText(path, "{" + Ports + "}");
        var e = Assert.Throws<InvalidDataException>(() => ConnectionInfo.Load(path));
        Assert.Contains("no \"key\" field", e.Message);
        Assert.Contains(path, e.Message);
        File.WriteAllText(path, "{" + Ports + ", \"key\": \"\"}");
        Assert.Equal("", ConnectionInfo.Load(path).Key);
        File.WriteAllText(path, "{" + Ports + ", \"key\": \"s3cret-key-value\"}");
        var info = ConnectionInfo.Load(path);
        Assert.Equal("s3cret-key-value", info.Key);
        Assert.DoesNotContain("s3cret", info.ToString());
        Assert.DoesNotContain("s3cret", (info with { Ip = "127.0.0.2" }).ToString());
        Assert.Contains("ShellPort = 5001", info.ToString());
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(OutputLimits.MaxOutputChars + 1)]
    [InlineData(200_000_000)]
    public void OutputsAboveTheLimitAreTruncatedWithAVisibleNote(int length)
    {
        var text = new string('x', length);
        var cut = OutputLimits.Truncate(text);
        if (length <= OutputLimits.MaxOutputChars) { Assert.Same(text, cut); return; }
        Assert.True(cut.Length <= OutputLimits.MaxOutputChars);
        Assert.Contains("output truncated", cut);
        Assert.Contains(length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), cut);
        var bundle = OutputLimits.Limit(new Workbench.Notebooks.MimeBundle(new Dictionary<string, object>
        {
            ["text/plain"] = text, ["image/png"] = text, ["text/html"] = "<b>small</b>",
        }));
        Assert.False(bundle.Data.ContainsKey("image/png"));
        Assert.Equal("<b>small</b>", bundle.Data["text/html"]);
        Assert.Contains("image/png", (string)bundle.Data["text/plain"]);
        Assert.True(((string)bundle.Data["text/plain"]).Length <= OutputLimits.MaxOutputChars);
        // and the message carrying it encodes
        var message = JupyterMessage.ReplyTo(null, "stream", "s", new System.Text.Json.Nodes.JsonObject { ["name"] = "stdout", ["text"] = cut });
        Assert.True(new WireCodec(new MessageSigner(Key)).Encode(message).Sum(f => f.Length) > OutputLimits.MaxOutputChars / 2);
    }
}
