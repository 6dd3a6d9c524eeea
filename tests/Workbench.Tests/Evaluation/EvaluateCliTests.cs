using System.CommandLine;
using System.Globalization;
using TorchSharp;
using Workbench.Cli.Commands;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Evaluation;
using Workbench.IO;
using Workbench.Neuralization;
using Xunit;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

/// <summary><c>workbench neon evaluate</c> and <c>workbench neon kde-bandwidth</c>, in-process on temporary CSVs, against the library.</summary>
public sealed class EvaluateCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("neon-eval-cli-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }
    string P(string name) => Path.Combine(_dir, name);

    (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand();
        foreach (var c in CommandCatalog.All()) root.Subcommands.Add(c);
        var o = new StringWriter(); var e = new StringWriter();
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = o, Error = e });
        return (code, o.ToString(), e.ToString());
    }

    void Write(string name, Tensor x, string[]? header = null)
    {
        int d = (int)x.shape[1];
        var a = x.cpu().to_type(float64).data<double>().ToArray();
        Csv.Write(P(name), header ?? Enumerable.Range(0, d).Select(i => $"f{i}").ToArray(), Enumerable.Range(0, (int)x.shape[0]).Select(r =>
            (IReadOnlyList<object>)Enumerable.Range(0, d).Select(c => (object)a[r * d + c]).ToList()));
    }

    static Tensor Data() => randn(new long[] { 60, 4 }, dtype: float64, generator: Seeds.Generator(3)) * 2;

    [Fact]
    public void KMeansEvaluationMatchesTheLibrary()
    {
        var x = Data();
        var mu = new KMeans(3, nInit: 2, seed: 1).Fit(x).Centroids;
        Write("X.csv", x); Write("C.csv", mu);
        var r = Run("neon", "evaluate", "--input", P("X.csv"), "--centroids", P("C.csv"), "--repeats", "2", "--seed", "5", "--out", P("AUC.csv"));
        Assert.True(r.Code == 0, r.Err);
        var lines = File.ReadAllLines(P("AUC.csv"));
        Assert.Equal("method,auc,stderr", lines[0]);
        Assert.Equal(RelevanceMethods.All, lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
        var model = ExplainedModel.From(new NeuralizedKMeans(mu));
        var kde = new KdeImputer(x);
        var lib = NeonEvaluation.Run(model, x, RelevanceMethods.Create(model, kde, model.HeuristicBeta(x)), kde, 2, 5);
        foreach (var (line, s) in lines.Skip(1).Zip(lib))
        {
            var parts = line.Split(',');
            Assert.Equal(s.Auc, double.Parse(parts[1], CultureInfo.InvariantCulture), 9);
            Assert.Equal(s.StdErr, double.Parse(parts[2], CultureInfo.InvariantCulture), 9);
        }
    }

    [Fact]
    public void KernelEvaluationSkipsNcaAndRejectsIt()
    {
        var x = Data();
        var kk = new KernelKMeans(3, supportPerCluster: 3, maxIter: 5, nInit: 1, seed: 1).Fit(x);
        Write("X.csv", x); Write("U.csv", kk.Support);
        Csv.Write(P("L.csv"), new[] { "cluster" }, kk.SupportLabels.data<long>().ToArray().Select(l => (IReadOnlyList<object>)new object[] { l }));
        string g = kk.Gamma.ToString("R", CultureInfo.InvariantCulture);
        var r = Run("neon", "evaluate", "--input", P("X.csv"), "--support", P("U.csv"), "--support-labels", P("L.csv"), "--gamma", g,
            "--methods", "neon,random", "--repeats", "1", "--out", P("AUC.csv"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(new[] { "neon", "random" }, File.ReadAllLines(P("AUC.csv")).Skip(1).Select(l => l.Split(',')[0]).ToArray());
        var bad = Run("neon", "evaluate", "--input", P("X.csv"), "--support", P("U.csv"), "--support-labels", P("L.csv"), "--gamma", g,
            "--methods", "nca", "--out", P("AUC2.csv"));
        Assert.Equal(1, bad.Code);
        Assert.Contains("k-means only", bad.Err);
    }

    [Fact]
    public void BadArgumentsGiveClearErrors()
    {
        Write("X.csv", Data()); Write("C.csv", Data().narrow(0, 0, 3));
        var both = Run("neon", "evaluate", "--input", P("X.csv"), "--centroids", P("C.csv"), "--gamma", "1", "--out", P("A.csv"));
        Assert.Equal(1, both.Code); Assert.Contains("either --centroids", both.Err);
        var reps = Run("neon", "evaluate", "--input", P("X.csv"), "--centroids", P("C.csv"), "--repeats", "0", "--out", P("A.csv"));
        Assert.Equal(1, reps.Code); Assert.Contains("--repeats", reps.Err);
        var unknown = Run("neon", "evaluate", "--input", P("X.csv"), "--centroids", P("C.csv"), "--methods", "shap", "--out", P("A.csv"));
        Assert.Equal(1, unknown.Code); Assert.Contains("unknown method", unknown.Err);
    }

    [Fact]
    public void KdeBandwidthPrintsSigmaOnTheLastLine()
    {
        var x = Data();
        Write("X.csv", x);
        var r = Run("neon", "kde-bandwidth", "--input", P("X.csv"));
        Assert.True(r.Code == 0, r.Err);
        var last = r.Out.TrimEnd().Split('\n')[^1].Trim();
        Assert.Equal(KdeImputer.Bandwidth(x).Sigma, double.Parse(last, CultureInfo.InvariantCulture));
    }
}
