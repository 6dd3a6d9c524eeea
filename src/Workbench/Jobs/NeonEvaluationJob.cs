using System.Globalization;
using Workbench.Datasets.Formats;
using Workbench.Evaluation;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// <c>workbench neon evaluate</c> and <c>neon kde-bandwidth</c> as library calls: NEON §VII Algorithm 1 (feature flipping
/// with the KDE imputation of App. G) for NEON and the Table I baselines, written as AUC.csv (method, auc, stderr); and σ
/// of Eq. (42).
/// </summary>
public static class NeonEvaluationJob
{
    /// <summary>
    /// Scores the relevance <paramref name="methods"/> (null: all) on the k-means model in <paramref name="centroids"/> or
    /// the kernel model (<paramref name="support"/>, <paramref name="supportLabels"/>, <paramref name="gamma"/>), over
    /// <paramref name="repeats"/> repeats of the KDE draws. Returns the lines to print.
    /// </summary>
    public static IReadOnlyList<string> Evaluate(string input, string? centroids, string? support, string? supportLabels, double? gamma,
        double? beta, IReadOnlyList<string>? methods, int repeats, long seed, string output)
    {
        if (repeats < 1) throw new InputException($"--repeats must be ≥ 1; got {repeats}.");
        bool kernel = support is not null || supportLabels is not null || gamma is not null;
        if (kernel == (centroids is not null))
            throw new InputException("give either --centroids (k-means) or --support, --support-labels and --gamma (kernel k-means), not both or neither.");
        if (kernel && (support is null || supportLabels is null || gamma is null))
            throw new InputException("kernel k-means needs all of --support, --support-labels and --gamma.");
        if (methods is not null && kernel && methods.Contains("nca", StringComparer.OrdinalIgnoreCase))
            throw new InputException("nca is defined for k-means only; drop it from --methods for a kernel model.");
        var inputs = new List<(string, string)> { (input, "--input") };
        if (centroids is not null) inputs.Add((centroids, "--centroids"));
        if (support is not null) inputs.Add((support, "--support"));
        if (supportLabels is not null) inputs.Add((supportLabels, "--support-labels"));
        using var outputs = new OutputFiles(inputs);
        outputs.Add(output, "--out");
        var x = CsvReader.ReadNumeric(input);
        if (x.Rows < 2) throw new InputException($"{x.Path} has {x.Rows} row(s); the KDE of App. G needs at least 2 points.");
        using var scope = NewDisposeScope();
        var model = kernel
            ? ExplainedModel.From(NeonJob.ReadKernelModel(x, support!, supportLabels!, gamma!.Value).Net)
            : ExplainedModel.From(NeonJob.ReadKMeansModel(x, centroids!));
        var xt = tensor(x.Values, dtype: ScalarType.Float64);
        double betaValue = beta ?? model.HeuristicBeta(xt);
        var kde = new KdeImputer(xt, device: CPU);
        var scores = NeonEvaluation.Run(model, xt, RelevanceMethods.Create(model, kde, betaValue, methods?.ToArray()), kde, repeats, seed, device: CPU);
        outputs.Write(output, new[] { "method", "auc", "stderr" }, scores.Select(s => (IReadOnlyList<object>)new object[] { s.Method, s.Auc, s.StdErr }),
            "an AUC or its standard error is not finite; check the input for extreme values.");
        outputs.Commit();
        var lines = scores.Select(s => $"{s.Method,-7} {s.Auc.ToString("F2", CultureInfo.InvariantCulture),7} ± {s.StdErr.ToString("F2", CultureInfo.InvariantCulture)}").ToList();
        lines.Add($"Algorithm 1: {x.Rows} points, d = {x.Columns.Length}, K = {model.K}, β = {betaValue:G6}, σ = {kde.Sigma:G6}, {repeats} repeats; wrote {output}.");
        return lines;
    }

    /// <summary>σ of the leave-one-out KDE (App. G, fixed point of Eq. 42) of the rows in <paramref name="input"/>; the last line is σ.</summary>
    public static IReadOnlyList<string> KdeBandwidth(string input)
    {
        var x = CsvReader.ReadNumeric(input);
        if (x.Rows < 2) throw new InputException($"{x.Path} has {x.Rows} row(s); the leave-one-out bandwidth needs at least 2 points.");
        using var scope = NewDisposeScope();
        var (sigma, iters) = KdeImputer.Bandwidth(tensor(x.Values, dtype: ScalarType.Float64), device: CPU);
        return new[]
        {
            $"KDE bandwidth (App. G Eq. 42): {x.Rows} points, d = {x.Columns.Length}, {iters} fixed-point iterations",
            sigma.ToString("R", CultureInfo.InvariantCulture),
        };
    }
}
