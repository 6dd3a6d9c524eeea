using Microsoft.CodeAnalysis;
using Workbench.Notebooks;

namespace Workbench.Kernel;

/// <summary>
/// What the kernel needs from the notebook engine: run a cell, and compile code in the session's current state
/// for completion and inspection. NotebookEngine adapts the engine's NotebookSession; tests use fakes.
/// </summary>
public interface IKernelEngine : IDisposable
{
    /// <summary>Runs one cell; outputs go to <paramref name="sink"/> as they happen. Cancelling the token interrupts the cell.</summary>
    Task<CellResult> ExecuteAsync(string code, IOutputSink sink, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="code"/> compiled as the next submission after every cell run so far (nothing is executed),
    /// so its semantic model sees earlier cells' variables; null when the engine cannot compile.
    /// </summary>
    Compilation? CompileForAnalysis(string code);
}
