using Deedle;
using TorchSharp;
using static TorchSharp.torch;

using Workbench.Models;

namespace Workbench.Clustering;

/// <summary>One row of a <see cref="ClusterTable"/>: what the inputs of one activation cluster look like and how the network treats them.</summary>
public sealed record ClusterRow(
    int Cluster, string Pattern, int ActiveUnits, int Size, double Share,
    double PredictedPositive, double? PositiveRate, double? Accuracy, double[] AverageInstance)
{
    /// <summary>Share of the cluster predicted as 0.</summary>
    public double PredictedNegative => 1 - PredictedPositive;
}

/// <summary>
/// The cluster table of ReLU §4–§5 (the columns of the authors' "Support / Positive / Avg instance" table, plus accuracy):
/// per activation cluster its pattern, size, share of the data, distribution of predicted labels, rate of true positives
/// (e.g. survival rate), accuracy inside the cluster and the average instance.
/// </summary>
public sealed class ClusterTable
{
    ClusterTable(IReadOnlyList<ClusterRow> rows, IReadOnlyList<string> featureNames) { Rows = rows; FeatureNames = featureNames; }

    /// <summary>One row per activation cluster, largest first.</summary>
    public IReadOnlyList<ClusterRow> Rows { get; }
    /// <summary>Names of the input features, in the order of each row's average instance.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>
    /// Builds the table for the inputs <paramref name="x"/> the clustering was fitted on, with optional true 0/1 labels.
    /// Predicted label = 1 where the (scalar) pre-output exceeds <paramref name="threshold"/>; by default 0 for a
    /// network ending in a sigmoid (probability &gt; 0.5), 0.5 for a linear output.
    /// </summary>
    public static ClusterTable Build(ActivationClustering clustering, Tensor x, Tensor? y = null,
                                     IReadOnlyList<string>? featureNames = null, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(clustering);
        if (!clustering.IsFitted) throw new InvalidOperationException("Fit the clustering first: new ActivationClustering(mlp).Fit(x).");
        var net = clustering.Network;
        ReluChecks.Input(x, net.InputWidth, "ClusterTable.Build");
        var labels = clustering.Labels.data<long>().ToArray();
        int n = labels.Length;
        if (x.shape[0] != n)
            throw new ArgumentException($"x has {x.shape[0]} samples but the clustering was fitted on {n}; pass the same inputs.", nameof(x));
        if (net.OutputWidth != 1)
            throw new InvalidOperationException($"The cluster table reads binary predictions from a scalar output; this network has {net.OutputWidth} outputs.");
        var names = featureNames?.ToArray() ?? Enumerable.Range(1, net.InputWidth).Select(i => $"x{i}").ToArray();
        if (names.Length != net.InputWidth)
            throw new ArgumentException($"Give one name per feature: {net.InputWidth} expected, {names.Length} given.", nameof(featureNames));
        int[]? truth = y is null ? null : ReluChecks.Labels(y, n, "ClusterTable.Build");

        double cut = threshold ?? (net.OutputLink == "sigmoid" ? 0.0 : 0.5);
        using var scope = NewDisposeScope();
        var pre = net.PreOutput(x).reshape(-1).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var xs = x.to(ScalarType.Float64).cpu().data<double>().ToArray();
        int d = net.InputWidth;

        var rows = new List<ClusterRow>();
        foreach (var c in clustering.Clusters)
        {
            int size = 0, predictedPositive = 0, positive = 0, hits = 0;
            var sum = new double[d];
            for (int i = 0; i < n; i++)
            {
                if (labels[i] != c.Id) continue;
                size++;
                int label = pre[i] > cut ? 1 : 0;
                predictedPositive += label;
                if (truth != null) { positive += truth[i]; hits += truth[i] == label ? 1 : 0; }
                for (int j = 0; j < d; j++) sum[j] += xs[i * d + j];
            }
            rows.Add(new ClusterRow(c.Id, c.Pattern, c.ActiveUnits, size, (double)size / n, (double)predictedPositive / size,
                truth is null ? null : (double)positive / size, truth is null ? null : (double)hits / size,
                sum.Select(s => s / size).ToArray()));
        }
        return new ClusterTable(rows, names);
    }

    /// <summary>The table as a Deedle frame (one row per cluster; average instance as one column per feature, "avg name").</summary>
    public Frame<int, string> ToFrame()
    {
        var keys = Rows.Select(r => r.Cluster).ToArray();
        var frame = Frame.FromRecords(Rows.Select(r => new
        {
            r.Pattern, r.ActiveUnits, r.Size, Share = Math.Round(r.Share, 4),
            PredictedPositive = Math.Round(r.PredictedPositive, 4),
            PositiveRate = r.PositiveRate is double p ? Math.Round(p, 4) : double.NaN,
            Accuracy = r.Accuracy is double a ? Math.Round(a, 4) : double.NaN,
        })).IndexRowsWith(keys);
        for (int j = 0; j < FeatureNames.Count; j++)
            frame.AddColumn("avg " + FeatureNames[j], new Series<int, double>(keys, Rows.Select(r => Math.Round(r.AverageInstance[j], 3)).ToArray()));
        return frame;
    }

    /// <summary>A plain-text rendering (for logs and the CLI).</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"cluster",7} {"pattern",-12} {"size",7} {"share",7} {"pred 1",7} {"pos rate",8} {"accuracy",8}  average instance");
        foreach (var r in Rows)
            sb.AppendLine($"{r.Cluster,7} {r.Pattern,-12} {r.Size,7} {r.Share,7:P1} {r.PredictedPositive,7:P1} {(r.PositiveRate is double p ? p.ToString("P1") : "-"),8} " +
                          $"{(r.Accuracy is double a ? a.ToString("P1") : "-"),8}  [{string.Join(", ", r.AverageInstance.Select(v => v.ToString("F2")))}]");
        return sb.ToString();
    }
}
