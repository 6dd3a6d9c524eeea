using System.Text;
using Workbench.Datasets.Formats;
using Workbench.Text.Mail;

namespace Workbench.Text;

/// <summary>
/// A user's documents from disk: a folder (every file one document, id = its path relative to the folder; a file that
/// reads as an e-mail, i.e. RFC 822 with a From, Subject, Date or Message-ID field, is replaced by its cleaned body,
/// <see cref="MailCleaner"/>), or a CSV with a header holding the columns <c>id</c> and <c>text</c> (and optionally
/// <c>label</c>). Labels can also come from a CSV <c>id,label</c> (<see cref="ReadLabels"/>).
/// </summary>
public static class TextSources
{
    /// <summary>The documents in the folder or CSV <paramref name="path"/>, in a stable order (file name, or row order).</summary>
    public static IReadOnlyList<TextDocument> Read(string path)
    {
        if (Directory.Exists(path)) return ReadFolder(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is neither a folder of text files nor a CSV file.");
        return ReadCsv(path);
    }

    static IReadOnlyList<TextDocument> ReadFolder(string dir)
    {
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.')).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"the folder {dir} holds no file; put one text file per document in it.");
        var docs = new List<TextDocument>();
        foreach (var f in files)
        {
            var bytes = File.ReadAllBytes(f);
            var id = Path.GetRelativePath(dir, f).Replace('\\', '/');
            docs.Add(new TextDocument(id, AsText(bytes)));
        }
        return docs;
    }

    /// <summary>The text of one file: the cleaned body when it is an e-mail, otherwise the file decoded as UTF-8.</summary>
    public static string AsText(byte[] bytes)
    {
        try
        {
            var m = MailMessage.Parse(bytes);
            if (m.Header("From") is not null || m.Header("Subject") is not null || m.Header("Date") is not null || m.Header("Message-ID") is not null)
                return MailCleaner.Clean(m.Body);
        }
        catch (MailFormatException) { }
        return new UTF8Encoding(false, false).GetString(bytes);
    }

    static IReadOnlyList<TextDocument> ReadCsv(string path)
    {
        var rows = CsvReader.ReadLines(path);
        if (rows.Count < 2) throw new InvalidDataException($"{path} has no document: it needs a header row with the columns id,text and one row per document.");
        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int idCol = Array.IndexOf(header, "id"), textCol = Array.IndexOf(header, "text"), labelCol = Array.IndexOf(header, "label");
        if (idCol < 0 || textCol < 0)
            throw new InvalidDataException($"{path} must have the columns 'id' and 'text' (and optionally 'label'); its header is {string.Join(",", rows[0].Fields)}.");
        var docs = new List<TextDocument>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in rows.Skip(1))
        {
            if (r.Fields.Length != header.Length)
                throw new InvalidDataException($"{path} line {r.Line} has {r.Fields.Length} fields, the header {header.Length}; quote texts that contain commas.");
            var id = r.Fields[idCol];
            if (!seen.Add(id)) throw new InvalidDataException($"{path} line {r.Line}: the id '{id}' appears twice; ids must be unique.");
            docs.Add(new TextDocument(id, r.Fields[textCol], labelCol >= 0 && r.Fields[labelCol].Trim().Length > 0 ? r.Fields[labelCol].Trim() : null));
        }
        return docs;
    }

    /// <summary>Labels from a CSV with the columns <c>id</c> and <c>label</c>: id → label.</summary>
    public static IReadOnlyDictionary<string, string> ReadLabels(string path)
    {
        var rows = CsvReader.ReadLines(path);
        if (rows.Count < 2) throw new InvalidDataException($"{path} has no label: it needs a header row id,label and one row per document.");
        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int idCol = Array.IndexOf(header, "id"), labelCol = Array.IndexOf(header, "label");
        if (idCol < 0 || labelCol < 0) throw new InvalidDataException($"{path} must have the columns 'id' and 'label'; its header is {string.Join(",", rows[0].Fields)}.");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in rows.Skip(1))
        {
            if (r.Fields.Length != header.Length) throw new InvalidDataException($"{path} line {r.Line} has {r.Fields.Length} fields, the header {header.Length}.");
            if (!map.TryAdd(r.Fields[idCol], r.Fields[labelCol].Trim()))
                throw new InvalidDataException($"{path} line {r.Line}: the id '{r.Fields[idCol]}' has two labels.");
        }
        return map;
    }
}
