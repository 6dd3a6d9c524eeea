using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench neon kmeans|kernel</c>: NEON relevance of every input feature for each point's cluster assignment,
/// computed in float64, written as R.csv (index, cluster, f, one column per feature); see <see cref="NeonJob"/>.
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
        neon.Subcommands.Add(NeonTextCommand.Create());
        return neon;
    }

    static Option<string> Beta() => new("--beta")
    {
        Description = "Min-take-most stiffness β of Eq. (2): 'auto' = 1/mean f_c over the rows of the input (Eq. 3), a number ≥ 0, or 'inf'.",
        DefaultValueFactory = _ => "auto",
    };

    const string OutDescription = "Output CSV: index, cluster, f, then one relevance column per feature (input columns may not be named index, cluster or f).";

    static Command KMeans()
    {
        var input = new Option<string>("--input") { Description = "Points to explain: CSV with a header row, one numeric column per feature.", Required = true };
        var centroids = new Option<string>("--centroids") { Description = "Centroids: CSV, one row per cluster, same columns as the input.", Required = true };
        var beta = Beta();
        var output = new Option<string>("--out") { Description = OutDescription, Required = true };
        var command = new Command("kmeans", "NEON for k-means (Prop. 1, Eqs. 2–4).");
        foreach (var o in new Option[] { input, centroids, beta, output }) command.Options.Add(o);
        command.SetAction(pr =>
        {
            var b = NeonJob.ParseBeta(pr.GetValue(beta)!);
            pr.InvocationConfiguration.Output.WriteLine(NeonJob.KMeans(pr.GetValue(input)!, pr.GetValue(centroids)!, b, pr.GetValue(output)!));
            return 0;
        });
        return command;
    }

    static Command Kernel()
    {
        var input = new Option<string>("--input") { Description = "Points to explain: CSV with a header row, one numeric column per feature.", Required = true };
        var support = new Option<string>("--support") { Description = "Support vectors: CSV, same columns as the input.", Required = true };
        var labels = new Option<string>("--support-labels") { Description = "CSV with one integer column 'cluster' (0-based), one row per support vector.", Required = true };
        var gamma = new Option<double>("--gamma") { Description = "γ of both LME pools (Eq. 7), > 0.", Required = true };
        var beta = Beta();
        var output = new Option<string>("--out") { Description = OutDescription, Required = true };
        var command = new Command("kernel", "NEON for kernel k-means (Prop. 5: LME pools of Eq. 7; Eq. 2, footnote 1, Eq. 10, Eq. 4).");
        foreach (var o in new Option[] { input, support, labels, gamma, beta, output }) command.Options.Add(o);
        command.SetAction(pr =>
        {
            var b = NeonJob.ParseBeta(pr.GetValue(beta)!);
            pr.InvocationConfiguration.Output.WriteLine(NeonJob.Kernel(pr.GetValue(input)!, pr.GetValue(support)!, pr.GetValue(labels)!,
                pr.GetValue(gamma), b, pr.GetValue(output)!));
            return 0;
        });
        return command;
    }

}
