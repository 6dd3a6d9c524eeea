using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Workbench.Notebooks;

namespace Workbench.Kernel;

/// <summary>
/// A running cell's outputs as IOPub messages whose parent is its execute request, sent so that a long or flooding
/// cell neither crashes the kernel nor loses anything silently:
/// <list type="bullet">
/// <item>stream text is coalesced: sent when <see cref="OutputLimits.StreamChunkChars"/> characters wait, after
/// <see cref="OutputLimits.StreamFlushInterval"/>, or before any other output (order is kept);</item>
/// <item>one output longer than <see cref="OutputLimits.MaxOutputChars"/> is truncated with a note;</item>
/// <item>beyond the rate limit (<see cref="OutputLimits.MaxMessagesPerSecond"/> messages or
/// <see cref="OutputLimits.MaxCharsPerSecond"/> characters per second over <see cref="OutputLimits.RateWindow"/>)
/// outputs are dropped, and a stderr notice says so when it starts, when output resumes and when the cell ends.</item>
/// </list>
/// Replies, results, errors and status messages are not outputs: they are never limited.
/// </summary>
sealed class CellOutput : IOutputSink, IDisposable
{
    readonly KernelServer _server;
    readonly JupyterMessage _parent;
    readonly object _gate = new();
    readonly StringBuilder _pending = new();
    readonly Timer _timer;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    string? _pendingName;
    bool _finished;
    TimeSpan _windowStart;
    long _windowMessages, _windowChars;
    bool _limiting;
    long _droppedMessages, _droppedChars, _windowDroppedMessages, _windowDroppedChars;

    public CellOutput(KernelServer server, JupyterMessage parent)
    {
        _server = server;
        _parent = parent;
        _timer = new Timer(_ => { lock (_gate) FlushLocked(); }, null, OutputLimits.StreamFlushInterval, OutputLimits.StreamFlushInterval);
    }

    /// <summary>Messages and characters of this cell's output that the rate limit dropped.</summary>
    public (long Messages, long Chars) Dropped { get { lock (_gate) return (_droppedMessages, _droppedChars); } }

    public void Stream(string name, string text)
    {
        if (string.IsNullOrEmpty(text)) return;
        text = OutputLimits.Truncate(text);
        lock (_gate)
        {
            if (_pendingName is not null && _pendingName != name) FlushLocked();
            _pendingName = name;
            int offset = 0;
            while (offset < text.Length)
            {
                int take = Math.Min(text.Length - offset, OutputLimits.StreamChunkChars - _pending.Length);
                if (take > 0 && offset + take < text.Length && char.IsHighSurrogate(text[offset + take - 1])) take--;   // keep pairs whole
                if (take <= 0) { FlushLocked(); continue; }
                _pending.Append(text, offset, take);
                offset += take;
                if (_pending.Length >= OutputLimits.StreamChunkChars - 1) FlushLocked();
            }
        }
    }

    public void Display(MimeBundle bundle, string displayId) => SendBundle("display_data", bundle, displayId);

    public void UpdateDisplay(MimeBundle bundle, string displayId) => SendBundle("update_display_data", bundle, displayId);

    void SendBundle(string msgType, MimeBundle bundle, string displayId)
    {
        var limited = OutputLimits.Limit(bundle);
        long chars = limited.Data.Values.Sum(v => v is string s ? (long)s.Length : 0);
        lock (_gate)
        {
            FlushLocked();
            SendLocked(msgType, KernelServer.BundleContent(limited, displayId), chars);
        }
    }

    /// <summary>Sends what waits; from now on outputs go out at once. Call before the cell's result, error and reply.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            FlushLocked();
            _finished = true;
            if (_droppedMessages > 0)
                Notice($"[workbench kernel] {_droppedMessages:N0} output messages ({_droppedChars:N0} characters) of this cell were not sent: " +
                       $"the output rate limit ({OutputLimits.MaxMessagesPerSecond:N0} messages or {OutputLimits.MaxCharsPerSecond:N0} characters per second) " +
                       "was exceeded. Print less (e.g. every 1000th step), or write the output to a file.\n");
        }
        _timer.Dispose();
    }

    public void Dispose() => _timer.Dispose();

    void FlushLocked()
    {
        if (_pending.Length == 0) return;
        var text = _pending.ToString();
        _pending.Clear();
        SendLocked("stream", new JsonObject { ["name"] = _pendingName ?? "stdout", ["text"] = text }, text.Length);
    }

    void SendLocked(string msgType, JsonObject content, long chars)
    {
        if (_finished) { _server.Publish(_parent, msgType, content); return; }
        var now = _clock.Elapsed;
        if (now - _windowStart >= OutputLimits.RateWindow)
        {
            if (_limiting)
                Notice($"[workbench kernel] output resumes; {_windowDroppedMessages:N0} messages ({_windowDroppedChars:N0} characters) were dropped by the rate limit.\n");
            _limiting = false;
            _windowStart = now;
            _windowMessages = _windowChars = _windowDroppedMessages = _windowDroppedChars = 0;
        }
        double seconds = OutputLimits.RateWindow.TotalSeconds;
        if (_windowMessages + 1 > OutputLimits.MaxMessagesPerSecond * seconds || _windowChars + chars > OutputLimits.MaxCharsPerSecond * seconds)
        {
            if (!_limiting)
                Notice($"[workbench kernel] output rate limit exceeded ({OutputLimits.MaxMessagesPerSecond:N0} messages or " +
                       $"{OutputLimits.MaxCharsPerSecond:N0} characters per second over {seconds:F0} s, as Jupyter's iopub_msg_rate_limit / " +
                       "iopub_data_rate_limit): outputs are dropped until the rate falls; the count follows.\n");
            _limiting = true;
            _droppedMessages++; _droppedChars += chars;
            _windowDroppedMessages++; _windowDroppedChars += chars;
            return;
        }
        _windowMessages++;
        _windowChars += chars;
        _server.Publish(_parent, msgType, content);
    }

    void Notice(string text) =>
        _server.Publish(_parent, "stream", new JsonObject { ["name"] = "stderr", ["text"] = text });
}
