using System.CommandLine;
using TorchSharp;
using Workbench.IO;
using Workbench.Neuralization;
using Workbench.Propagation;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench neon kmeans|kernel</c>: NEON relevance of every input feature for each point's cluster assignment,
/// computed in float64, written as R.csv (index, cluster, f, one column per feature).
/// </summary>
static class NeonCommand
{
    public static Command Create()
    {
        var neon = new Command("neon", "Explain cluster assignments with NEON (neuralization-propagation).");
        neon.Subcommands.Add(KMeans());
        neon.Subcommands.Add(Kernel());
        neon.Subcommands.Add(NeonEvaluateCommand.Evaluate());
        neon.Subcommands.Add(NeonEvaluateCommand.KdeBandwidth());
        return neon;
    }

    static Option<string> Beta() => new("--beta")
    {
        Description = "Min-take-most stiffness β of Eq. (2): 'auto' = 1/mean f_c over the rows of the input (Eq. 3), a number ≥ 0, or 'inf'.",
        DefaultValueFactory = _ => "auto",
    };

    static Command KMeans()
    {
        var input = new Option<string>("--input") { Description = "Points to explain: CSV with a header row, one numeric column per feature.", Required = true };
        var centroids = new Option<string>("--centroids") { Description = "Centroids: CSV, one row per cluster, same columns as the input.", Required = true };
        var beta = Beta();
        var output = new Option<string>("--out") { Description = "Output CSV: index, cluster, f, then one relevance column per feature.", Required = true };
        var command = new Command("kmeans", "NEON for k-means (Prop. 1, Eqs. 2–4).");
        foreach (var o in new Option[] { input, centroids, beta, output }) command.Options.Add(o);
        command.SetAction(pr => CliCsv.Guard(pr, stdout =>
        {
            var b = CliCsv.ParseBeta(pr.GetValue(beta)!);
            var x = Csv.ReadNumeric(pr.GetValue(input)!);
            var c = Csv.ReadNumeric(pr.GetValue(centroids)!);
            CliCsv.SameColumns(x, c, "the centroids");
            if (c.Rows < 2) throw new CliCsv.InputException($"{c.Path} has {c.Rows} centroid (row 0); NEON explains a cluster against its competitors and needs K ≥ 2.");
            CliCsv.NoDuplicateRows(c, "centroid");
            using var scope = NewDisposeScope();
            var net = new NeuralizedKMeans(CliCsv.ToTensor(c).to(CPU));
            double betaValue = ExplainAndWrite(net, x, b, pr.GetValue(output)!);
            stdout.WriteLine($"NEON k-means: {x.Rows} points, K = {c.Rows}, β = {betaValue:G6}{(b is null ? " (Eq. 3)" : "")}; wrote {pr.GetValue(output)}.");
            return 0;
        }));
        return command;
    }

    static Command Kernel()
    {
        var input = new Option<string>("--input") { Description = "Points to explain: CSV with a header row, one numeric column per feature.", Required = true };
        var support = new Option<string>("--support") { Description = "Support vectors: CSV, same columns as the input.", Required = true };
        var labels = new Option<string>("--support-labels") { Description = "CSV with one integer column 'cluster' (0-based), one row per support vector.", Required = true };
        var gamma = new Option<double>("--gamma") { Description = "γ of both LME pools (Eq. 7), > 0.", Required = true };
        var beta = Beta();
        var output = new Option<string>("--out") { Description = "Output CSV: index, cluster, f, then one relevance column per feature.", Required = true };
        var command = new Command("kernel", "NEON for kernel k-means (Prop. 5: LME pools of Eq. 7; Eq. 2, footnote 1, Eq. 10, Eq. 4).");
        foreach (var o in new Option[] { input, support, labels, gamma, beta, output }) command.Options.Add(o);
        command.SetAction(pr => CliCsv.Guard(pr, stdout =>
        {
            var b = CliCsv.ParseBeta(pr.GetValue(beta)!);
            double g = pr.GetValue(gamma);
            if (!(g > 0) || double.IsInfinity(g)) throw new CliCsv.InputException($"--gamma must be a positive number; got {g}.");
            var x = Csv.ReadNumeric(pr.GetValue(input)!);
            using var scope = NewDisposeScope();
            var (net, u, k) = ReadKernelModel(x, pr.GetValue(support)!, pr.GetValue(labels)!, g);
            double betaValue = ExplainAndWrite(net, x, b, pr.GetValue(output)!);
            stdout.WriteLine($"NEON kernel k-means: {x.Rows} points, K = {k}, {u.Rows} support vectors, γ = {g:G6}, β = {betaValue:G6}{(b is null ? " (Eq. 3)" : "")}; wrote {pr.GetValue(output)}.");
            return 0;
        }));
        return command;
    }

    /// <summary>Reads support vectors and their labels for points <paramref name="x"/> and builds the neuralized kernel k-means (with the CSV checks).</summary>
    internal static (NeuralizedKernelKMeans Net, CsvTable Support, long K) ReadKernelModel(CsvTable x, string supportPath, string lPath, double g)
    {
        var u = Csv.ReadNumeric(supportPath);
        CliCsv.SameColumns(x, u, "the support vectors");
        var l = Csv.ReadIntegerColumn(lPath, "cluster");
        if (l.Length != u.Rows)
            throw new CliCsv.InputException($"{lPath} has {l.Length} rows but {u.Path} has {u.Rows} support vectors; give one label per support vector.");
        for (int r = 0; r < l.Length; r++)
            if (l[r] < 0) throw new CliCsv.InputException($"{lPath}: row {r}, column 'cluster': {l[r]} is negative; clusters are numbered from 0.");
        long k = l.Max() + 1;
        if (k < 2) throw new CliCsv.InputException($"{lPath}: every support vector is in cluster 0; NEON needs K ≥ 2 clusters.");
        for (long c = 0; c < k; c++)
            if (!l.Contains(c)) throw new CliCsv.InputException($"{lPath}: cluster {c} has no support vector (labels run 0…{k - 1}); every cluster needs at least one.");
        CliCsv.NoDuplicateRows(u, "support vector");
        return (new NeuralizedKernelKMeans(CliCsv.ToTensor(u).to(CPU), tensor(l), g), u, k);
    }

    /// <summary>Explains every row of <paramref name="x"/> with β given, or from Eq. (3) when null, writes the relevance CSV and returns β.</summary>
    static double ExplainAndWrite(INeuralizedClustering net, CsvTable x, double? beta, string path)
    {
        var xt = CliCsv.ToTensor(x);
        double betaValue = beta ?? Stiffness.Heuristic(net.F(xt));
        using var e = net.Explain(xt, betaValue);
        CliCsv.WriteRelevance(path, x.Columns, e.Clusters, e.F, e.Relevance);
        return betaValue;
    }
}
