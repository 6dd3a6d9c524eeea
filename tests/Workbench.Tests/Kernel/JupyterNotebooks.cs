using System.Text.RegularExpressions;

namespace Workbench.Tests.Kernel;

/// <summary>
/// The one place that says which notebooks run through Jupyter (nbconvert and the workbench kernel) in the tests: the
/// tour (<c>00-*</c>) and, for each paper, its first notebook — the lowest-numbered one of each paper's range
/// (<c>01–19</c> NEON, <c>2x</c> ReLU, <c>3x</c> Grad-CeAM, <c>4x</c> NeurCAM, <c>5x</c> IDC) that exists. The
/// across-methods notebooks (<c>60</c>+) belong to no paper and run only in <c>NotebookTests</c>. That proves the kernel on every paper's code within the CI budget; every notebook still runs once through the same
/// engine in <c>NotebookTests</c>.
/// </summary>
public static class JupyterNotebooks
{
    /// <summary>File names of the selected notebooks in <paramref name="folder"/>, in order.</summary>
    public static IReadOnlyList<string> Selected(string folder)
    {
        var numbered = Directory.GetFiles(folder, "*.ipynb").Select(Path.GetFileName)
            .Select(n => (Name: n!, Match: Regex.Match(n!, @"^(\d\d)-")))
            .Where(t => t.Match.Success)
            .Select(t => (t.Name, Number: int.Parse(t.Match.Groups[1].Value)))
            .OrderBy(t => t.Number).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        var tour = numbered.Where(t => t.Number == 0).Select(t => t.Name);
        var firstOfEachPaper = numbered.Where(t => t.Number > 0 && t.Number < 60).GroupBy(t => t.Number < 20 ? 0 : t.Number / 10).Select(g => g.First().Name); // 01–19 are all NEON
        return tour.Concat(firstOfEachPaper).ToList();
    }
}
