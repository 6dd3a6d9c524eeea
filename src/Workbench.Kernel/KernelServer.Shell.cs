using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbench.Notebooks;

namespace Workbench.Kernel;

public sealed partial class KernelServer
{
    void ShellLoop()
    {
        try
        {
            foreach (var request in _shellQueue.GetConsumingEnumerable(_stop.Token))
                HandleShell(request);
        }
        catch (OperationCanceledException) { }
    }

    void HandleShell(JupyterMessage request, bool abort = false)
    {
        PublishStatus(request, "busy");
        try
        {
            switch (request.MsgType)
            {
                case "execute_request":
                    if (abort) Reply(request, Channel.Shell, "execute_reply", new JsonObject { ["status"] = "aborted", ["execution_count"] = _executionCount });
                    else Execute(request);
                    break;
                case "kernel_info_request":
                    Reply(request, Channel.Shell, "kernel_info_reply", KernelInfo());
                    break;
                case "is_complete_request":
                    Reply(request, Channel.Shell, "is_complete_reply", CodeAssistant.IsComplete(request.GetString("code")));
                    break;
                case "complete_request":
                    Reply(request, Channel.Shell, "complete_reply",
                        CodeAssistant.Complete(EngineOrNull(), request.GetString("code"), request.GetInt("cursor_pos", -1)));
                    break;
                case "inspect_request":
                    Reply(request, Channel.Shell, "inspect_reply",
                        CodeAssistant.Inspect(EngineOrNull(), request.GetString("code"), request.GetInt("cursor_pos", -1), request.GetInt("detail_level", 0)));
                    break;
                case "comm_info_request":
                    Reply(request, Channel.Shell, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                    break;
                case "comm_open":
                    // No comm targets (no widgets): close it, as ipykernel does for an unknown target.
                    _log.Info($"comm_open for target '{request.GetString("target_name")}': no such target; closing it.");
                    Publish(request, "comm_close", new JsonObject { ["comm_id"] = request.GetString("comm_id"), ["data"] = new JsonObject() });
                    break;
                case "comm_msg":
                case "comm_close":
                    break;
                case "history_request":
                    Reply(request, Channel.Shell, "history_reply", new JsonObject { ["status"] = "ok", ["history"] = new JsonArray() });
                    break;
                case "shutdown_request":   // clients before protocol 5.x send it on shell
                    Shutdown(request, Channel.Shell);
                    break;
                case "interrupt_request":
                    Interrupt("interrupt_request on shell");
                    Reply(request, Channel.Shell, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                    break;
                default:
                    _log.Warn($"shell: '{request.MsgType}' is not supported; ignored.");
                    break;
            }
        }
        catch (Exception e)
        {
            // A handler bug must not take the kernel down: answer with the error so the client does not wait forever.
            _log.Error($"{request.MsgType} failed: {e}");
            if (request.MsgType.EndsWith("_request", StringComparison.Ordinal))
                Reply(request, Channel.Shell, ReplyType(request.MsgType), new JsonObject
                {
                    ["status"] = "error", ["ename"] = e.GetType().Name, ["evalue"] = e.Message, ["traceback"] = new JsonArray(e.ToString()),
                    ["execution_count"] = _executionCount,
                });
        }
        PublishStatus(request, "idle");
    }

    IKernelEngine? EngineOrNull()
    {
        try { return _engine.GetAwaiter().GetResult(); }
        catch (Exception e) { _log.Error($"the notebook engine did not start: {e.Message}"); return null; }
    }

    JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = JupyterMessage.ProtocolVersion,
        ["implementation"] = "workbench",
        ["implementation_version"] = typeof(KernelServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        ["language_info"] = new JsonObject
        {
            ["name"] = "csharp",
            ["version"] = "14.0",
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = $"Workbench C# kernel (Roslyn scripting) on .NET {Environment.Version}",
        ["help_links"] = new JsonArray(),
        ["debugger"] = false,
    };

    // ---- execute ------------------------------------------------------------------------------------------------

    void Execute(JupyterMessage request)
    {
        string code = request.GetString("code");
        bool silent = request.GetBool("silent", false);
        bool storeHistory = !silent && request.GetBool("store_history", true);
        if (storeHistory) _executionCount++;
        int count = _executionCount;
        if (!silent)
            Publish(request, "execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count });

        var clock = Stopwatch.StartNew();
        CellResult result;
        using (var cts = new CancellationTokenSource())
        using (var output = new CellOutput(this, request))
        {
            _runningRequest = request;
            _lastRequest = request;
            _cellCts = cts;
            try
            {
                if (string.IsNullOrWhiteSpace(code)) result = new CellResult(null, null, TimeSpan.Zero);
                else
                {
                    var engine = _engine.GetAwaiter().GetResult();
                    result = engine.ExecuteAsync(code, output, cts.Token).GetAwaiter().GetResult();
                }
            }
            catch (Exception e)
            {
                result = new CellResult(null, new CellError(e.GetType().Name, e.Message, e.ToString().Split('\n'), null, null), clock.Elapsed);
            }
            finally
            {
                _cellCts = null;
                _runningRequest = null;
                output.Finish();   // waiting stream text goes out before the result, error and reply
            }
            var (droppedMessages, _) = output.Dropped;
            if (droppedMessages > 0) _log.Warn($"cell {count}: the output rate limit dropped {droppedMessages} messages");
        }

        if (result.Error is { } error)
        {
            // Only requests queued before the client can have seen this failure are aborted: taken before the reply,
            // so a cell sent in answer to the error reply is never caught by it.
            var queued = request.GetBool("stop_on_error", true) ? TakeQueued() : new List<JupyterMessage>();
            var traceback = Traceback(error);
            string evalue = OutputLimits.Truncate(error.Message);
            Publish(request, "error", new JsonObject { ["ename"] = error.Name, ["evalue"] = evalue, ["traceback"] = traceback });
            Reply(request, Channel.Shell, "execute_reply", new JsonObject
            {
                ["status"] = "error", ["execution_count"] = count,
                ["ename"] = error.Name, ["evalue"] = evalue, ["traceback"] = traceback.DeepClone(),
            });
            _log.Info($"cell {count} failed after {clock.ElapsedMilliseconds} ms: {error.Name}");
            foreach (var m in queued) HandleShell(m, abort: true);
            return;
        }
        if (result.Value is { } value && !silent)
        {
            var content = BundleContent(OutputLimits.Limit(value));
            content["execution_count"] = count;
            Publish(request, "execute_result", content);
        }
        Reply(request, Channel.Shell, "execute_reply", new JsonObject
        {
            ["status"] = "ok", ["execution_count"] = count, ["payload"] = new JsonArray(), ["user_expressions"] = new JsonObject(),
        });
        _log.Debug($"cell {count} ran in {clock.ElapsedMilliseconds} ms (engine {result.Elapsed.TotalMilliseconds:F0} ms)");
    }

    /// <summary>After a failed cell, execute requests already queued behind it are answered "aborted" (ipykernel's stop_on_error).</summary>
    List<JupyterMessage> TakeQueued()
    {
        var queued = new List<JupyterMessage>();
        while (_shellQueue.TryTake(out var m)) queued.Add(m);
        return queued;
    }

    /// <summary>Jupyter traceback lines: "Name: message", the failing line of the cell, then the engine's frames.</summary>
    internal static JsonArray Traceback(CellError error)
    {
        var lines = new List<string>();
        var engineLines = error.Traceback.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        bool engineHasHeader = engineLines.Count > 0 && engineLines[0].Contains(error.Name, StringComparison.Ordinal);
        if (!engineHasHeader) lines.Add($"\u001b[0;31m{error.Name}\u001b[0m: {error.Message}");
        bool engineHasLine = error.LineText is { Length: > 0 } lt && engineLines.Any(l => l.Contains(lt.Trim(), StringComparison.Ordinal));
        if (error.Line is int line && !engineHasLine)
            lines.Add($"\u001b[0;32m---> cell line {line}:\u001b[0m {error.LineText?.Trim()}");
        // Runaway recursion yields hundreds of thousands of identical frames: keep the head and the tail.
        const int Head = 40, Tail = 10;
        if (engineLines.Count > Head + Tail + 1)
            engineLines = [.. engineLines.Take(Head), $"   … {engineLines.Count - Head - Tail} more lines …", .. engineLines.TakeLast(Tail)];
        lines.AddRange(engineLines);
        // A huge exception message must not make the error unsendable: the whole traceback fits one output's limit.
        long budget = OutputLimits.MaxOutputChars;
        lines = lines.Select(l => { var cut = OutputLimits.Truncate(l, (int)Math.Clamp(budget, 200, OutputLimits.MaxOutputChars)); budget -= cut.Length; return cut; }).ToList();
        return new JsonArray(lines.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray());
    }

    internal static JsonObject BundleContent(MimeBundle bundle, string? displayId = null)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle.Data) data[mime] = ToJson(value);
        var metadata = new JsonObject();
        if (bundle.Metadata is not null)
            foreach (var (key, value) in bundle.Metadata) metadata[key] = ToJson(value);
        var content = new JsonObject { ["data"] = data, ["metadata"] = metadata };
        if (displayId is not null) content["transient"] = new JsonObject { ["display_id"] = displayId };
        return content;
    }

    static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        JsonNode n => n.DeepClone(),
        System.Text.Json.JsonElement e => JsonNode.Parse(e.GetRawText()),
        _ => System.Text.Json.JsonSerializer.SerializeToNode(value),
    };

    // ---- stdin: Console.ReadLine in a cell asks the client for a line ---------------------------------------------

    volatile TaskCompletionSource<string>? _pendingInput;

    void HandleStdin(JupyterMessage message)
    {
        if (message.MsgType == "input_reply" && _pendingInput is { } pending) pending.TrySetResult(message.GetString("value"));
        else _log.Warn($"stdin: unexpected '{message.MsgType}' ignored.");
    }

    /// <summary>Sends input_request for the running cell and waits for the client's input_reply (or an interrupt).</summary>
    internal string? RequestInput(string prompt, bool password)
    {
        var request = _runningRequest;
        var cts = _cellCts;
        if (request is null || cts is null) return null;   // not inside a cell: end of input
        if (!request.GetBool("allow_stdin", false))
            throw new InvalidOperationException("Console.ReadLine: this client does not accept input (allow_stdin is false, as in nbconvert " +
                                                "and `workbench run`); set the value in code instead.");
        Console.Out.Flush();   // the prompt a cell wrote before ReadLine goes out first
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingInput = pending;
        try
        {
            Send(Channel.Stdin, JupyterMessage.ReplyTo(request, "input_request", _session,
                new JsonObject { ["prompt"] = prompt, ["password"] = password }));
            return pending.Task.WaitAsync(cts.Token).GetAwaiter().GetResult();
        }
        finally { _pendingInput = null; }
    }

    /// <summary>Console.In of the kernel process: lines come from the client's stdin channel.</summary>
    sealed class JupyterStdin(KernelServer server) : TextReader
    {
        string _line = "";
        int _pos;
        bool _eof;

        public override string? ReadLine()
        {
            if (_pos < _line.Length) { var rest = _line[_pos..].TrimEnd('\n'); _pos = _line.Length; return rest; }
            return server.RequestInput("", password: false);
        }

        public override int Peek() => Fill() ? _line[_pos] : -1;
        public override int Read() => Fill() ? _line[_pos++] : -1;

        bool Fill()
        {
            if (_pos < _line.Length) return true;
            if (_eof) return false;
            var line = server.RequestInput("", password: false);
            if (line is null) { _eof = true; return false; }
            _line = line + "\n";
            _pos = 0;
            return true;
        }
    }
}
