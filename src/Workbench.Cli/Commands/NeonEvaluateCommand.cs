using System.CommandLine;
using System.Globalization;
using TorchSharp;
using Workbench.Evaluation;
using Workbench.IO;
using Workbench.Neuralization;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench neon evaluate</c>: NEON §VII Algorithm 1 (feature flipping with KDE imputation, App. G) for NEON and the
/// baselines of Table I, written as AUC.csv (method, auc, stderr); <c>workbench neon kde-bandwidth</c>: σ of Eq. (42).
/// </summary>
static class NeonEvaluateCommand
{
    public static Command Evaluate()
    {
        var input = new Option<string>("--input") { Description = "Points (also the KDE's training set): CSV with a header row, one numeric column per feature.", Required = true };
        var centroids = new Option<string>("--centroids") { Description = "k-means centroids: CSV, one row per cluster (or give --support, --support-labels and --gamma for kernel k-means)." };
        var support = new Option<string>("--support") { Description = "Kernel k-means support vectors: CSV, same columns as the input." };
        var labels = new Option<string>("--support-labels") { Description = "CSV with one integer column 'cluster' (0-based), one row per support vector." };
        var gamma = new Option<double?>("--gamma") { Description = "γ of the kernel model's LME pools (Eq. 7), > 0." };
        var beta = new Option<string>("--beta") { Description = "NEON stiffness β: 'auto' = 1/mean f_c (Eq. 3), a number ≥ 0, or 'inf'.", DefaultValueFactory = _ => "auto" };
        var methods = new Option<string>("--methods") { Description = $"Comma-separated methods among {string.Join(",", RelevanceMethods.All)} (default: all; nca only for k-means)." };
        var repeats = new Option<int>("--repeats") { Description = "Independent repeats of the KDE draws (≥ 1).", DefaultValueFactory = _ => 10 };
        var seed = new Option<long>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output CSV with the columns method,auc,stderr.", Required = true };
        var command = new Command("evaluate", "Algorithm 1 of NEON §VII: feature-flipping AUC of NEON and the Table I baselines.");
        foreach (var o in new Option[] { input, centroids, support, labels, gamma, beta, methods, repeats, seed, output }) command.Options.Add(o);
        command.SetAction(pr => CliCsv.Guard(pr, stdout =>
        {
            var b = CliCsv.ParseBeta(pr.GetValue(beta)!);
            int r = pr.GetValue(repeats);
            if (r < 1) throw new CliCsv.InputException($"--repeats must be ≥ 1; got {r}.");
            var x = Csv.ReadNumeric(pr.GetValue(input)!);
            if (x.Rows < 2) throw new CliCsv.InputException($"{x.Path} has {x.Rows} row(s); the KDE of App. G needs at least 2 points.");
            string? cPath = pr.GetValue(centroids), sPath = pr.GetValue(support), lPath = pr.GetValue(labels);
            double? g = pr.GetValue(gamma);
            bool kernel = sPath is not null || lPath is not null || g is not null;
            if (kernel == (cPath is not null))
                throw new CliCsv.InputException("give either --centroids (k-means) or --support, --support-labels and --gamma (kernel k-means), not both or neither.");
            using var scope = NewDisposeScope();
            ExplainedModel model;
            if (!kernel)
            {
                var c = Csv.ReadNumeric(cPath!);
                CliCsv.SameColumns(x, c, "the centroids");
                if (c.Rows < 2) throw new CliCsv.InputException($"{c.Path} has {c.Rows} centroid; NEON needs K ≥ 2.");
                CliCsv.NoDuplicateRows(c, "centroid");
                model = ExplainedModel.From(new NeuralizedKMeans(CliCsv.ToTensor(c).to(CPU)));
            }
            else
            {
                if (sPath is null || lPath is null || g is null) throw new CliCsv.InputException("kernel k-means needs all of --support, --support-labels and --gamma.");
                if (!(g > 0) || double.IsInfinity(g.Value)) throw new CliCsv.InputException($"--gamma must be a positive number; got {g}.");
                model = ExplainedModel.From(NeonCommand.ReadKernelModel(x, sPath, lPath, g.Value).Net);
            }
            var names = pr.GetValue(methods)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names is not null && kernel && names.Contains("nca", StringComparer.OrdinalIgnoreCase))
                throw new CliCsv.InputException("nca is defined for k-means only; drop it from --methods for a kernel model.");
            var xt = CliCsv.ToTensor(x).to(CPU);
            double betaValue = b ?? model.HeuristicBeta(xt);
            var kde = new KdeImputer(xt, device: CPU);
            var scores = NeonEvaluation.Run(model, xt, RelevanceMethods.Create(model, kde, betaValue, names), kde, r, pr.GetValue(seed), device: CPU);
            var path = pr.GetValue(output)!;
            Csv.Write(path, new[] { "method", "auc", "stderr" }, scores.Select(s => (IReadOnlyList<object>)new object[] { s.Method, s.Auc, s.StdErr }));
            foreach (var s in scores) stdout.WriteLine($"{s.Method,-7} {s.Auc.ToString("F2", CultureInfo.InvariantCulture),7} ± {s.StdErr.ToString("F2", CultureInfo.InvariantCulture)}");
            stdout.WriteLine($"Algorithm 1: {x.Rows} points, d = {x.Columns.Length}, K = {model.K}, β = {betaValue:G6}, σ = {kde.Sigma:G6}, {r} repeats; wrote {path}.");
            return 0;
        }));
        return command;
    }

    public static Command KdeBandwidth()
    {
        var input = new Option<string>("--input") { Description = "Training points: CSV with a header row, one numeric column per feature.", Required = true };
        var command = new Command("kde-bandwidth", "σ of the leave-one-out KDE of NEON App. G (fixed point of Eq. 42); σ is on the last line.");
        command.Options.Add(input);
        command.SetAction(pr => CliCsv.Guard(pr, stdout =>
        {
            var x = Csv.ReadNumeric(pr.GetValue(input)!);
            if (x.Rows < 2) throw new CliCsv.InputException($"{x.Path} has {x.Rows} row(s); the leave-one-out bandwidth needs at least 2 points.");
            using var scope = NewDisposeScope();
            var (sigma, iters) = KdeImputer.Bandwidth(CliCsv.ToTensor(x), device: CPU);
            stdout.WriteLine($"KDE bandwidth (App. G Eq. 42): {x.Rows} points, d = {x.Columns.Length}, {iters} fixed-point iterations");
            stdout.WriteLine(sigma.ToString("R", CultureInfo.InvariantCulture));
            return 0;
        }));
        return command;
    }
}
