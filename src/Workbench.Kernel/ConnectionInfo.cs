using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Kernel;

/// <summary>
/// A Jupyter connection file: where the five sockets listen and the key that signs every message.
/// Written by the client (JupyterLab, VS Code, nbclient) and passed to the kernel as <c>{connection_file}</c>.
/// </summary>
public sealed record ConnectionInfo
{
    /// <summary>ZeroMQ transport; only <c>tcp</c> is supported.</summary>
    [JsonPropertyName("transport")] public string Transport { get; init; } = "tcp";
    /// <summary>Address the sockets bind to (loopback unless the client says otherwise).</summary>
    [JsonPropertyName("ip")] public string Ip { get; init; } = "127.0.0.1";
    /// <summary>Port of the shell socket (requests).</summary>
    [JsonPropertyName("shell_port")] public int ShellPort { get; init; }
    /// <summary>Port of the control socket (interrupt, shutdown).</summary>
    [JsonPropertyName("control_port")] public int ControlPort { get; init; }
    /// <summary>Port of the IOPub socket (outputs and status).</summary>
    [JsonPropertyName("iopub_port")] public int IOPubPort { get; init; }
    /// <summary>Port of the stdin socket (input requests).</summary>
    [JsonPropertyName("stdin_port")] public int StdinPort { get; init; }
    /// <summary>Port of the heartbeat socket (echo).</summary>
    [JsonPropertyName("hb_port")] public int HeartbeatPort { get; init; }
    /// <summary>The HMAC key. Required in the file: <c>""</c> (explicitly empty) means unsigned messages; a missing
    /// field is an error, so a damaged or hand-written file never silently turns signing off.</summary>
    [JsonPropertyName("key")] public string? Key { get; init; }
    /// <summary>Signature scheme; only <c>hmac-sha256</c> is supported.</summary>
    [JsonPropertyName("signature_scheme")] public string SignatureScheme { get; init; } = "hmac-sha256";
    /// <summary>The kernelspec name the client started (informative).</summary>
    [JsonPropertyName("kernel_name")] public string? KernelName { get; init; }

    /// <summary>ZeroMQ address of the shell socket.</summary>
    public string ShellAddress => Address(ShellPort);
    /// <summary>ZeroMQ address of the control socket.</summary>
    public string ControlAddress => Address(ControlPort);
    /// <summary>ZeroMQ address of the IOPub socket.</summary>
    public string IOPubAddress => Address(IOPubPort);
    /// <summary>ZeroMQ address of the stdin socket.</summary>
    public string StdinAddress => Address(StdinPort);
    /// <summary>ZeroMQ address of the heartbeat socket.</summary>
    public string HeartbeatAddress => Address(HeartbeatPort);

    string Address(int port) => $"{Transport}://{Ip}:{port}";

    /// <summary>Everything but the key, which must never reach a log or an error message.</summary>
    bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Transport = {Transport}, Ip = {Ip}, ShellPort = {ShellPort}, ControlPort = {ControlPort}, IOPubPort = {IOPubPort}, ");
        builder.Append($"StdinPort = {StdinPort}, HeartbeatPort = {HeartbeatPort}, Key = {(Key is null ? "(none)" : Key.Length == 0 ? "(empty)" : "(hidden)")}, ");
        builder.Append($"SignatureScheme = {SignatureScheme}, KernelName = {KernelName}");
        return true;
    }

    /// <summary>Reads and checks a connection file; every problem is reported with the file's name.</summary>
    public static ConnectionInfo Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Connection file '{path}' does not exist. Jupyter writes it and starts the kernel with its path " +
                                            "(kernelspec argv: workbench kernel -f {connection_file}).", path);
        ConnectionInfo? info;
        try { info = JsonSerializer.Deserialize<ConnectionInfo>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"Connection file '{path}' is not valid JSON: {e.Message}", e); }
        if (info is null) throw new InvalidDataException($"Connection file '{path}' is empty (expected a JSON object with ports and key).");
        info.Validate(path);
        return info;
    }

    /// <summary>Checks transport, scheme, ports and the key field; throws with <paramref name="source"/> named in the message.</summary>
    public void Validate(string source = "connection info")
    {
        if (Transport != "tcp")
            throw new NotSupportedException($"{source}: transport '{Transport}' is not supported; this kernel listens on 'tcp' only " +
                                            "(start Jupyter without --transport=ipc).");
        if (SignatureScheme != "hmac-sha256")
            throw new NotSupportedException($"{source}: signature_scheme '{SignatureScheme}' is not supported; use 'hmac-sha256'.");
        foreach (var (name, port) in new[] { ("shell_port", ShellPort), ("control_port", ControlPort), ("iopub_port", IOPubPort),
                                             ("stdin_port", StdinPort), ("hb_port", HeartbeatPort) })
            if (port is <= 0 or > 65535)
                throw new InvalidDataException($"{source}: {name} is {port}; expected a TCP port in 1..65535.");
        if (Key is null)
            throw new InvalidDataException($"{source}: there is no \"key\" field. Jupyter always writes one (the key that signs every " +
                                           "message); to run unsigned on purpose, write \"key\": \"\" explicitly.");
    }
}
