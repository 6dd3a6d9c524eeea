using TorchSharp;
using Workbench.Datasets.Formats;
using Workbench.Neuralization;
using Workbench.Propagation;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// <c>workbench neon kmeans|kernel</c> as library calls: NEON relevance of every input feature for each point's cluster,
/// computed in float64 and written as R.csv (<c>index, cluster, f</c>, then one relevance column per feature). Input
/// columns named <c>index</c>, <c>cluster</c> or <c>f</c> are refused (<see cref="TableChecks.ReservedColumns"/>); a
/// non-finite f or relevance is an error naming the first bad row, and nothing is written.
/// </summary>
public static class NeonJob
{
    /// <summary>Parses a β option: <c>auto</c> (null: Eq. 3 over the rows of X), a number ≥ 0, or <c>inf</c>.</summary>
    public static double? ParseBeta(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s == "auto") return null;
        if (s is "inf" or "infinity") return double.PositiveInfinity;
        if (double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var b) && b >= 0 && !double.IsNaN(b))
            return b;
        throw new InputException($"--beta must be 'auto' (Eq. 3), a number ≥ 0, or 'inf'; got '{text}'.");
    }

    /// <summary>NEON for k-means (Prop. 1, Eqs. 2–4) of the points in <paramref name="input"/> against the centroids in
    /// <paramref name="centroids"/>; β = <paramref name="beta"/> or Eq. (3) when null. Returns the summary line.</summary>
    public static string KMeans(string input, string centroids, double? beta, string output)
    {
        using var outputs = new OutputFiles([(input, "--input"), (centroids, "--centroids")]);
        outputs.Add(output, "--out");
        var x = CsvReader.ReadNumeric(input);
        TableChecks.NoReservedColumns(x);
        using var scope = NewDisposeScope();
        var net = ReadKMeansModel(x, centroids);
        var xt = tensor(x.Values, dtype: ScalarType.Float64);
        FiniteDistances(x, Clustering.Distances.Squared(xt, net.Centroids), "the centroids");
        double b = beta ?? Stiffness.Heuristic(net.F(xt));
        using var e = net.Explain(xt, b);
        WriteRelevance(outputs, output, x.Columns, e, "the squared distances to the centroids overflow float64 (|x| of about 1e154 and above)");
        outputs.Commit();
        return $"NEON k-means: {x.Rows} points, K = {net.K}, β = {b:G6}{(beta is null ? " (Eq. 3)" : "")}; wrote {output}.";
    }

    /// <summary>NEON for kernel k-means (Prop. 5: LME pools of Eq. 7; Eq. 2, footnote 1, Eq. 10, Eq. 4) with the support
    /// vectors in <paramref name="support"/>, their clusters in <paramref name="supportLabels"/> (column <c>cluster</c>) and
    /// γ = <paramref name="gamma"/>. Returns the summary line.</summary>
    public static string Kernel(string input, string support, string supportLabels, double gamma, double? beta, string output)
    {
        using var outputs = new OutputFiles([(input, "--input"), (support, "--support"), (supportLabels, "--support-labels")]);
        outputs.Add(output, "--out");
        var x = CsvReader.ReadNumeric(input);
        TableChecks.NoReservedColumns(x);
        using var scope = NewDisposeScope();
        var (net, u, k) = ReadKernelModel(x, support, supportLabels, gamma);
        var xt = tensor(x.Values, dtype: ScalarType.Float64);
        FiniteDistances(x, Clustering.Distances.Squared(xt, net.Support) * gamma, "the support vectors (times γ)");
        double b = beta ?? Stiffness.Heuristic(net.F(xt));
        using var e = net.Explain(xt, b);
        WriteRelevance(outputs, output, x.Columns, e, "γ times the squared distances overflow float64 (large |x| or --gamma)");
        outputs.Commit();
        return $"NEON kernel k-means: {x.Rows} points, K = {k}, {u.Rows} support vectors, γ = {gamma:G6}, β = {b:G6}{(beta is null ? " (Eq. 3)" : "")}; wrote {output}.";
    }

    /// <summary>Reads support vectors and their labels (column <c>cluster</c>) for the points <paramref name="x"/>, checks them
    /// (same columns, one label per support vector, clusters 0…K−1 all present, distinct rows) and builds the network.</summary>
    public static (NeuralizedKernelKMeans Net, CsvTable Support, long K) ReadKernelModel(CsvTable x, string support, string supportLabels, double gamma)
    {
        if (!(gamma > 0) || double.IsInfinity(gamma)) throw new InputException($"--gamma must be a positive number; got {gamma}.");
        var u = CsvReader.ReadNumeric(support);
        TableChecks.SameColumns(x, u, "the support vectors");
        var l = CsvReader.ReadIntegerColumn(supportLabels, "cluster");
        long k = TableChecks.ClusterCount(l, u.Rows, supportLabels, "support vectors");
        TableChecks.NoDuplicateRows(u, "support vector");
        return (new NeuralizedKernelKMeans(tensor(u.Values, dtype: ScalarType.Float64), tensor(l), gamma), u, k);
    }

    /// <summary>Reads k-means centroids for the points <paramref name="x"/>, checks them (same columns, K ≥ 2, distinct rows)
    /// and builds the network.</summary>
    public static NeuralizedKMeans ReadKMeansModel(CsvTable x, string centroids)
    {
        var c = CsvReader.ReadNumeric(centroids);
        TableChecks.SameColumns(x, c, "the centroids");
        if (c.Rows < 2) throw new InputException($"{c.Path} has {c.Rows} centroid (row 0); NEON explains a cluster against its competitors and needs K ≥ 2.");
        TableChecks.NoDuplicateRows(c, "centroid");
        return new NeuralizedKMeans(tensor(c.Values, dtype: ScalarType.Float64));
    }

    /// <summary>The network's first layer compares squared distances: where they overflow float64 the assignment and f are
    /// meaningless even if they come out finite, so such a row is an error naming it.</summary>
    static void FiniteDistances(CsvTable x, Tensor squared, string what)
    {
        var bad = squared.isfinite().all(1).logical_not().nonzero();
        if (bad.shape[0] == 0) return;
        long row = bad[0, 0].item<long>();
        throw new InputException($"{x.Path}: row {row}: the squared distances to {what} overflow float64 (values of about 1e154 and above), " +
            $"so its cluster and relevance cannot be computed ({bad.shape[0]} row(s) affected); nothing was written. Rescale (standardise) the input and run again.");
    }

    /// <summary>R.csv: index, cluster, f, then one relevance column per feature; refuses non-finite numbers.</summary>
    static void WriteRelevance(OutputFiles outputs, string path, string[] featureNames, NeonExplanation e, string why)
    {
        var c = e.Clusters.cpu().data<long>().ToArray();
        var fv = e.F.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        var r = e.Relevance.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        int d = featureNames.Length;
        var header = new List<string> { "index", "cluster", "f" };
        header.AddRange(featureNames);
        outputs.Write(path, header, Enumerable.Range(0, c.Length).Select(n =>
        {
            var row = new List<object> { (long)n, c[n], fv[n] };
            for (int i = 0; i < d; i++) row.Add(r[n * d + i]);
            return (IReadOnlyList<object>)row;
        }), $"Input row = output row here: {why}, or β·f overflows. Standardise the input (or lower --beta/--gamma) and run again.");
    }
}
