using System.CommandLine;
using System.Globalization;
using TorchSharp;
using Workbench.Cli.Commands;
using Workbench.Datasets.Formats;
using Workbench.Neuralization;
using Workbench.Propagation;
using static TorchSharp.torch;
using Workbench.Tests.Fixtures;

namespace Workbench.Tests.Cli;

/// <summary>The <c>workbench kmeans</c> and <c>workbench neon</c> commands, run in-process on temporary CSVs.</summary>
public sealed class NeonCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("neon-cli-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }

    string P(string name) => Path.Combine(_dir, name);

    (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = CliBoundary.Invoke(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    void WriteX(string name, Tensor x, string[]? names = null)
    {
        int d = (int)x.shape[1];
        names ??= Enumerable.Range(0, d).Select(i => $"f{i}").ToArray();
        var a = x.data<double>().ToArray();
        CsvWriter.Write(P(name), names, Enumerable.Range(0, (int)x.shape[0]).Select(r =>
            (IReadOnlyList<object>)Enumerable.Range(0, d).Select(c => (object)a[r * d + c]).ToList()));
    }

    [Fact]
    public void KMeansThenNeonKMeansReproducesTheLibrary()
    {
        var (x, _, _) = NeonTestData.Blobs(31, 20, 4, 3);
        WriteX("X.csv", x, new[] { "alpha", "beta", "gamma", "delta" });
        var r1 = Run("kmeans", "--input", P("X.csv"), "--k", "3", "--seed", "2", "--n-init", "3", "--out-centroids", P("C.csv"), "--out-labels", P("L.csv"));
        Assert.True(r1.Code == 0, r1.Err);
        var c = CsvReader.ReadNumeric(P("C.csv"));
        Assert.Equal(new[] { "alpha", "beta", "gamma", "delta" }, c.Columns);
        Assert.Equal(3, c.Rows);
        var labels = CsvReader.ReadIntegerColumn(P("L.csv"), "cluster");
        Assert.Equal(60, labels.Length);

        var r2 = Run("neon", "kmeans", "--input", P("X.csv"), "--centroids", P("C.csv"), "--out", P("R.csv"));
        Assert.True(r2.Code == 0, r2.Err);
        var header = File.ReadLines(P("R.csv")).First();
        Assert.Equal("index,cluster,f,alpha,beta,gamma,delta", header);
        var r = CsvReader.ReadNumeric(P("R.csv"));
        var net = new NeuralizedKMeans(tensor(c.Values));
        double beta = Stiffness.Heuristic(net.F(x));                     // --beta auto is Eq. (3)
        using var e = net.Explain(x, beta);
        var rel = e.Relevance.data<double>().ToArray(); var f = e.F.data<double>().ToArray();
        var cl = e.Clusters.data<long>().ToArray();
        for (int n = 0; n < 60; n++)
        {
            Assert.Equal(n, r.Values[n, 0]);
            Assert.Equal(cl[n], (long)r.Values[n, 1]);
            Assert.Equal(labels[n], (long)r.Values[n, 1]);               // same assignment as k-means
            Assert.Equal(f[n], r.Values[n, 2]);                           // round-trip exact
            double sum = 0;
            for (int i = 0; i < 4; i++) { Assert.Equal(rel[n * 4 + i], r.Values[n, 3 + i]); sum += r.Values[n, 3 + i]; }
            Assert.True(Math.Abs(sum - r.Values[n, 2]) < 1e-9);            // conservation in the file
        }
    }

    [Fact]
    public void NeonKernelMatchesTheLibraryWithExplicitBeta()
    {
        var (x, _, _) = NeonTestData.Blobs(32, 10, 3, 3);
        var g = Compute.Seeds.Generator(5);
        var u = x.index_select(0, tensor(new long[] { 0, 1, 10, 11, 12, 20 })) + 0.1 * randn(new long[] { 6, 3 }, dtype: float64, generator: g);
        WriteX("X.csv", x); WriteX("U.csv", u);
        File.WriteAllText(P("L.csv"), "cluster\n0\n0\n1\n1\n1\n2\n");
        var res = Run("neon", "kernel", "--input", P("X.csv"), "--support", P("U.csv"), "--support-labels", P("L.csv"), "--gamma", "0.3", "--beta", "0.5", "--out", P("R.csv"));
        Assert.True(res.Code == 0, res.Err);
        var r = CsvReader.ReadNumeric(P("R.csv"));
        using var e = new NeuralizedKernelKMeans(u, tensor(new long[] { 0, 0, 1, 1, 1, 2 }), 0.3).Explain(x, 0.5);
        var rel = e.Relevance.data<double>().ToArray();
        for (int n = 0; n < 30; n++)
        {
            Assert.Equal(e.Clusters[n].item<long>(), (long)r.Values[n, 1]);
            Assert.Equal(e.F[n].item<double>(), r.Values[n, 2]);
            for (int i = 0; i < 3; i++) Assert.Equal(rel[n * 3 + i], r.Values[n, 3 + i]);
        }
    }

    [Fact]
    public void BadInputsAreNamedByRowAndColumn()
    {
        File.WriteAllText(P("X.csv"), "a,b\n1,2\n3,4\n5,6\n");
        File.WriteAllText(P("Xbad.csv"), "a,b\n1,2\n3,oops\n");
        File.WriteAllText(P("Xnan.csv"), "a,b\n1,2\n3,4\nNaN,1\n");
        File.WriteAllText(P("Xinf.csv"), "a,b\n1,Infinity\n");
        File.WriteAllText(P("Xshort.csv"), "a,b\n1,2\n3\n");
        File.WriteAllText(P("C3.csv"), "a,b,c\n0,0,0\n1,1,1\n");
        File.WriteAllText(P("Cswap.csv"), "b,a\n0,0\n1,1\n");
        File.WriteAllText(P("C1.csv"), "a,b\n0,0\n");
        File.WriteAllText(P("Cdup.csv"), "a,b\n0,0\n1,1\n0,0\n");
        File.WriteAllText(P("C.csv"), "a,b\n0,0\n1,1\n");
        File.WriteAllText(P("Lgap.csv"), "cluster\n0\n2\n");
        File.WriteAllText(P("Lone.csv"), "cluster\n0\n0\n");
        File.WriteAllText(P("Lneg.csv"), "cluster\n0\n-1\n");
        File.WriteAllText(P("Lfrac.csv"), "cluster\n0\n1.5\n");
        File.WriteAllText(P("Lname.csv"), "label\n0\n1\n");

        string Neon(string x, string c) { var r = Run("neon", "kmeans", "--input", P(x), "--centroids", P(c), "--out", P("R.csv")); Assert.Equal(1, r.Code); return r.Err; }
        string Kern(string l) { var r = Run("neon", "kernel", "--input", P("X.csv"), "--support", P("C.csv"), "--support-labels", P(l), "--gamma", "1", "--out", P("R.csv")); Assert.Equal(1, r.Code); return r.Err; }

        Assert.Contains("row 1 (line 3), column 'b': 'oops' is not a number", Neon("Xbad.csv", "C.csv"));
        Assert.Contains("row 2 (line 4), column 'a'", Neon("Xnan.csv", "C.csv"));
        Assert.Contains("not a finite number", Neon("Xnan.csv", "C.csv"));
        Assert.Contains("row 0 (line 2), column 'b'", Neon("Xinf.csv", "C.csv"));
        Assert.Contains("row 1 (line 3) has 1 fields but the header has 2", Neon("Xshort.csv", "C.csv"));
        Assert.Contains("Not in", Neon("X.csv", "C3.csv"));
        Assert.Contains("'c'", Neon("X.csv", "C3.csv"));
        Assert.Contains("column 0 is 'b'", Neon("X.csv", "Cswap.csv"));
        Assert.Contains("needs K ≥ 2", Neon("X.csv", "C1.csv"));
        Assert.Contains("rows 0 and 2 are the same centroid", Neon("X.csv", "Cdup.csv"));
        Assert.Contains("2 is out of range", Kern("Lgap.csv"));   // 2 support vectors: clusters 0…1 at most
        Assert.Contains("needs K ≥ 2", Kern("Lone.csv"));
        Assert.Contains("row 1, column 'cluster': -1 is negative", Kern("Lneg.csv"));
        Assert.Contains("row 1 (line 3), column 'cluster': '1.5' is not an integer", Kern("Lfrac.csv"));
        Assert.Contains("no column named 'cluster'", Kern("Lname.csv"));

        var k1 = Run("kmeans", "--input", P("X.csv"), "--k", "1", "--out-centroids", P("o.csv"));
        Assert.Equal(1, k1.Code); Assert.Contains("--k must be at least 2", k1.Err);
        var k9 = Run("kmeans", "--input", P("X.csv"), "--k", "9", "--out-centroids", P("o.csv"));
        Assert.Equal(1, k9.Code); Assert.Contains("3 rows but --k is 9", k9.Err);
        var b = Run("neon", "kmeans", "--input", P("X.csv"), "--centroids", P("C.csv"), "--beta", "-2", "--out", P("R.csv"));
        Assert.Equal(1, b.Code); Assert.Contains("--beta must be", b.Err);
        var missing = Run("neon", "kmeans", "--input", P("nope.csv"), "--centroids", P("C.csv"), "--out", P("R.csv"));
        Assert.Equal(1, missing.Code); Assert.Contains("file not found", missing.Err);
    }
}
