using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Workbench.Tests")]
