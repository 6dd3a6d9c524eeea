using Workbench.Cli.Commands;

// `workbench`: one program for every command of the workbench. Each command lives in Commands/<Name>Command.cs;
// Commands/CliBoundary.cs is the boundary that turns every error into one `error:` line and exit code 1.
return await CliBoundary.InvokeAsync(args);
