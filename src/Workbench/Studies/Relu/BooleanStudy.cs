using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

using Workbench.Clustering;
using Workbench.Models;

namespace Workbench.Studies.Relu;

/// <summary>Which rows of the truth table of (v1, v2, v3) a cluster holds, and how many samples of each.</summary>
public sealed record TruthTableRow(int Cluster, int V1, int V2, int V3, int Target, int Count);

/// <summary>One training run of the Boolean study: accuracies, the clustering and the trained network.</summary>
public sealed record BooleanStudyRun(
    long Seed, double ActivityL1, double TrainAccuracy, double TestAccuracy, int ClusterCount,
    Mlp Mlp, ActivationClustering Clustering, Tensor TrainX, Tensor TrainY, IReadOnlyList<EpochRecord> History)
{
    /// <summary>Dead network: one class predicted for every training sample (<see cref="SeedSweep.IsDead"/>, the clusters' samples).</summary>
    public bool Dead => SeedSweep.IsDead(ClusterTable.Build(Clustering, TrainX));
}

/// <summary>
/// ReLU §4: ten fair Boolean features v1…v10, target t = (v1 ∧ v3) ∨ (v2 ∧ ¬v3) (Eq. 5); v4…v10 are noise.
/// The paper trains a 10-4-2-1 ReLU MLP with a sigmoid output, Adam (step 0.01), 10 epochs, batches of 100 and an
/// L1 activity regulariser 0.02, and finds 3 activation clusters (8 without the regulariser).
/// </summary>
public static class BooleanStudy
{
    /// <summary>Number of Boolean input variables (v1…v10).</summary>
    public const int Features = 10;

    /// <summary>Feature names v1…v10.</summary>
    public static string[] FeatureNames => Enumerable.Range(1, Features).Select(i => $"v{i}").ToArray();

    /// <summary>Eq. (5): t = (v1 ∧ v3) ∨ (v2 ∧ ¬v3).</summary>
    public static int Target(int v1, int v2, int v3) => (v1 == 1 && v3 == 1) || (v2 == 1 && v3 == 0) ? 1 : 0;

    /// <summary><paramref name="samples"/> inputs [N, 10] of independent fair bits (float32) and their targets [N] (Eq. 5).</summary>
    public static (Tensor X, Tensor Y) Generate(int samples, long seed)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Generate at least one sample.");
        using var gen = Seeds.Generator(seed);
        var x = randint(0, 2, [samples, Features], generator: gen).to(ScalarType.Float32);
        var v1 = x[.., 0]; var v2 = x[.., 1]; var v3 = x[.., 2];
        var y = (v1 * v3 + v2 * (1 - v3)).clamp(0, 1);
        return (x, y);
    }

    /// <summary>
    /// The paper's experiment for one seed: <paramref name="samples"/> samples split 80/20 (as in the authors' code),
    /// a 10-4-2-1 MLP trained on the 80%, its clusters over the training samples.
    /// The activity regulariser acts on the first hidden layer, as in the authors' code.
    /// </summary>
    public static BooleanStudyRun Run(long seed, double activityL1 = 0.02, int samples = 100_000, int epochs = 10,
                                      int batchSize = 100, double learningRate = 0.01, int[]? hidden = null, bool progress = true)
    {
        var (x, y) = Generate(samples, seed);
        using var gen = Seeds.Generator(seed + 1);
        var order = randperm(samples, generator: gen);
        int nTrain = (int)Math.Round(samples * 0.8);
        var trainX = x.index_select(0, order[..nTrain]); var trainY = y.index_select(0, order[..nTrain]);
        var testX = x.index_select(0, order[nTrain..]); var testY = y.index_select(0, order[nTrain..]);
        var mlp = new Mlp(Features, hidden ?? [4, 2], seed: seed);
        var history = SingleThread.Run(() => mlp.Train(trainX, trainY, learningRate, epochs, batchSize, activityL1, activityLayers: [0], seed: seed, progress: progress));
        var clustering = new ActivationClustering(mlp).Fit(trainX);
        double testAccuracy = nTrain < samples ? mlp.Accuracy(testX, testY) : double.NaN;
        return new BooleanStudyRun(seed, activityL1, mlp.Accuracy(trainX, trainY), testAccuracy, clustering.Count,
                                   mlp, clustering, trainX, trainY, history);
    }

    /// <summary>
    /// Fig. 1's table: for every cluster, the combinations of (v1, v2, v3) among its samples with the target and the count.
    /// </summary>
    public static IReadOnlyList<TruthTableRow> TruthTable(ActivationClustering clustering, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(clustering);
        if (!clustering.IsFitted) throw new InvalidOperationException("Fit the clustering first.");
        var labels = clustering.Labels.data<long>().ToArray();
        if (x.dim() != 2 || x.shape[0] != labels.Length || x.shape[1] < 3)
            throw new ArgumentException($"x must be the [N, ≥3] inputs the clustering was fitted on (N = {labels.Length}).", nameof(x));
        using var bits = x[.., ..3].gt(0.5).to(ScalarType.Int32).cpu();
        var v = bits.data<int>().ToArray();
        var counts = new Dictionary<(int, int, int, int), int>();
        for (int i = 0; i < labels.Length; i++)
        {
            var key = ((int)labels[i], v[3 * i], v[3 * i + 1], v[3 * i + 2]);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts.OrderBy(kv => kv.Key.Item1).ThenByDescending(kv => kv.Key.Item2).ThenByDescending(kv => kv.Key.Item3).ThenByDescending(kv => kv.Key.Item4)
            .Select(kv => new TruthTableRow(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Key.Item4, Target(kv.Key.Item2, kv.Key.Item3, kv.Key.Item4), kv.Value))
            .ToList();
    }

    /// <summary>
    /// Whether a clustering is the partition §4 reports: exactly three clusters, one predicting 0 for all its samples
    /// (target-0 rows only), one holding exactly the truth-table rows (v1, v2, v3) ∈ {111, 101} (the term v1 ∧ v3) and
    /// one exactly {110, 010} (the term v2 ∧ ¬v3).
    /// </summary>
    public static bool IsPapersPartition(ActivationClustering clustering, Tensor x) =>
        IsTermPartition(clustering, x, constantLabel: 0, ["111", "101"], ["110", "010"]);

    /// <summary>
    /// The mirror image of the paper's partition: one cluster predicting 1 for all target-1 rows, the others holding
    /// exactly the terms of the negation ¬t = (¬v1 ∧ v3) ∨ (¬v2 ∧ ¬v3): rows {011, 001} and {100, 000}.
    /// </summary>
    public static bool IsMirroredPartition(ActivationClustering clustering, Tensor x) =>
        IsTermPartition(clustering, x, constantLabel: 1, ["011", "001"], ["100", "000"]);

    /// <summary>
    /// The paper's result without the regulariser: eight clusters, each holding exactly one combination of (v1, v2, v3).
    /// </summary>
    public static bool IsOneClusterPerCombination(ActivationClustering clustering, Tensor x)
    {
        if (clustering.Count != 8) return false;
        var rows = TruthTable(clustering, x);
        return rows.GroupBy(r => r.Cluster).All(g => g.Count() == 1) && rows.Select(r => (r.V1, r.V2, r.V3)).Distinct().Count() == 8;
    }

    static bool IsTermPartition(ActivationClustering clustering, Tensor x, int constantLabel, string[] term1, string[] term2)
    {
        if (clustering.Count != 3) return false;
        var rows = TruthTable(clustering, x);
        var sets = Enumerable.Range(0, 3).Select(c => rows.Where(r => r.Cluster == c).Select(r => $"{r.V1}{r.V2}{r.V3}").OrderBy(s => s).ToArray()).ToList();
        bool Has(string[] combos) => sets.Any(s => s.SequenceEqual(combos.OrderBy(c => c)));
        var table = ClusterTable.Build(clustering, x);
        bool constant = table.Rows.Any(r => r.PredictedPositive == constantLabel &&
            sets[r.Cluster].All(c => Target(c[0] - '0', c[1] - '0', c[2] - '0') == constantLabel));
        return constant && Has(term1) && Has(term2);
    }
}
