namespace Workbench.Jobs;

/// <summary>A job's input is unusable (what was wrong and how to fix it); the command line prints it as one <c>error:</c> line.</summary>
public sealed class InputException(string message) : Exception(message);
