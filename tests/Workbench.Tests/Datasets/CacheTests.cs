using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Workbench.Datasets;
using WbDatasets = Workbench.Datasets.Datasets;

namespace Workbench.Tests.Datasets;

/// <summary>
/// The cache as a user meets it (issue 8 items 1 and 4): a dataset fetches itself on first use, once, even when threads
/// or processes ask at the same time (lock + atomic rename); WORKBENCH_OFFLINE=1 restores the error naming the fetch
/// command; a damaged file (same size, other bytes) is never loaded and is reported with the command that repairs it.
/// A made-up dataset is served from a local HTTP server, so these tests need no network.
/// </summary>
public class CacheTests
{
    static readonly byte[] Data = "1.5,2,0\n3,4.25,1\n-1,0,0\n"u8.ToArray();
    static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    /// <summary>Serves <c>/data.csv</c> after a delay and counts the requests.</summary>
    sealed class SlowServer : IDisposable
    {
        readonly HttpListener _listener = new();
        int _requests;
        public int Requests => Volatile.Read(ref _requests);
        public string Url { get; }
        public SlowServer(TimeSpan delay)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var prefix = $"http://127.0.0.1:{port}/";
            Url = prefix + "data.csv";
            _listener.Prefixes.Add(prefix);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); } catch { return; }
                    Interlocked.Increment(ref _requests);
                    await Task.Delay(delay);
                    await ctx.Response.OutputStream.WriteAsync(Data);
                    ctx.Response.Close();
                }
            });
        }
        public void Dispose() => _listener.Close();
    }

    static DatasetInfo Toy(string url, string id = "toy-cache") => new()
    {
        Id = id, Title = "made-up three rows",
        Files = [new DatasetFile { Name = "data.csv", Sha256 = Sha(Data), Bytes = Data.Length }],
        Sources = [new DatasetSource { Kind = "url", Files = new() { ["data.csv"] = new SourceFile { Url = url } } }],
        Format = new DatasetFormat { Kind = "csv", FeatureNames = ["a", "b"], Label = "target" },
    };

    static string TempDir() => Directory.CreateTempSubdirectory("wb-cache-").FullName;

    [Fact]
    public void ADatasetFetchesItselfOnFirstUseThenLoadsFromTheCache()
    {
        using var server = new SlowServer(TimeSpan.Zero);
        var root = TempDir();
        using var _ = DatasetCache.UseRoot(root);
        using var online = WbDatasets.UseOffline(false);
        var info = Toy(server.Url);
        Assert.Equal(CacheState.Missing, DatasetCache.Check(info).State);
        var d = DatasetLoaders.Load(info);
        Assert.Equal(new[] { 1.5, 3, -1 }, d.Column("a"));
        Assert.Equal(1, server.Requests);
        Assert.Equal(CacheState.Cached, DatasetCache.Check(info).State);
        DatasetLoaders.Load(info);                                    // second use: from the cache
        Assert.Equal(1, server.Requests);
        Assert.Equal(new[] { "toy-cache" }, Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')));
        Assert.Empty(Directory.GetDirectories(root, ".staging-*"));
        Directory.Delete(root, true);
    }

    [Fact]
    public void OfflineRestoresTheErrorThatNamesTheFetchCommand()
    {
        using var server = new SlowServer(TimeSpan.Zero);
        var root = TempDir();
        using var _ = DatasetCache.UseRoot(root);
        using var offline = WbDatasets.UseOffline(true);
        var e = Assert.Throws<DatasetNotCachedException>(() => DatasetLoaders.Load(Toy(server.Url)));
        Assert.Contains("workbench datasets fetch toy-cache", e.Message);
        Assert.Contains("WORKBENCH_OFFLINE", e.Message);
        Assert.Equal(0, server.Requests);
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task ParallelTasksFetchOnceAndAllGetTheSameFiles()
    {
        using var server = new SlowServer(TimeSpan.FromMilliseconds(800));
        var root = TempDir();
        var info = Toy(server.Url);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            using var r = DatasetCache.UseRoot(root);
            using var online = WbDatasets.UseOffline(false);
            return DatasetLoaders.Load(info).Column("b");
        })).ToArray();
        var columns = await Task.WhenAll(tasks);
        Assert.Equal(1, server.Requests);                             // the others waited for the lock and reused it
        foreach (var b in columns) Assert.Equal(new[] { 2, 4.25, 0 }, b);
        Assert.Equal(Data, File.ReadAllBytes(Path.Combine(root, "toy-cache", "data.csv")));
        Directory.Delete(root, true);
    }

    [Fact]
    public void ADamagedFileOfTheSameSizeIsNeverLoaded()
    {
        using var server = new SlowServer(TimeSpan.Zero);
        var root = TempDir();
        using var _ = DatasetCache.UseRoot(root);
        using var online = WbDatasets.UseOffline(false);
        var info = Toy(server.Url, "toy-damaged");
        DatasetLoaders.Load(info);
        var file = Path.Combine(root, "toy-damaged", "data.csv");
        var bytes = File.ReadAllBytes(file);
        bytes[0] = (byte)'9';                                          // 1.5 → 9.5: same size, other value
        File.WriteAllBytes(file, bytes);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        var e = Assert.Throws<DatasetDamagedException>(() => DatasetLoaders.Load(info));
        Assert.Contains(file, e.Message);
        Assert.Contains("workbench datasets fetch toy-damaged --force", e.Message);
        var status = DatasetCache.Check(info);
        Assert.Equal(CacheState.Damaged, status.State);
        Assert.Equal(file, status.File);
        Assert.False(DatasetCache.IsCached(info));
        Assert.Equal(1, server.Requests);                              // a damaged file is not replaced silently
        using (var fetcher = new DatasetFetcher(TextWriter.Null)) fetcher.Fetch(info, force: true);
        Assert.Equal(new[] { 1.5, 3, -1 }, DatasetLoaders.Load(info).Column("a"));
        Directory.Delete(root, true);
    }

    [Fact]
    public void AnIncompleteCopyIsFetchedAgain()
    {
        using var server = new SlowServer(TimeSpan.Zero);
        var root = TempDir();
        using var _ = DatasetCache.UseRoot(root);
        using var online = WbDatasets.UseOffline(false);
        var info = new DatasetInfo
        {
            Id = "toy-two", Title = "two files",
            Files = [.. Toy(server.Url).Files, new DatasetFile { Name = "copy.csv", Sha256 = Sha(Data), Bytes = Data.Length }],
            Sources = [new DatasetSource { Kind = "url", Files = new() { ["data.csv"] = new SourceFile { Url = server.Url }, ["copy.csv"] = new SourceFile { Url = server.Url } } }],
            Format = Toy(server.Url).Format,
        };
        DatasetLoaders.Load(info);
        File.Delete(Path.Combine(root, "toy-two", "copy.csv"));
        Assert.Equal(CacheState.Incomplete, DatasetCache.Check(info).State);
        DatasetLoaders.Load(info);
        Assert.Equal(CacheState.Cached, DatasetCache.Check(info).State);
        Assert.Equal(4, server.Requests);
        Directory.Delete(root, true);
    }

    static (int Code, string Output) RunWorkbench(string dataRoot, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "workbench.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["WORKBENCH_DATA"] = dataRoot;
        psi.Environment.Remove(WbDatasets.OfflineVariable);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    [Fact]
    public async Task TwoProcessesFetchingOneDatasetFetchItOnce()
    {
        // `workbench datasets fetch iris` twice at once into an empty cache (iris comes from Debian's python3-sklearn here).
        var root = TempDir();
        var first = Task.Run(() => RunWorkbench(root, "datasets", "fetch", "iris", "--timeout", "3"));
        var second = Task.Run(() => RunWorkbench(root, "datasets", "fetch", "iris", "--timeout", "3"));
        var results = await Task.WhenAll(first, second);
        foreach (var r in results) Assert.True(r.Code == 0, r.Output);
        Assert.Single(results, r => r.Output.Contains("iris: fetched from"));
        Assert.Single(results, r => r.Output.Contains("iris: already cached"));
        Assert.Empty(Directory.GetDirectories(root, ".staging-*"));
        Assert.Empty(Directory.GetDirectories(root, ".old-*"));
        using var _ = DatasetCache.UseRoot(root);
        Assert.Equal(CacheState.Cached, DatasetCache.Check(DatasetCatalog.Get("iris")).State);
        Assert.Equal(150, Dataset.Load("iris").Count);
        var verify = RunWorkbench(root, "datasets", "verify", "iris");
        Assert.True(verify.Code == 0, verify.Output);
        Assert.Contains("iris: ok", verify.Output);
        // damage it: verify and list say so, and loading refuses it with the real id
        var csv = Directory.GetFiles(Path.Combine(root, "iris")).First(f => !f.EndsWith("source.json"));
        var bytes = File.ReadAllBytes(csv);
        int at = Array.FindLastIndex(bytes, b => b is >= (byte)'0' and <= (byte)'8');
        bytes[at]++;
        File.WriteAllBytes(csv, bytes);
        var bad = RunWorkbench(root, "datasets", "verify", "iris");
        Assert.Equal(1, bad.Code);
        Assert.Contains("DAMAGED", bad.Output);
        Assert.Contains("workbench datasets fetch iris --force", bad.Output);
        Assert.Contains("DAMAGED", RunWorkbench(root, "datasets", "list").Output);
        Directory.Delete(root, true);
    }
}
