using System.CommandLine;

namespace Workbench.Cli.Commands;

/// <summary>
/// The command-line boundary: parses, runs the command, and turns every exception (bad input, I/O, libtorch) into one
/// <c>error: …</c> line on standard error and exit code 1. <c>--verbose</c> (anywhere on the line) adds the exception's
/// type and stack trace; for <c>workbench kernel</c> it keeps its own meaning (the kernel's log level).
/// </summary>
static class CliBoundary
{
    public static RootCommand Root()
    {
        var root = new RootCommand("Workbench: explaining clusterings (NEON, ReLU, Grad-CeAM, NeurCAM, IDC) on TorchSharp. " +
                                   "Errors are one line; --verbose adds the stack trace.");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out; error ??= Console.Error;
        bool kernel = args.FirstOrDefault(a => !a.StartsWith('-')) == "kernel";
        bool verbose = args.Contains("--verbose");
        if (verbose && !kernel) args = args.Where(a => a != "--verbose").ToArray();
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try { return await Root().Parse(args).InvokeAsync(config); }
        catch (Exception e)
        {
            var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
            error.WriteLine($"error: {OneLine(inner.Message)}");
            if (verbose) error.WriteLine(inner.ToString());
            return 1;
        }
    }

    public static int Invoke(string[] args, TextWriter? output = null, TextWriter? error = null)
        => InvokeAsync(args, output, error).GetAwaiter().GetResult();

    static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
