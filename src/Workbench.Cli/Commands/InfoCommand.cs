using System.CommandLine;
using Workbench.Compute;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench info</c>: versions, device, threads.</summary>
static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print versions, the compute device and thread count.");
        command.SetAction(_ =>
        {
            Console.WriteLine($".NET {Environment.Version}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}");
            Console.WriteLine(Devices.Describe());
            return 0;
        });
        return command;
    }
}
