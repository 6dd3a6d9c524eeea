using Workbench.Cli.Commands;

namespace Workbench.Tests.Cli;

/// <summary>
/// Issue 8 item 3 at the command-line boundary: nothing non-finite is written, nothing the user owns is destroyed,
/// every error is one <c>error:</c> line with exit code 1 (the stack trace only with <c>--verbose</c>).
/// </summary>
public sealed class CliBoundaryTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("wb-cli-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }
    string P(string name) => Path.Combine(_dir, name);

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = CliBoundary.Invoke(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>One line starting with "error:", exit code 1.</summary>
    static string OneError((int Code, string Out, string Err) r)
    {
        Assert.True(r.Code == 1, $"exit {r.Code}: {r.Out}{r.Err}");
        var lines = Lines(r.Err);
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + r.Err);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    [Fact]
    public void NeonRefusesToWriteInfinityAndNamesTheFirstBadRow()
    {
        File.WriteAllText(P("X.csv"), "a,b\n1,2\n1e155,0\n3,4\n");
        File.WriteAllText(P("C.csv"), "a,b\n0,0\n5,5\n");
        var line = OneError(Run("neon", "kmeans", "--input", P("X.csv"), "--centroids", P("C.csv"), "--beta", "1", "--out", P("R.csv")));
        Assert.Contains("row 1: the squared distances", line);
        Assert.Contains("overflow", line);
        Assert.False(File.Exists(P("R.csv")));
        File.WriteAllText(P("U.csv"), "a,b\n0,0\n5,5\n");
        File.WriteAllText(P("L.csv"), "cluster\n0\n1\n");
        var kernel = OneError(Run("neon", "kernel", "--input", P("X.csv"), "--support", P("U.csv"), "--support-labels", P("L.csv"),
            "--gamma", "1", "--beta", "1", "--out", P("R.csv")));
        Assert.Contains("row 1: the squared distances", kernel);
        Assert.False(File.Exists(P("R.csv")));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));   // no temporary file left
    }

    [Fact]
    public void KMeansWithFewerDistinctPointsThanKIsAnError()
    {
        File.WriteAllText(P("X.csv"), "a,b\n1,1\n1,1\n2,2\n2,2\n1,1\n");
        var line = OneError(Run("kmeans", "--input", P("X.csv"), "--k", "3", "--out-centroids", P("C.csv")));
        Assert.Contains("only 2 distinct", line);
        Assert.False(File.Exists(P("C.csv")));
    }

    [Fact]
    public void HugeValuesAndFolderOutputsAreOneLineWithoutAStackTrace()
    {
        File.WriteAllText(P("X.csv"), "a,b\n1e160,1\n-1e160,2\n3,1e160\n");
        var r = Run("kmeans", "--input", P("X.csv"), "--k", "2", "--out-centroids", P("C.csv"));
        Assert.Contains("row 0: its squared norm overflows", OneError(r));
        Assert.DoesNotContain("   at ", r.Err);
        var verbose = Run("kmeans", "--input", P("X.csv"), "--k", "2", "--out-centroids", P("C.csv"), "--verbose");
        Assert.Equal(1, verbose.Code);
        Assert.StartsWith("error: ", verbose.Err);
        Assert.Contains("   at ", verbose.Err);                             // --verbose adds the stack trace

        File.WriteAllText(P("Y.csv"), "a,b\n0,0\n1,1\n5,5\n");
        Directory.CreateDirectory(P("folder"));
        Assert.Contains("is a folder", OneError(Run("kmeans", "--input", P("Y.csv"), "--k", "2", "--out-centroids", P("folder"))));
    }

    [Fact]
    public void AnOutputOnAnInputOrOnAnotherOutputIsRefusedBeforeWriting()
    {
        const string x = "a,b\n0,0\n1,1\n5,5\n6,6\n";
        File.WriteAllText(P("X.csv"), x);
        Assert.Contains("also the input", OneError(Run("kmeans", "--input", P("X.csv"), "--k", "2", "--out-centroids", P("X.csv"))));
        Assert.Equal(x, File.ReadAllText(P("X.csv")));
        File.WriteAllText(P("C.csv"), "keep\n");
        Assert.Contains("same file", OneError(Run("kmeans", "--input", P("X.csv"), "--k", "2", "--out-centroids", P("C.csv"), "--out-labels", P("C.csv"))));
        Assert.Contains("does not exist", OneError(Run("kmeans", "--input", P("X.csv"), "--k", "2", "--out-centroids", P("C.csv"), "--out-labels", P("no/L.csv"))));
        Assert.Equal("keep\n", File.ReadAllText(P("C.csv")));             // a failing --out-labels leaves the centroids file alone
        File.WriteAllText(P("K.csv"), "a,b\n0,0\n5,5\n");
        Assert.Contains("also the input", OneError(Run("neon", "kmeans", "--input", P("X.csv"), "--centroids", P("K.csv"), "--out", P("K.csv"))));
        Assert.Equal("a,b\n0,0\n5,5\n", File.ReadAllText(P("K.csv")));
        var ok = Run("kmeans", "--input", P("X.csv"), "--k", "2", "--out-centroids", P("C.csv"), "--out-labels", P("L.csv"));
        Assert.True(ok.Code == 0, ok.Err);
        Assert.StartsWith("a,b", File.ReadAllText(P("C.csv")));
    }

    [Fact]
    public void ReservedColumnNamesAreRefused()
    {
        File.WriteAllText(P("X.csv"), "index,f\n0,0\n1,1\n5,5\n");
        File.WriteAllText(P("C.csv"), "index,f\n0,0\n5,5\n");
        var line = OneError(Run("neon", "kmeans", "--input", P("X.csv"), "--centroids", P("C.csv"), "--out", P("R.csv")));
        Assert.Contains("'index', 'f'", line);
        Assert.Contains("rename", line);
        Assert.False(File.Exists(P("R.csv")));
    }

    [Fact]
    public void AHugeLabelIsOutOfRange()
    {
        File.WriteAllText(P("X.csv"), "a,b\n0,0\n5,5\n");
        File.WriteAllText(P("U.csv"), "a,b\n0,0\n5,5\n");
        File.WriteAllText(P("L.csv"), "cluster\n0\n9223372036854775807\n");
        var line = OneError(Run("neon", "kernel", "--input", P("X.csv"), "--support", P("U.csv"), "--support-labels", P("L.csv"), "--gamma", "1", "--out", P("R.csv")));
        Assert.Contains("9223372036854775807 is out of range", line);
        File.WriteAllText(P("U3.csv"), "a,b\n0,0\n5,5\n9,9\n");
        File.WriteAllText(P("L3.csv"), "cluster\n0\n0\n2\n");
        Assert.Contains("cluster 1 has no support vector", OneError(Run("neon", "kernel", "--input", P("X.csv"), "--support", P("U3.csv"),
            "--support-labels", P("L3.csv"), "--gamma", "1", "--out", P("R.csv"))));
    }
}
