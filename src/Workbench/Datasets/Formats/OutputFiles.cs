using System.Text;

namespace Workbench.Datasets.Formats;

/// <summary>
/// The output files of one job, written all or nothing:
/// <code>using var outputs = new OutputFiles(inputs: [xPath]);
/// outputs.Add(centroidsPath, "--out-centroids"); outputs.Add(labelsPath, "--out-labels");   // refused before anything is written
/// outputs.Write(centroidsPath, header, rows); outputs.Write(labelsPath, …);                  // temporary files beside the targets
/// outputs.Commit();                                                                        // renamed only now</code>
/// <see cref="Add"/> refuses an output that is an input, two outputs on one path, and a path that is a folder or whose
/// folder does not exist. Until <see cref="Commit"/>, nothing the user owns is touched; disposing without committing
/// deletes the temporary files.
/// </summary>
public sealed class OutputFiles : IDisposable
{
    readonly List<(string Path, string Role)> _inputs;
    readonly Dictionary<string, (string Role, string? Temp)> _outputs = new(StringComparer.Ordinal);
    bool _committed;

    /// <param name="inputs">Files the job reads (an output may not be one of them), each with the option that named it.</param>
    public OutputFiles(IEnumerable<(string Path, string Role)>? inputs = null)
        => _inputs = (inputs ?? []).Select(i => (Full(i.Path), i.Role)).ToList();

    static string Full(string path) => System.IO.Path.GetFullPath(path);

    /// <summary>Declares an output; <paramref name="role"/> (e.g. <c>--out</c>) names it in errors.</summary>
    public void Add(string path, string role)
    {
        var full = Full(path);
        foreach (var (input, inRole) in _inputs)
            if (input == full)
                throw new ArgumentException($"{role} {path} is also the input {inRole}; writing it would destroy the input. Choose another output path.");
        if (_outputs.TryGetValue(full, out var other))
            throw new ArgumentException($"{role} and {other.Role} are the same file ({path}); give each output its own path.");
        if (Directory.Exists(full)) throw new ArgumentException($"{role} {path} is a folder; give a file name.");
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            throw new ArgumentException($"{role} {path}: the folder {dir} does not exist; create it first.");
        _outputs[full] = (role, null);
    }

    /// <summary>Writes a declared output as CSV into a temporary file beside it (see <see cref="CsvWriter"/>).</summary>
    public void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object>> rows, string? hint = null)
    {
        var full = Full(path);
        if (!_outputs.TryGetValue(full, out var o)) throw new InvalidOperationException($"{path} was not declared with Add.");
        var temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        _outputs[full] = (o.Role, temp);
        using var w = new StreamWriter(temp, false, new UTF8Encoding(false));
        CsvWriter.WriteTo(w, path, header, rows, hint);
    }

    /// <summary>Writes a declared output as UTF-8 text (e.g. an HTML report) into a temporary file beside it.</summary>
    public void WriteText(string path, string content)
    {
        var full = Full(path);
        if (!_outputs.TryGetValue(full, out var o)) throw new InvalidOperationException($"{path} was not declared with Add.");
        var temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        _outputs[full] = (o.Role, temp);
        File.WriteAllText(temp, content, new UTF8Encoding(false));
    }

    /// <summary>Renames every temporary file onto its target; call once the whole job has succeeded.</summary>
    public void Commit()
    {
        foreach (var (full, o) in _outputs)
            if (o.Temp is null) throw new InvalidOperationException($"{o.Role} {full} was declared but never written.");
        foreach (var (full, o) in _outputs) File.Move(o.Temp!, full, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary files of an uncommitted job.</summary>
    public void Dispose()
    {
        if (_committed) return;
        foreach (var o in _outputs.Values)
            if (o.Temp is not null) try { File.Delete(o.Temp); } catch (IOException) { }
    }
}
