using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace Workbench.Kernel;

/// <summary>
/// The Jupyter kernel process: five ZeroMQ sockets (shell, control, stdin, iopub, heartbeat) around one notebook engine.
/// <para>Threads: the socket thread owns shell/control/stdin/iopub (NetMQ sockets are single-threaded) and answers control
/// at once, so an interrupt reaches a running cell; the shell thread handles shell requests one at a time, in order
/// (a cell runs on the engine's own thread while the shell thread waits); the heartbeat thread echoes pings.
/// Everything sent goes through one outbox queue drained by the socket thread, so outputs keep their order.</para>
/// </summary>
public sealed partial class KernelServer : IDisposable
{
    enum Channel { Shell, Control, Stdin, IOPub }
    readonly record struct Outgoing(Channel Channel, JupyterMessage? Message, Action? Action = null);

    readonly ConnectionInfo _info;
    readonly WireCodec _codec;
    readonly KernelLog _log;
    readonly string _session = Guid.NewGuid().ToString();
    readonly Task<IKernelEngine> _engine;
    readonly NetMQQueue<Outgoing> _outbox = new();
    readonly BlockingCollection<JupyterMessage> _shellQueue = new();
    readonly CancellationTokenSource _stop = new();
    readonly RouterSocket _shell = new(), _control = new(), _stdin = new();
    readonly PublisherSocket _iopub = new();
    readonly NetMQPoller _poller;
    Thread? _shellThread, _heartbeatThread;
    PosixSignalRegistration? _sigint;

    volatile CancellationTokenSource? _cellCts;
    volatile JupyterMessage? _runningRequest;
    volatile JupyterMessage? _lastRequest;   // the last execute request: a later death is reported under it
    volatile bool _stopping;
    int _executionCount;

    /// <param name="info">Where to listen and the signing key (from the connection file).</param>
    /// <param name="engineFactory">Creates (and may warm up) the engine; runs in the background from start-up, so
    /// kernel_info is answered at once while the first cell waits for the engine.</param>
    /// <param name="log">The kernel's own log (stderr).</param>
    public KernelServer(ConnectionInfo info, Func<IKernelEngine> engineFactory, KernelLog log)
    {
        info.Validate();
        _info = info;
        _log = log;
        _codec = new WireCodec(new MessageSigner(info.Key ?? ""));
        if (!_codec.Signer.Enabled) _log.Warn("the connection file has an empty key: messages are neither signed nor checked.");
        _engine = Task.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var engine = engineFactory();
            _log.Info($"engine ready in {clock.Elapsed.TotalSeconds:F2} s");
            return engine;
        });
        _poller = [_shell, _control, _stdin, _iopub, _outbox];
    }

    /// <summary>Session id in every header this kernel sends.</summary>
    public string Session => _session;

    /// <summary>True when the client asked to shut down with <c>restart: true</c>.</summary>
    public bool RestartRequested { get; private set; }

    /// <summary>Binds the sockets and serves until a shutdown request (or <see cref="Stop"/>). Returns the process exit code.</summary>
    public int Run()
    {
        foreach (var s in new NetMQSocket[] { _shell, _control, _stdin, _iopub })
            s.Options.Linger = TimeSpan.FromSeconds(1);
        // A PUB socket drops what exceeds its high-water mark, silently (the default 1,000 lost `idle` under floods).
        // Outputs are coalesced and rate-limited (CellOutput), so a deep queue is bounded by that rate.
        _iopub.Options.SendHighWatermark = IOPubHighWatermark;
        _shell.Bind(_info.ShellAddress);
        _control.Bind(_info.ControlAddress);
        _stdin.Bind(_info.StdinAddress);
        _iopub.Bind(_info.IOPubAddress);

        _shell.ReceiveReady += (_, e) => Receive(e.Socket, Channel.Shell);
        _control.ReceiveReady += (_, e) => Receive(e.Socket, Channel.Control);
        _stdin.ReceiveReady += (_, e) => Receive(e.Socket, Channel.Stdin);
        _outbox.ReceiveReady += (_, _) => DrainOutbox();

        _heartbeatThread = new Thread(Heartbeat) { IsBackground = true, Name = "jupyter heartbeat" };
        _heartbeatThread.Start();
        _shellThread = new Thread(ShellLoop) { IsBackground = true, Name = "jupyter shell" };
        _shellThread.Start();

        Console.SetIn(new JupyterStdin(this));
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        if (!OperatingSystem.IsWindows())
            _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; Interrupt("SIGINT"); });

        _log.Info($"listening on {_info.Ip} (shell {_info.ShellPort}, control {_info.ControlPort}, iopub {_info.IOPubPort}, " +
                  $"stdin {_info.StdinPort}, hb {_info.HeartbeatPort}), protocol {JupyterMessage.ProtocolVersion}");
        PublishStatus(null, "starting");
        _poller.Run();

        _stopping = true;
        _stop.Cancel();
        _cellCts?.Cancel();
        DrainOutbox();
        _log.Info(RestartRequested ? "shut down for restart" : "shut down");
        return 0;
    }

    /// <summary>Stops serving (from any thread): the running cell is cancelled and <see cref="Run"/> returns.</summary>
    public void Stop()
    {
        _stopping = true;
        _cellCts?.Cancel();
        Post(new Outgoing(Channel.IOPub, null, () => _poller.StopAsync()));
    }

    // ---- sockets ------------------------------------------------------------------------------------------------

    void Receive(NetMQSocket socket, Channel channel)
    {
        var raw = new NetMQMessage();
        while (socket.TryReceiveMultipartMessage(ref raw))
        {
            var frames = new List<byte[]>(raw.FrameCount);
            foreach (var f in raw) frames.Add(f.ToByteArray());
            raw = new NetMQMessage();
            if (!_codec.TryDecode(frames, out var message, out var error))
            {
                // Never executed: logged with what was wrong so a misconfigured client can be found.
                _log.Warn($"rejected a message on {channel.ToString().ToLowerInvariant()}: {error}");
                continue;
            }
            _log.Debug($"{channel.ToString().ToLowerInvariant()} <- {message!.MsgType}");
            switch (channel)
            {
                case Channel.Control: HandleControl(message); break;
                case Channel.Stdin: HandleStdin(message); break;
                default:
                    try { _shellQueue.Add(message); }
                    catch (InvalidOperationException) { _log.Debug($"shell: {message.MsgType} after shutdown ignored"); }
                    break;
            }
        }
    }

    void Post(Outgoing item)
    {
        try { _outbox.Enqueue(item); }
        catch (ObjectDisposedException) { }
    }

    void Send(Channel channel, JupyterMessage message) => Post(new Outgoing(channel, message));

    /// <summary>IOPub messages queued per subscriber before ZeroMQ drops (default 1,000).</summary>
    const int IOPubHighWatermark = 100_000;

    void DrainOutbox()
    {
        while (_outbox.TryDequeue(out var item, TimeSpan.Zero))
        {
            // The socket thread must never die on one message: whatever fails is logged and, where a client waits
            // for something, replaced by a small message that says what went wrong.
            try
            {
                if (item.Action is not null) { item.Action(); continue; }
                SendNow(item.Channel, item.Message!);
            }
            catch (Exception e)
            {
                _log.Error($"could not send {item.Message?.MsgType ?? "an action"} on {item.Channel.ToString().ToLowerInvariant()}: {e.GetType().Name}: {e.Message}");
                if (item.Message is { } failed) SendReplacement(item.Channel, failed, e);
            }
        }
    }

    void SendNow(Channel channel, JupyterMessage message)
    {
        var socket = channel switch
        {
            Channel.Shell => (NetMQSocket)_shell, Channel.Control => _control, Channel.Stdin => _stdin, _ => _iopub,
        };
        var frames = _codec.Encode(message);
        var m = new NetMQMessage(frames.Count);
        foreach (var f in frames) m.Append(f);
        try { socket.SendMultipartMessage(m); }
        catch (Exception e) when (e is NetMQException or ObjectDisposedException) { _log.Warn($"could not send {message.MsgType}: {e.Message}"); }
        _log.Debug($"{channel.ToString().ToLowerInvariant()} -> {message.MsgType}");
    }

    /// <summary>A message that could not be encoded or sent: a reply becomes an error reply, an output a stderr note.</summary>
    void SendReplacement(Channel channel, JupyterMessage failed, Exception e)
    {
        try
        {
            string why = $"The workbench kernel could not send a {failed.MsgType} message ({e.GetType().Name}: {OutputLimits.Truncate(e.Message, 2000)}).";
            var parent = new JupyterMessage { Header = failed.ParentHeader, Identities = failed.Identities };
            if (failed.MsgType.EndsWith("_reply", StringComparison.Ordinal))
                SendNow(channel, JupyterMessage.ReplyTo(parent, failed.MsgType, _session, new JsonObject
                {
                    ["status"] = "error", ["ename"] = "KernelSendError", ["evalue"] = why, ["traceback"] = new JsonArray(why),
                    ["execution_count"] = _executionCount,
                }));
            else if (channel == Channel.IOPub && failed.MsgType != "status")
                SendNow(channel, JupyterMessage.ReplyTo(parent, "stream", _session, new JsonObject { ["name"] = "stderr", ["text"] = why + "\n" },
                    identities: [Encoding.UTF8.GetBytes($"kernel.{_session}.stream")]));
        }
        catch (Exception again) { _log.Error($"could not send the replacement either: {again.Message}"); }
    }

    void Heartbeat()
    {
        using var hb = new ResponseSocket();
        hb.Options.Linger = TimeSpan.Zero;
        hb.Bind(_info.HeartbeatAddress);
        var ping = new NetMQMessage();
        while (!_stopping)
        {
            if (!hb.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(200), ref ping)) continue;
            hb.SendMultipartMessage(ping);   // echo, as the protocol's heartbeat asks
            ping = new NetMQMessage();
        }
    }

    // ---- publishing ---------------------------------------------------------------------------------------------

    void Reply(JupyterMessage request, Channel channel, string msgType, JsonObject content) =>
        Send(channel, JupyterMessage.ReplyTo(request, msgType, _session, content));

    internal void Publish(JupyterMessage? parent, string msgType, JsonObject content) =>
        Send(Channel.IOPub, JupyterMessage.ReplyTo(parent, msgType, _session, content,
            identities: [Encoding.UTF8.GetBytes($"kernel.{_session}.{msgType}")]));

    void PublishStatus(JupyterMessage? parent, string state) =>
        Publish(parent, "status", new JsonObject { ["execution_state"] = state });

    // ---- control ------------------------------------------------------------------------------------------------

    void HandleControl(JupyterMessage request)
    {
        PublishStatus(request, "busy");
        switch (request.MsgType)
        {
            case "interrupt_request":
                Interrupt("interrupt_request");
                Reply(request, Channel.Control, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
                Shutdown(request, Channel.Control);
                break;
            case "kernel_info_request":
                Reply(request, Channel.Control, "kernel_info_reply", KernelInfo());
                break;
            default:
                _log.Warn($"control: '{request.MsgType}' is not supported; ignored.");
                Reply(request, Channel.Control, ReplyType(request.MsgType), new JsonObject
                {
                    ["status"] = "error", ["ename"] = "NotSupported", ["evalue"] = $"{request.MsgType} is not supported by this kernel", ["traceback"] = new JsonArray(),
                });
                break;
        }
        PublishStatus(request, "idle");
    }

    static string ReplyType(string requestType) =>
        requestType.EndsWith("_request", StringComparison.Ordinal) ? requestType[..^"_request".Length] + "_reply" : requestType + "_reply";

    void Interrupt(string why)
    {
        var cts = _cellCts;
        if (cts is null) { _log.Info($"{why}: no cell is running"); return; }
        _log.Info($"{why}: interrupting the running cell");
        try { cts.Cancel(); } catch (ObjectDisposedException) { return; }
        var request = _runningRequest;
        // Loops and functions check for interrupts and blocked waits are woken (Thread.Interrupt); a long native call
        // (a big TorchSharp op) or a library loop that never waits runs to its end.
        _ = Task.Delay(InterruptNoticeDelay).ContinueWith(_ =>
        {
            if (request is not null && ReferenceEquals(_runningRequest, request) && ReferenceEquals(_cellCts, cts))
                Publish(request, "stream", new JsonObject
                {
                    ["name"] = "stderr",
                    ["text"] = $"The cell is still running {InterruptNoticeDelay.TotalSeconds:F0} s after the interrupt: it is inside a call that does not " +
                               "check for interrupts (native code such as a large TorchSharp operation, or a library loop that never waits). " +
                               "It stops at its next loop iteration or function call in the cell and then ends as interrupted; " +
                               "to stop it now, restart the kernel.\n",
                });
        }, TaskScheduler.Default);
    }

    static readonly TimeSpan InterruptNoticeDelay = TimeSpan.FromSeconds(3);

    void Shutdown(JupyterMessage request, Channel channel)
    {
        RestartRequested = request.GetBool("restart", false);
        _stopping = true;
        _cellCts?.Cancel();
        Reply(request, channel, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = RestartRequested });
        PublishStatus(request, "idle");
        Post(new Outgoing(Channel.Control, null, () => _poller.StopAsync()));
    }

    // ---- process end --------------------------------------------------------------------------------------------

    void OnProcessExit(object? sender, EventArgs e)
    {
        if (_stopping) return;
        _stopping = true;
        string text = $"The kernel process is ending (exit code {Environment.ExitCode}): " +
                      (_runningRequest is null ? "it was asked to exit." : "the running cell called Environment.Exit or otherwise ended the process.") +
                      " Restart the kernel to go on; variables are lost.";
        EndWithMessage("ProcessExit", text);
    }

    void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e)
    {
        if (_stopping) return;
        _stopping = true;
        string text = $"The kernel process is ending: an exception escaped on a background thread: {e.ExceptionObject}. Restart the kernel to go on.";
        EndWithMessage(e.ExceptionObject.GetType().Name, text);
    }

    /// <summary>
    /// Tells the client why the kernel dies before it does: a stderr stream and an error output under the running cell
    /// (with its error reply), or, when no cell runs (a background thread failed later), under the last executed cell.
    /// </summary>
    void EndWithMessage(string ename, string text)
    {
        _log.Error(text);
        text = OutputLimits.Truncate(text, 100_000);
        var running = _runningRequest;
        if (running is null && _lastRequest is { } last)
        {
            Publish(last, "stream", new JsonObject { ["name"] = "stderr", ["text"] = text + "\n" });
            Publish(last, "error", new JsonObject { ["ename"] = ename, ["evalue"] = text, ["traceback"] = new JsonArray(text) });
        }
        if (running is not null)
        {
            Publish(running, "stream", new JsonObject { ["name"] = "stderr", ["text"] = text + "\n" });
            var error = new JsonObject { ["ename"] = ename, ["evalue"] = text, ["traceback"] = new JsonArray(text) };
            Publish(running, "error", (JsonObject)error.DeepClone());
            error["status"] = "error";
            error["execution_count"] = _executionCount;
            Reply(running, Channel.Shell, "execute_reply", error);
            PublishStatus(running, "idle");
        }
        using var flushed = new ManualResetEventSlim();
        Post(new Outgoing(Channel.IOPub, null, () => flushed.Set()));
        if (flushed.Wait(TimeSpan.FromSeconds(2))) Thread.Sleep(200);   // let NetMQ's I/O thread put the frames on the wire
    }

    /// <summary>Closes the sockets and threads and disposes the engine.</summary>
    public void Dispose()
    {
        _stopping = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        _sigint?.Dispose();
        _shellQueue.CompleteAdding();
        _shellThread?.Join(TimeSpan.FromSeconds(2));
        _heartbeatThread?.Join(TimeSpan.FromSeconds(1));
        _poller.Dispose();
        foreach (var s in new NetMQSocket[] { _shell, _control, _stdin, _iopub }) s.Dispose();
        _outbox.Dispose();
        if (_engine.IsCompletedSuccessfully) _engine.Result.Dispose();
    }
}
