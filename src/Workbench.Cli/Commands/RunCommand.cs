using System.CommandLine;
using Workbench.Compute;
using Workbench.Notebooks;
using Workbench.Reporting;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench run [paths] [--profile quick|full]</c>: executes notebooks, writes executed copies under artifacts/.</summary>
static class RunCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Notebooks or folders (default: notebooks/ of the repository).", Arity = ArgumentArity.ZeroOrMore };
        var profile = new Option<string>("--profile") { Description = "quick (tests, CI) or full (paper scale).", DefaultValueFactory = _ => "quick" };
        var output = new Option<string?>("--out") { Description = "Folder for executed copies (default: artifacts/notebooks)." };
        var echo = new Option<bool>("--echo") { Description = "Also print what the cells write to stdout/stderr." };
        var command = new Command("run", "Execute notebooks in order, cell by cell, and write executed copies with their outputs.");
        command.Arguments.Add(paths);
        command.Options.Add(profile);
        command.Options.Add(output);
        command.Options.Add(echo);
        command.SetAction(async (pr, ct) =>
        {
            RunProfile runProfile;
            try { runProfile = Profile.Parse(pr.GetValue(profile)!); }
            catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
            List<string> notebooks;
            try { notebooks = Resolve(pr.GetValue(paths) ?? Array.Empty<string>()); }
            catch (FileNotFoundException e) { Console.Error.WriteLine(e.Message); return 2; }
            if (notebooks.Count == 0) { Console.Error.WriteLine("No notebooks (*.ipynb) found."); return 2; }
            var outDir = pr.GetValue(output) is string o ? Path.GetFullPath(o) : Artifacts.Path("notebooks", ".");
            Console.WriteLine($"Running {notebooks.Count} notebook(s), profile {runProfile.ToString().ToLowerInvariant()}, {Devices.Describe()}");
            var failures = new List<NotebookRunResult>();
            var total = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < notebooks.Count; i++)
            {
                var nb = notebooks[i];
                Console.WriteLine($"[{i + 1}/{notebooks.Count}] {Path.GetFileName(nb)}");
                var target = Path.Combine(outDir, Path.GetFileName(nb));
                var result = await NotebookRunner.RunAsync(nb, target, runProfile, Console.Out, pr.GetValue(echo), ct);
                if (result.Succeeded)
                    Console.WriteLine($"  ok in {result.Elapsed.TotalSeconds:F1}s -> {Path.GetRelativePath(Environment.CurrentDirectory, result.Output)}");
                else
                {
                    failures.Add(result);
                    Console.WriteLine($"  FAILED after {result.Elapsed.TotalSeconds:F1}s: {NotebookRunner.Describe(result)}");
                }
            }
            Console.WriteLine($"{notebooks.Count - failures.Count} of {notebooks.Count} notebook(s) ran in {total.Elapsed.TotalSeconds:F1}s" +
                              (failures.Count == 0 ? "." : $"; {failures.Count} failed:"));
            foreach (var f in failures) Console.WriteLine("  " + NotebookRunner.Describe(f).Replace("\n", "\n  "));
            return failures.Count == 0 ? 0 : 1;
        });
        return command;
    }

    static List<string> Resolve(string[] paths)
    {
        if (paths.Length == 0)
        {
            var root = Artifacts.RepositoryRoot() ?? Environment.CurrentDirectory;
            paths = new[] { Path.Combine(root, "notebooks") };
        }
        var list = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p)) list.AddRange(Directory.GetFiles(p, "*.ipynb").Order(StringComparer.Ordinal));
            else if (File.Exists(p)) list.Add(Path.GetFullPath(p));
            else throw new FileNotFoundException($"No notebook or folder at '{p}'.");
        }
        return list.Select(Path.GetFullPath).ToList();
    }
}
