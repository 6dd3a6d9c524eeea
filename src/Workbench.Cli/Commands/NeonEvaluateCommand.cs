using System.CommandLine;
using Workbench.Evaluation;
using Workbench.Jobs;

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
        var methods = new Option<string>("--methods") { Description = $"Comma-separated methods among {string.Join(",", RelevanceMethods.All)} (default: all; nca only for k-means; pda0 and pdacs score the decision function g_c), or {string.Join(",", RelevanceMethods.Extra)} (PDA on f_c)." };
        var repeats = new Option<int>("--repeats") { Description = "Independent repeats of the KDE draws (≥ 1).", DefaultValueFactory = _ => 10 };
        var seed = new Option<long>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output CSV with the columns method,auc,stderr.", Required = true };
        var command = new Command("evaluate", "Algorithm 1 of NEON §VII: feature-flipping AUC of NEON and the Table I baselines.");
        foreach (var o in new Option[] { input, centroids, support, labels, gamma, beta, methods, repeats, seed, output }) command.Options.Add(o);
        command.SetAction(pr =>
        {
            var names = pr.GetValue(methods)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var line in NeonEvaluationJob.Evaluate(pr.GetValue(input)!, pr.GetValue(centroids), pr.GetValue(support), pr.GetValue(labels),
                         pr.GetValue(gamma), NeonJob.ParseBeta(pr.GetValue(beta)!), names, pr.GetValue(repeats), pr.GetValue(seed), pr.GetValue(output)!))
                pr.InvocationConfiguration.Output.WriteLine(line);
            return 0;
        });
        return command;
    }

    public static Command KdeBandwidth()
    {
        var input = new Option<string>("--input") { Description = "Training points: CSV with a header row, one numeric column per feature.", Required = true };
        var command = new Command("kde-bandwidth", "σ of the leave-one-out KDE of NEON App. G (fixed point of Eq. 42); σ is on the last line.");
        command.Options.Add(input);
        command.SetAction(pr =>
        {
            foreach (var line in NeonEvaluationJob.KdeBandwidth(pr.GetValue(input)!)) pr.InvocationConfiguration.Output.WriteLine(line);
            return 0;
        });
        return command;
    }
}
