using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbench.Compute;

namespace Workbench.Notebooks;

/// <summary>Where a notebook failed: cell number (1-based among code cells), line in the cell, the error.</summary>
public sealed record NotebookFailure(int Cell, CellError Error);

/// <summary>The outcome of running one notebook.</summary>
/// <param name="Source">The notebook run.</param>
/// <param name="Output">The executed copy written.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="CodeCells">Code cells run.</param>
/// <param name="Failure">The first failing cell, or null.</param>
public sealed record NotebookRunResult(string Source, string Output, TimeSpan Elapsed, int CodeCells, NotebookFailure? Failure)
{
    /// <summary>True when no cell failed.</summary>
    public bool Succeeded => Failure is null;
}

/// <summary>
/// Executes a notebook's code cells in order in a fresh session and writes an executed copy with its outputs;
/// the source file is never touched. Stops at the first failing cell.
/// </summary>
public static class NotebookRunner
{
    /// <summary>Runs a notebook's code cells in order in a new session and writes the executed copy; stops at the first failing cell.</summary>
    public static async Task<NotebookRunResult> RunAsync(string path, string outputPath, RunProfile profile, TextWriter? log = null,
        bool echo = false, CancellationToken cancellationToken = default)
    {
        var doc = NotebookDocument.Load(path);
        doc.ClearOutputs();
        var cells = doc.CodeCells.ToList();
        var clock = Stopwatch.StartNew();
        var previousProfile = Profile.Current;
        Profile.Current = profile;
        var previousDir = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        NotebookFailure? failure = null;
        try
        {
            using var session = new NotebookSession();
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                var code = NotebookDocument.Source(cell);
                var outputs = new NotebookOutputs(echo && log is not null ? (_, text) => log.Write(text) : null);
                var result = await session.ExecuteAsync(code, outputs, cancellationToken);
                cell["execution_count"] = session.ExecutionCount;
                if (result.Value is not null) outputs.Result(result.Value, session.ExecutionCount);
                if (result.Error is not null) outputs.Error(result.Error);
                cell["outputs"] = outputs.Outputs;
                log?.WriteLine($"  cell {i + 1}/{cells.Count} {(result.Succeeded ? "ok" : "FAILED")} {result.Elapsed.TotalSeconds:F1}s");
                if (result.Error is not null) { failure = new NotebookFailure(i + 1, result.Error); break; }
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDir;
            Profile.Current = previousProfile;
        }
        var meta = doc.Root["metadata"] as JsonObject ?? new JsonObject();
        doc.Root["metadata"] = meta;
        meta["workbench"] = new JsonObject
        {
            ["profile"] = profile.ToString().ToLowerInvariant(),
            ["executed"] = DateTime.UtcNow.ToString("u"),
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["device"] = Devices.Default.ToString(),
        };
        doc.Save(outputPath);
        return new NotebookRunResult(path, outputPath, clock.Elapsed, cells.Count, failure);
    }

    /// <summary>A failure as the user reads it: notebook, cell, line, error, and the failing line's text.</summary>
    public static string Describe(NotebookRunResult r)
    {
        if (r.Failure is null) return $"{Path.GetFileName(r.Source)}: ok";
        var e = r.Failure.Error;
        var where = e.Line is int l ? $", line {l}" : "";
        var text = $"{Path.GetFileName(r.Source)}: cell {r.Failure.Cell}{where}: {e.Name}: {e.Message}";
        if (e.LineText is not null) text += $"\n    > {e.LineText.Trim()}";
        return text;
    }
}
