using TorchSharp;
using Workbench.Clustering;
using Workbench.Datasets.Formats;
using Workbench.Reporting;

namespace Workbench.Jobs;

/// <summary><c>workbench kmeans</c> as a library call: read X (strict CSV), fit <see cref="KMeans"/>, write the centroids
/// (and labels) all or nothing.</summary>
public static class KMeansJob
{
    /// <summary>Fits k-means to the CSV <paramref name="input"/> and writes <paramref name="outCentroids"/> (one row per
    /// centroid, the input's columns) and optionally <paramref name="outLabels"/> (one column <c>cluster</c>). Returns the
    /// summary line. Every check runs before anything is written; outputs are renamed into place only at the end.</summary>
    public static string Run(string input, int k, int nInit, long seed, string outCentroids, string? outLabels)
    {
        if (k < 2) throw new InputException($"--k must be at least 2 (one cluster has nothing to be explained against); got {k}.");
        if (nInit < 1) throw new InputException($"--n-init must be at least 1; got {nInit}.");
        using var outputs = new OutputFiles([(input, "--input")]);
        outputs.Add(outCentroids, "--out-centroids");
        if (outLabels is not null) outputs.Add(outLabels, "--out-labels");
        var x = CsvReader.ReadNumeric(input);
        if (x.Rows < k) throw new InputException($"{x.Path} has {x.Rows} rows but --k is {k}; k-means needs at least K points.");
        var previous = Progress.Enabled;
        Progress.Enabled = false;
        try
        {
            using var scope = torch.NewDisposeScope();
            var xt = torch.tensor(x.Values, dtype: torch.ScalarType.Float64);
            var bad = Distances.RowSquaredNorms(xt).isfinite().logical_not().nonzero();
            if (bad.shape[0] > 0)
                throw new InputException($"{x.Path}: row {bad[0, 0].item<long>()}: its squared norm overflows float64 (values of about 1e154 and above), " +
                    $"so k-means distances cannot be computed ({bad.shape[0]} row(s) affected); nothing was written. Rescale (standardise) the input and run again.");
            var km = new KMeans(k, nInit: nInit, seed: seed, device: torch.CPU).Fit(xt);
            var cent = km.Centroids.cpu().data<double>().ToArray();
            int d = x.ColumnCount;
            const string hint = "The input's squared distances overflow float64 (values of about 1e154 and above); rescale the input.";
            outputs.Write(outCentroids, x.Columns, Enumerable.Range(0, k).Select(r =>
                (IReadOnlyList<object>)Enumerable.Range(0, d).Select(c => (object)cent[r * d + c]).ToList()), hint);
            if (outLabels is not null)
                outputs.Write(outLabels, ["cluster"], km.Labels.cpu().data<long>().ToArray().Select(l => (IReadOnlyList<object>)[l]));
            if (!double.IsFinite(km.Inertia))
                throw new InputException($"k-means on {x.Path}: the inertia is {km.Inertia} (not finite); nothing was written. {hint}");
            outputs.Commit();
            return $"k-means: N = {x.Rows}, d = {d}, K = {k}, inertia {km.Inertia:G10}, {km.NIter} Lloyd iterations in the kept run of {nInit}.";
        }
        finally { Progress.Enabled = previous; }
    }
}
