using System.CommandLine;
using Workbench.Compute;
using Workbench.Kernel;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench kernel -f CONNECTION_FILE</c>: the Jupyter kernel (started by JupyterLab, Notebook, VS Code, nbclient);
/// <c>workbench kernel install [--user | --prefix DIR]</c> and <c>workbench kernel uninstall</c> manage its kernelspec.
/// </summary>
static class KernelCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("connection-file") { Description = "Jupyter connection file (Jupyter passes {connection_file}).", Arity = ArgumentArity.ZeroOrOne };
        var fileOption = new Option<string?>("--connection-file", "-f") { Description = "Jupyter connection file." };
        var profile = new Option<string?>("--profile") { Description = "quick or full (default: WORKBENCH_PROFILE, else quick)." };
        var verbose = new Option<bool>("--verbose") { Description = "Log every message on stderr." };
        var command = new Command("kernel", "Run the C# (Workbench) Jupyter kernel, or install/uninstall its kernelspec.");
        command.Arguments.Add(file);
        command.Options.Add(fileOption);
        command.Options.Add(profile);
        command.Options.Add(verbose);
        command.SetAction(pr =>
        {
            var path = pr.GetValue(fileOption) ?? pr.GetValue(file);
            if (path is null)
            {
                Console.Error.WriteLine("workbench kernel: give the connection file (workbench kernel -f FILE). Jupyter does this itself once " +
                                        "the kernelspec is installed: run 'workbench kernel install'.");
                return 2;
            }
            var log = KernelLog.Stderr(pr.GetValue(verbose));
            ConnectionInfo info;
            try
            {
                if (pr.GetValue(profile) is string p) Profile.Current = Profile.Parse(p);
                info = ConnectionInfo.Load(path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
            {
                log.Error(e.Message);
                return 2;
            }
            log.Info($"starting: profile {Profile.Current.ToString().ToLowerInvariant()}, .NET {Environment.Version}");
            var server = new KernelServer(info, NotebookEngine.CreateWarm, log);
            int code;
            try { code = server.Run(); }
            catch (NetMQ.NetMQException e)
            {
                log.Error($"cannot listen on the connection file's ports ({e.Message}); is another kernel using {path}?");
                code = 1;
            }
            server.Dispose();
            // A cell thread stuck in code that ignores interrupts must not keep the process alive after shutdown.
            Environment.Exit(code);
            return code;
        });

        command.Subcommands.Add(Install());
        command.Subcommands.Add(Uninstall());
        return command;
    }

    static (Option<bool> User, Option<string?> Prefix) Location(Command command)
    {
        var user = new Option<bool>("--user") { Description = "Per-user Jupyter data directory (the default)." };
        var prefix = new Option<string?>("--prefix") { Description = "Under PREFIX/share/jupyter/kernels (a virtualenv, a test directory)." };
        command.Options.Add(user);
        command.Options.Add(prefix);
        return (user, prefix);
    }

    static string KernelsDirectory(ParseResult pr, Option<bool> user, Option<string?> prefix) =>
        pr.GetValue(prefix) is string p ? Kernelspec.PrefixKernelsDirectory(p) : Kernelspec.UserKernelsDirectory();

    static Command Install()
    {
        var command = new Command("install", $"Install the '{Kernelspec.DisplayName}' kernelspec ({Kernelspec.Name}) so Jupyter and VS Code offer it.");
        var (user, prefix) = Location(command);
        var profile = new Option<string?>("--profile") { Description = "Fix the profile for this kernelspec (quick|full); default: WORKBENCH_PROFILE at start." };
        command.Options.Add(profile);
        command.SetAction(pr =>
        {
            if (pr.GetValue(user) && pr.GetValue(prefix) is not null) { Console.Error.WriteLine("Give either --user or --prefix DIR, not both."); return 2; }
            var p = pr.GetValue(profile);
            if (p is not null)
            {
                try { p = Profile.Parse(p).ToString().ToLowerInvariant(); }
                catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
            }
            var dir = Kernelspec.Install(KernelsDirectory(pr, user, prefix), Kernelspec.Launcher(), p);
            Console.WriteLine($"Installed kernelspec '{Kernelspec.Name}' ({Kernelspec.DisplayName}) in {dir}");
            Console.WriteLine($"  starts: {string.Join(' ', Kernelspec.Launcher())} kernel -f {{connection_file}}");
            return 0;
        });
        return command;
    }

    static Command Uninstall()
    {
        var command = new Command("uninstall", $"Remove the {Kernelspec.Name} kernelspec.");
        var (user, prefix) = Location(command);
        command.SetAction(pr =>
        {
            var kernels = KernelsDirectory(pr, user, prefix);
            if (Kernelspec.Uninstall(kernels)) { Console.WriteLine($"Removed {Path.Combine(kernels, Kernelspec.Name)}"); return 0; }
            Console.Error.WriteLine($"No {Kernelspec.Name} kernelspec in {kernels}.");
            return 1;
        });
        return command;
    }
}
