using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

using Workbench.Clustering;
using Workbench.Models;

namespace Workbench.Studies.Relu;

/// <summary>One training run of the Titanic study (ReLU §5).</summary>
public sealed record TitanicStudyRun(
    long Seed, double TrainAccuracy, double TestAccuracy, Mlp Mlp, ActivationClustering Clustering, ClusterTable Table,
    Tensor X, Tensor Y, int[] TestRows, IReadOnlyList<EpochRecord> History);

/// <summary>
/// ReLU §5: the Table 1 features, an MLP 7-4-2-1 (ReLU, sigmoid output), Adam (step 0.01), 10 epochs, batches of 100,
/// an L1 activity regulariser 0.02 (first hidden layer, as in the authors' code); test accuracy on a held-out share,
/// activation clusters over all passengers ("of the overall").
/// </summary>
public static class TitanicStudy
{
    /// <summary>Trains one MLP on a random train share, scores it on the rest and clusters the activations of all passengers.</summary>
    /// <param name="features">The Table 1 features and survival labels.</param>
    /// <param name="seed">Seed of the weights and batches; the train/test split uses <c>seed + 1</c>.</param>
    /// <param name="activityL1">L1 activity regulariser on the first hidden layer (0.02 in the paper; 0 turns it off).</param>
    /// <param name="testShare">Share of passengers held out for the test accuracy, in [0, 1).</param>
    /// <param name="epochs">Training epochs.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam step size.</param>
    /// <param name="hidden">Hidden widths (default [4, 2]).</param>
    /// <param name="progress">Whether training reports through <see cref="Reporting.Progress"/>.</param>
    public static TitanicStudyRun Run(TitanicFeatures features, long seed, double activityL1 = 0.02, double testShare = 0.2,
                                      int epochs = 10, int batchSize = 100, double learningRate = 0.01, int[]? hidden = null, bool progress = true)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (!(testShare >= 0 && testShare < 1)) throw new ArgumentOutOfRangeException(nameof(testShare), testShare, "testShare must be in [0, 1).");
        var x = features.X(); var y = features.Y();
        int n = features.Count, nTest = (int)Math.Round(n * testShare);
        using var gen = Seeds.Generator(seed + 1);
        var order = randperm(n, generator: gen);
        var testIdx = order[..nTest]; var trainIdx = order[nTest..];
        var trainX = x.index_select(0, trainIdx); var trainY = y.index_select(0, trainIdx);
        var mlp = new Mlp(TitanicFeatures.Names.Length, hidden ?? [4, 2], seed: seed);
        var history = mlp.Train(trainX, trainY, learningRate, epochs, batchSize, activityL1, activityLayers: [0], seed: seed, progress: progress);
        double testAccuracy = nTest > 0 ? mlp.Accuracy(x.index_select(0, testIdx), y.index_select(0, testIdx)) : double.NaN;
        var clustering = new ActivationClustering(mlp).Fit(x);
        var table = ClusterTable.Build(clustering, x, y, TitanicFeatures.Names);
        return new TitanicStudyRun(seed, mlp.Accuracy(trainX, trainY), testAccuracy, mlp, clustering, table, x, y,
                                   testIdx.data<long>().Select(i => (int)i).ToArray(), history);
    }
}
