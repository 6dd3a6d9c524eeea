using System.CommandLine;

namespace Workbench.Cli.Commands;

/// <summary>Every top-level command; add one line per new command file.</summary>
static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return RunCommand.Create();
        yield return KernelCommand.Create();
        yield return DatasetsCommand.Create();
        yield return KMeansCommand.Create();
        yield return NeonCommand.Create();
        yield return ExplainCommand.Create();
        yield return BenchCommand.Create();
    }
}
