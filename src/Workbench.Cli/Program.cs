using System.CommandLine;
using Workbench.Cli.Commands;

// `workbench`: one program for every command of the workbench. Each command lives in Commands/<Name>Command.cs.
var root = new RootCommand("Workbench: explaining clusterings (NEON, ReLU, Grad-CeAM, NeurCAM, IDC) on TorchSharp.");
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
