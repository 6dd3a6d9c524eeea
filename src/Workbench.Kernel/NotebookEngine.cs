using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Workbench.Notebooks;

namespace Workbench.Kernel;

/// <summary>The kernel's engine: the same <see cref="NotebookSession"/> as <c>workbench run</c>, with live progress bars and interrupt checks.</summary>
public sealed class NotebookEngine : IKernelEngine
{
    readonly NotebookSession _session;

    /// <summary>An engine on a new session; by default with live progress and the interrupt rewriter.</summary>
    public NotebookEngine(NotebookSessionOptions? options = null) =>
        _session = new NotebookSession(options ?? new NotebookSessionOptions
        {
            LiveProgress = true, RewriteCode = CancellationRewriter.Rewrite, RewriteFallback = CancellationRewriter.RewriteCautiously,
        });

    /// <summary>Creates the engine and compiles a trivial submission, so the first cell does not pay for loading the compiler.</summary>
    public static NotebookEngine CreateWarm()
    {
        var engine = new NotebookEngine();
        // Compiling and emitting a throwaway submission JIT-compiles Roslyn's paths and loads the references; the session's state is untouched.
        if (engine.CompileForAnalysis("var warm = 1 + 1; warm") is { } compilation)
            _ = compilation.Emit(Stream.Null);
        return engine;
    }

    /// <summary>The notebook session cells run in.</summary>
    public NotebookSession Session => _session;

    /// <inheritdoc/>
    public Task<CellResult> ExecuteAsync(string code, IOutputSink sink, CancellationToken cancellationToken) =>
        _session.ExecuteAsync(code, sink, cancellationToken);

    /// <inheritdoc/>
    public Compilation? CompileForAnalysis(string code) => _session.NextSubmission(code).GetCompilation();

    /// <summary>Ends the session.</summary>
    public void Dispose() => _session.Dispose();
}
