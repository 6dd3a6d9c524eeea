using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Workbench.Notebooks.Formatting;
using Workbench.Reporting;

namespace Workbench.Notebooks;

/// <summary>How a <see cref="NotebookSession"/> runs cells (the kernel and <c>workbench run</c> differ).</summary>
public sealed class NotebookSessionOptions
{
    /// <summary>Progress bars as updatable displays (the kernel) instead of text lines (<c>workbench run</c>).</summary>
    public bool LiveProgress { get; init; }

    /// <summary>Applied to each cell's code before compiling (the kernel inserts interrupt checks).</summary>
    public Func<string, string>? RewriteCode { get; init; }

    /// <summary>
    /// Tried when the code <see cref="RewriteCode"/> made does not compile (a more cautious rewrite); when that fails
    /// too, the cell's own code is compiled, so the errors shown are always about the user's text.
    /// </summary>
    public Func<string, string>? RewriteFallback { get; init; }

    /// <summary>Stack size of the thread that runs cells.</summary>
    public int StackSize { get; init; } = 64 * 1024 * 1024;
}

/// <summary>
/// C# cells in one Roslyn scripting session, in the dialect of .NET Interactive's C# kernel: top-level statements,
/// a trailing expression is the cell's value. Workbench and its dependencies are referenced and imported.
/// Outputs (stdout, stderr, <c>display</c>) stream to an <see cref="IOutputSink"/>; the value and error come back.
/// </summary>
public sealed class NotebookSession : IDisposable
{
    /// <summary>Namespaces and static classes every cell imports.</summary>
    public static readonly string[] Imports =
    {
        "System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Threading.Tasks",
        "TorchSharp", "TorchSharp.torch", "Deedle", "Plotly.NET.CSharp",
        "Workbench.Compute", "Workbench.Reporting", "Workbench.Plotting",
    };

    readonly NotebookSessionOptions _options;
    readonly ScriptGlobals _globals;
    readonly FormatContext _formatContext = new();
    readonly ScriptOptions _continuationOptions;
    ScriptState<object>? _state;
    IOutputSink? _sink;
    int _displayCounter;

    /// <summary>A new session: no cells run yet.</summary>
    public NotebookSession(NotebookSessionOptions? options = null)
    {
        _options = options ?? new NotebookSessionOptions();
        _globals = new ScriptGlobals(this);
        ScriptOptions = ScriptOptions.Default
            .WithReferences(ReferencedAssemblies())
            .WithImports(Imports)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)
            .WithAllowUnsafe(true)
            .WithOptimizationLevel(OptimizationLevel.Debug); // exact line numbers in tracebacks; heavy work runs in the library
        // Later submissions inherit the first one's references. Passing the ~150 references again with every cell
        // made each new compilation cost time and memory in proportion to the number of cells before it (retained
        // memory grew quadratically: 237 MB after 300 trivial cells, 20 MB without; see docs/kernel.md).
        _continuationOptions = ScriptOptions.WithReferences(Array.Empty<MetadataReference>());
    }

    /// <summary>References, imports and compiler options of the first submission.</summary>
    public ScriptOptions ScriptOptions { get; }

    /// <summary>Number of cells executed (successfully or not) so far; the next cell's number is this plus one.</summary>
    public int ExecutionCount { get; private set; }

    /// <summary>The last successfully compiled submission (for completion and inspection).</summary>
    public Script? CurrentScript => _state?.Script;

    /// <summary><paramref name="code"/> as the submission after every cell run so far (not run; for completion and inspection).</summary>
    public Script<object> NextSubmission(string code) => _state is null
        ? CSharpScript.Create<object>(code, ScriptOptions, typeof(ScriptGlobals))
        : _state.Script.ContinueWith<object>(code, _continuationOptions);

    /// <summary>Runs <paramref name="code"/> as the next cell on a dedicated thread.</summary>
    public Task<CellResult> ExecuteAsync(string code, IOutputSink sink, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<CellResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { done.SetResult(ExecuteCore(code, sink, cancellationToken)); }
            catch (Exception e) { done.SetException(e); }
        }, _options.StackSize) { IsBackground = true, Name = "notebook cell" };
        thread.Start();
        return done.Task;
    }

    readonly ProgressSettings _progress = new();

    CellResult ExecuteCore(string code, IOutputSink sink, CancellationToken cancellationToken)
    {
        int number = ++ExecutionCount;
        string cellPath = $"cell{number}";
        var clock = Stopwatch.StartNew();
        using var interruptScope = CellInterrupt.Enter(cancellationToken);
        var originalOut = Console.Out;
        var originalErr = Console.Error;
        var originalView = Progress.ViewFactory;
        using var stdout = new SinkWriter(sink, "stdout");
        using var stderr = new SinkWriter(sink, "stderr");
        _sink = sink;
        _globals.Interrupt = cancellationToken;
        Console.SetOut(stdout);
        Console.SetError(stderr);
        Progress.ViewFactory = _options.LiveProgress ? () => new DisplayProgressView(this) : () => new TextProgressView(Console.Out);
        Progress.UseSettings(_progress);              // Progress.Enabled set in one cell holds for the next (each cell has its own thread)
        try
        {
            var (script, errors) = CompileCell(code, cellPath, cancellationToken);
            if (errors.Count > 0) return new CellResult(null, CompileError(errors, code), clock.Elapsed);

            ScriptState<object> state;
            // A cell blocked in a wait (Thread.Sleep, Task.Wait, a lock, Join) is woken by Thread.Interrupt: it then
            // throws ThreadInterruptedException where it waits. Only while the cell's code runs.
            using (cancellationToken.Register(static t => ((Thread)t!).Interrupt(), Thread.CurrentThread))
            {
                try
                {
                    var task = _state is null
                        ? script.RunAsync(_globals, _ => true, cancellationToken)
                        : script.RunFromAsync(_state, _ => true, cancellationToken);
                    state = task.GetAwaiter().GetResult();
                }
                finally { ClearPendingInterrupt(); }
            }
            _state = state;
            stdout.Flush(); stderr.Flush();
            if (state.Exception is not null) return Interrupted(new CellResult(null, RuntimeError(state.Exception, cellPath, code), clock.Elapsed), cancellationToken);
            bool hasValue = HasTrailingExpression(state.Script) && state.ReturnValue is not null;
            var value = hasValue ? Formatter.Format(state.ReturnValue, _formatContext) : null;
            return Interrupted(new CellResult(value, null, clock.Elapsed), cancellationToken);
        }
        catch (CompilationErrorException e)
        {
            return new CellResult(null, CompileError(e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList(), code), clock.Elapsed);
        }
        catch (Exception e)
        {
            ClearPendingInterrupt();
            stdout.Flush(); stderr.Flush();
            return Interrupted(new CellResult(null, RuntimeError(e, cellPath, code), clock.Elapsed), cancellationToken);
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalErr);
            Progress.ViewFactory = originalView;
            _sink = null;
        }
    }

    /// <summary>
    /// The cell as rewritten (interrupt and stack checks), else as rewritten cautiously, else as written: the first that
    /// compiles. The errors returned are those of the code as written.
    /// </summary>
    (Script<object> Script, List<Diagnostic> Errors) CompileCell(string code, string cellPath, CancellationToken cancellationToken)
    {
        var candidates = new List<string>(3);
        if (_options.RewriteCode is { } rewrite) candidates.Add(rewrite(code));
        if (_options.RewriteFallback is { } fallback) candidates.Add(fallback(code));
        candidates.Add(code);
        Script<object>? script = null;
        List<Diagnostic> errors = [];
        foreach (var source in candidates.Distinct())
        {
            var options = (_state is null ? ScriptOptions : _continuationOptions).WithFilePath(cellPath);
            script = _state is null
                ? CSharpScript.Create<object>(source, options, typeof(ScriptGlobals))
                : _state.Script.ContinueWith<object>(source, options);
            errors = script.Compile(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count == 0) break;
        }
        return (script!, errors);
    }

    /// <summary>Drops an interrupt that arrived while the cell was not waiting, so it cannot hit the session's own code.</summary>
    static void ClearPendingInterrupt()
    {
        try { Thread.Sleep(0); } catch (ThreadInterruptedException) { }
    }

    /// <summary>
    /// An interrupted cell always ends in an error, never in success: a long native call (a big TorchSharp operation)
    /// cannot be stopped midway, and when it returns the cell may finish before it reaches a check.
    /// </summary>
    static CellResult Interrupted(CellResult result, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested) return result;
        const string Prefix = "The cell was interrupted (Kernel > Interrupt); the session goes on. ";
        if (result.Error is { } error) return result with { Error = error with { Message = Prefix + error.Message } };
        const string Text = Prefix + "It was inside a call that cannot be stopped midway (native code, e.g. a large TorchSharp " +
                            "operation), which ran to its end; the cell then ended without reaching another check. Its value is " +
                            "discarded; variables it assigned keep their new values.";
        return result with { Value = null, Error = new CellError("Interrupted", Text, [$"Interrupted: {Text}"], null, null) };
    }

    internal DisplayHandle Display(object? value) => DisplayBundle(Formatter.Format(value, _formatContext));

    internal DisplayHandle DisplayBundle(MimeBundle bundle)
    {
        var id = $"display-{Interlocked.Increment(ref _displayCounter)}-{Guid.NewGuid():N}"[..32];
        Flush();
        (_sink ?? throw new InvalidOperationException("display() can only be called while a cell runs.")).Display(bundle, id);
        return new DisplayHandle(this, id);
    }

    internal void UpdateDisplay(string displayId, object? value) => UpdateDisplayBundle(displayId, Formatter.Format(value, _formatContext));

    internal void UpdateDisplayBundle(string displayId, MimeBundle bundle)
    {
        Flush();
        (_sink ?? throw new InvalidOperationException("A display can only be updated while a cell runs.")).UpdateDisplay(bundle, displayId);
    }

    static void Flush() { Console.Out.Flush(); Console.Error.Flush(); }

    /// <summary>Whether the submission ends in an expression without a semicolon (its value is the cell's output).</summary>
    static bool HasTrailingExpression(Script script)
    {
        var tree = script.GetCompilation().SyntaxTrees.LastOrDefault();
        if (tree?.GetRoot() is not Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax root) return false;
        var last = root.Members.LastOrDefault();
        return last is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax { Statement: Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionStatementSyntax es }
               && es.SemicolonToken.IsMissing;
    }

    static CellError CompileError(IReadOnlyList<Diagnostic> errors, string code)
    {
        var lines = code.Split('\n');
        var first = errors[0];
        int line = first.Location.GetLineSpan().StartLinePosition.Line + 1;
        string? lineText = line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : null;
        var traceback = errors.Select(d =>
        {
            var pos = d.Location.GetLineSpan().StartLinePosition;
            return $"({pos.Line + 1},{pos.Character + 1}): error {d.Id}: {d.GetMessage()}";
        }).ToList();
        if (lineText is not null) traceback.Add($"line {line}: {lineText.Trim()}");
        return new CellError("CompilationError", $"{first.Id}: {first.GetMessage()}", traceback, line, lineText);
    }

    static CellError RuntimeError(Exception e, string cellPath, string code)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerException!;
        if (e is TargetInvocationException { InnerException: { } invoked }) e = invoked;
        var lines = code.Split('\n');
        int? line = null;
        var trace = e.StackTrace ?? "";
        var m = Regex.Match(trace + "\n" + (e.InnerException?.StackTrace ?? ""), Regex.Escape(cellPath) + @":line (\d+)");
        if (m.Success) line = int.Parse(m.Groups[1].Value);
        string? lineText = line is int l && l >= 1 && l <= lines.Length ? lines[l - 1].TrimEnd('\r') : null;
        var traceback = new List<string> { $"{e.GetType().FullName}: {e.Message}" };
        if (line is not null) traceback.Add($"at line {line}: {lineText?.Trim()}");
        var frames = trace.Split('\n').Select(s => s.TrimEnd('\r')).Where(s => s.Length > 0)
            .Where(s => !s.Contains("Microsoft.CodeAnalysis.Scripting") && !s.Contains("System.Runtime.CompilerServices")).ToList();
        const int head = 40, tail = 10;   // runaway recursion gives hundreds of thousands of frames: keep both ends
        if (frames.Count > head + tail)
            frames = frames.Take(head).Append($"   … {frames.Count - head - tail} more frames …").Concat(frames.Skip(frames.Count - tail)).ToList();
        traceback.AddRange(frames);
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            traceback.Add($" ---> {inner.GetType().FullName}: {inner.Message}");
        return new CellError(e.GetType().Name, e.Message, traceback, line, lineText);
    }

    /// <summary>Workbench.Core, this engine and everything they reference, transitively.</summary>
    static IEnumerable<MetadataReference> ReferencedAssemblies()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<Assembly>(new[]
        {
            typeof(Workbench.Compute.Devices).Assembly, typeof(NotebookSession).Assembly, typeof(TorchSharp.torch).Assembly,
            typeof(Plotly.NET.GenericChart).Assembly, typeof(Plotly.NET.CSharp.Chart).Assembly, typeof(Deedle.Frame).Assembly,
            typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(System.Collections.Generic.List<>).Assembly,
            typeof(System.Text.Json.JsonSerializer).Assembly, typeof(System.Net.Http.HttpClient).Assembly,
            typeof(ImmutableArray).Assembly, typeof(System.Text.RegularExpressions.Regex).Assembly,
        });
        foreach (var name in new[] { "System.Runtime", "netstandard", "System.Collections", "System.Linq.Expressions", "System.Console", "Microsoft.CSharp" })
            try { queue.Enqueue(Assembly.Load(name)); } catch (FileNotFoundException) { }
        while (queue.Count > 0)
        {
            var asm = queue.Dequeue();
            if (asm.IsDynamic || string.IsNullOrEmpty(asm.Location) || seen.ContainsKey(asm.GetName().Name!)) continue;
            seen[asm.GetName().Name!] = asm;
            foreach (var r in asm.GetReferencedAssemblies())
            {
                if (seen.ContainsKey(r.Name!)) continue;
                try { queue.Enqueue(Assembly.Load(r)); } catch (Exception) { /* optional dependency not shipped */ }
            }
        }
        return seen.Values.Select(a => MetadataReference.CreateFromFile(a.Location));
    }

    /// <summary>Drops the session's state.</summary>
    public void Dispose() => _state = null;

    /// <summary>Console writer that forwards text to the running cell's sink, line-buffered.</summary>
    sealed class SinkWriter(IOutputSink sink, string name) : TextWriter
    {
        readonly System.Text.StringBuilder _buffer = new();
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void Write(char value)
        {
            lock (_buffer)
            {
                _buffer.Append(value);
                if (value == '\n') FlushLocked();
            }
        }
        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            lock (_buffer)
            {
                _buffer.Append(value);
                if (value.Contains('\n')) FlushLocked();
            }
        }
        public override void Flush() { lock (_buffer) FlushLocked(); }
        void FlushLocked()
        {
            if (_buffer.Length == 0) return;
            var text = _buffer.ToString();
            _buffer.Clear();
            sink.Stream(name, text);
        }
        protected override void Dispose(bool disposing) { Flush(); base.Dispose(disposing); }
    }
}
