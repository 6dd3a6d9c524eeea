using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

using Workbench.Clustering;
using Workbench.Models;
using Workbench.Training;

namespace Workbench.Studies.Relu;

/// <summary>
/// How the Titanic network of ReLU §5 is built, trained and evaluated. Two setups are given: <see cref="PaperText"/> (what
/// the paper's text says) and <see cref="AuthorsCode"/> (what the authors' published <c>titanic.py</c> runs).
/// </summary>
/// <param name="Name">Short name for tables.</param>
/// <param name="Hidden">Hidden layer widths.</param>
/// <param name="ActivityL1">Keras activity regulariser <c>l1(a)</c> on the first hidden layer (0 = off).</param>
/// <param name="FirstLayerL2">Keras kernel regulariser <c>l2(λ)</c> on the first layer's weights only (0 = off).</param>
/// <param name="LearningRate">Adam step size.</param>
/// <param name="Epochs">Passes over the training rows.</param>
/// <param name="BatchSize">Rows per step.</param>
/// <param name="KerasAdam">Adam with Keras' ε = 1e-7 (else PyTorch's 1e-8).</param>
/// <param name="HeldOutShare">Share of the passengers not trained on.</param>
/// <param name="HoldOutLastRows">True: Keras' <c>validation_split</c>, the last rows of a fixed shuffle (seed
/// <see cref="DataShuffleSeed"/>, like the authors' <c>shuffle(random_state=123)</c>) are held out, the same rows for every
/// training seed. False: a random share drawn from the training seed.</param>
public sealed record TitanicSetup(string Name, int[] Hidden, double ActivityL1, double FirstLayerL2, double LearningRate, int Epochs,
                                  int BatchSize, bool KerasAdam, double HeldOutShare, bool HoldOutLastRows)
{
    /// <summary>Seed of the fixed row shuffle of <see cref="AuthorsCode"/> (the authors' <c>random_state=123</c>; our permutation is not sklearn's).</summary>
    public const long DataShuffleSeed = 123;

    /// <summary>
    /// ReLU §5 as its text says: 7-4-2-1, activity regulariser l1(0.02) on the first hidden layer, Adam 0.01, 10 epochs,
    /// batches of 100; here with a random 20 % held out and PyTorch's Adam ε (the workbench's setup before issue 17).
    /// </summary>
    public static TitanicSetup PaperText { get; } = new("paper text", [4, 2], 0.02, 0, 0.01, 10, 100, false, 0.2, false);

    /// <summary>
    /// ReLU §5 as the authors' code ran it (<c>titanic.py</c>, digest 001): 7-3-2-1, no activity regulariser, kernel l2(0.1) on
    /// the first layer only, Keras' <c>Adam()</c> (0.001, ε 1e-7), 100 epochs, batches of 32, shuffled every epoch, the last
    /// 10 % of the (once shuffled) rows held out by <c>validation_split=0.1</c>.
    /// </summary>
    public static TitanicSetup AuthorsCode { get; } = new("authors' code", [3, 2], 0, 0.1, 0.001, 100, 32, true, 0.1, true);

    /// <summary>One line with every setting.</summary>
    public override string ToString() =>
        $"{Name}: 7-{string.Join("-", Hidden)}-1, activity l1 {ActivityL1} on layer 1, kernel l2 {FirstLayerL2} on layer 1, " +
        $"Adam {LearningRate} (ε {(KerasAdam ? "1e-7" : "1e-8")}), {Epochs} epochs, batch {BatchSize}, " +
        $"{HeldOutShare:P0} held out ({(HoldOutLastRows ? "last rows of a fixed shuffle" : "random, per seed")})";
}

/// <summary>One training run of the Titanic study (ReLU §5).</summary>
/// <param name="Seed">Seed of the weights and the batch order (and of the held-out rows for a random split).</param>
/// <param name="TrainAccuracy">Accuracy on the rows trained on.</param>
/// <param name="TestAccuracy">Accuracy on the held-out rows.</param>
/// <param name="Mlp">The trained network.</param>
/// <param name="Clustering">Activation clusters over all passengers.</param>
/// <param name="Table">Cluster table over all passengers (share, predicted-positive share, survival rate).</param>
/// <param name="X">All passengers' features.</param>
/// <param name="Y">All passengers' survival.</param>
/// <param name="TestRows">Indices of the held-out passengers.</param>
/// <param name="History">Loss and training accuracy per epoch.</param>
public sealed record TitanicStudyRun(
    long Seed, double TrainAccuracy, double TestAccuracy, Mlp Mlp, ActivationClustering Clustering, ClusterTable Table,
    Tensor X, Tensor Y, int[] TestRows, IReadOnlyList<EpochRecord> History)
{
    /// <summary>The setup the run used.</summary>
    public TitanicSetup Setup { get; init; } = TitanicSetup.PaperText;
    /// <summary>Accuracy on all passengers (what the authors' code prints).</summary>
    public double AllAccuracy { get; init; }
    /// <summary>Dead network: one class predicted for every passenger (<see cref="SeedSweep.IsDead"/>).</summary>
    public bool Dead => SeedSweep.IsDead(Table);
}

/// <summary>
/// ReLU §5: the Table 1 features, a ReLU MLP with a sigmoid output trained as in <see cref="TitanicSetup"/>, accuracy on
/// the held-out rows and on all passengers, activation clusters over all passengers ("of the overall").
/// </summary>
public static class TitanicStudy
{
    /// <summary>The paper-text setup with its settings overridable one by one (the workbench's call before issue 17).</summary>
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
                                      int epochs = 10, int batchSize = 100, double learningRate = 0.01, int[]? hidden = null, bool progress = true) =>
        Run(features, seed, TitanicSetup.PaperText with
        {
            ActivityL1 = activityL1, HeldOutShare = testShare, Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate,
            Hidden = hidden ?? TitanicSetup.PaperText.Hidden,
        }, progress);

    /// <summary>One run of <paramref name="setup"/> (e.g. <see cref="TitanicSetup.AuthorsCode"/>) for one seed.</summary>
    public static TitanicStudyRun Run(TitanicFeatures features, long seed, TitanicSetup setup, bool progress = true)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(setup);
        if (!(setup.HeldOutShare >= 0 && setup.HeldOutShare < 1))
            throw new ArgumentOutOfRangeException(nameof(setup), setup.HeldOutShare, "The held-out share must be in [0, 1).");
        var x = features.X(); var y = features.Y();
        int n = features.Count;
        Tensor trainIdx, testIdx;
        if (setup.HoldOutLastRows)
        {
            // Keras validation_split: the last share of the rows, taken before any per-epoch shuffling.
            using var gen = Seeds.Generator(TitanicSetup.DataShuffleSeed);
            var order = randperm(n, generator: gen);
            int nTrain = (int)Math.Floor(n * (1 - setup.HeldOutShare));
            trainIdx = order[..nTrain]; testIdx = order[nTrain..];
        }
        else
        {
            using var gen = Seeds.Generator(seed + 1);
            var order = randperm(n, generator: gen);
            int nTest = (int)Math.Round(n * setup.HeldOutShare);
            testIdx = order[..nTest]; trainIdx = order[nTest..];
        }
        var trainX = x.index_select(0, trainIdx); var trainY = y.index_select(0, trainIdx);
        var mlp = new Mlp(TitanicFeatures.Names.Length, setup.Hidden, seed: seed);
        var history = SingleThread.Run(() => mlp.Train(trainX, trainY, setup.LearningRate, setup.Epochs, setup.BatchSize, setup.ActivityL1,
                                activityLayers: [0], weightDecay: setup.FirstLayerL2, weightDecayLayers: [0], seed: seed, progress: progress,
                                optimizer: setup.KerasAdam ? Optimizers.KerasAdam : Optimizers.Adam));
        double testAccuracy = testIdx.shape[0] > 0 ? mlp.Accuracy(x.index_select(0, testIdx), y.index_select(0, testIdx)) : double.NaN;
        var clustering = new ActivationClustering(mlp).Fit(x);
        var table = ClusterTable.Build(clustering, x, y, TitanicFeatures.Names);
        return new TitanicStudyRun(seed, mlp.Accuracy(trainX, trainY), testAccuracy, mlp, clustering, table, x, y,
                                   testIdx.data<long>().Select(i => (int)i).ToArray(), history)
        { Setup = setup, AllAccuracy = mlp.Accuracy(x, y) };
    }
}
