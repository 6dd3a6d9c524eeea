using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Workbench.Notebooks;

namespace Workbench.Kernel;

/// <summary>The kernel's engine: the same <see cref="NotebookSession"/> as <c>workbench run</c>, with live progress bars and interrupt checks.</summary>
public sealed class NotebookEngine : IKernelEngine
{
    readonly NotebookSession _session;

    public NotebookEngine(NotebookSessionOptions? options = null) =>
        _session = new NotebookSession(options ?? new NotebookSessionOptions { LiveProgress = true, RewriteCode = CancellationRewriter.Rewrite });

    /// <summary>Creates the engine and compiles a trivial submission, so the first cell does not pay for loading the compiler.</summary>
    public static NotebookEngine CreateWarm()
    {
        var engine = new NotebookEngine();
        _ = engine.CompileForAnalysis("1 + 1")?.GetDiagnostics();
        return engine;
    }

    public NotebookSession Session => _session;

    public Task<CellResult> ExecuteAsync(string code, IOutputSink sink, CancellationToken cancellationToken) =>
        _session.ExecuteAsync(code, sink, cancellationToken);

    public Compilation? CompileForAnalysis(string code)
    {
        var script = _session.CurrentScript is { } current
            ? current.ContinueWith(code)
            : CSharpScript.Create(code, _session.ScriptOptions, typeof(ScriptGlobals));
        return script.GetCompilation();
    }

    public void Dispose() => _session.Dispose();
}
