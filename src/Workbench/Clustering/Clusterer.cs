using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Shared base of the clusterers (as scikit-learn's <c>_BaseKMeans</c> with <c>check_is_fitted</c>): the common
/// hyperparameters, input validation (rank, dtype, NaN/∞, feature count against what was fitted), the not-fitted
/// error and one restart loop (<see cref="BestOfRestarts{TState}"/>: seeding, progress, the best objective kept).
/// Subclasses implement <see cref="FitCore"/> and <see cref="PredictCore"/> and get the checks for free.
/// </summary>
public abstract class Clusterer<TSelf> : IClusterer where TSelf : Clusterer<TSelf>
{
    /// <param name="k">number of clusters, ≥ 1</param>
    /// <param name="seed">seed of every random draw</param>
    /// <param name="device">device to fit on; <see cref="Devices.Default"/> when null</param>
    protected Clusterer(int k, long seed, Device? device)
    {
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.", nameof(k));
        K = k; Seed = seed; Device = device; _kGiven = true;
    }

    readonly bool _kGiven;

    /// <summary>For methods that find the number of clusters themselves (K is 0 until <see cref="Fit"/> sets it).</summary>
    /// <param name="seed">seed of every random draw</param>
    /// <param name="device">device to fit on; <see cref="Devices.Default"/> when null</param>
    protected Clusterer(long seed, Device? device) { Seed = seed; Device = device; }

    /// <inheritdoc/>
    public int K { get; protected set; }
    /// <inheritdoc/>
    public long Seed { get; }
    /// <summary>Device to fit on (null: <see cref="Devices.Default"/>).</summary>
    public Device? Device { get; }
    /// <inheritdoc/>
    public bool IsFitted { get; private set; }
    /// <inheritdoc/>
    public long NFeaturesIn { get; private set; }
    /// <inheritdoc/>
    public Tensor Labels { get; protected set; } = null!;
    /// <summary>Objective (inertia for k-means) of every restart of the last <see cref="Fit"/>, in order; empty for methods without restarts.</summary>
    public IReadOnlyList<double> RestartObjectives { get; private set; } = Array.Empty<double>();

    /// <summary>Validates <paramref name="x"/>, runs <see cref="FitCore"/> and marks the estimator fitted.</summary>
    public TSelf Fit(Tensor x)
    {
        CheckInput(x, "x");
        if (_kGiven && x.shape[0] < K)
            throw new ArgumentException($"{GetType().Name} with K = {K} needs at least {K} rows; got {x.shape[0]}. Lower k or pass more data.");
        FitCore(x);
        MarkFitted(x.shape[1]);
        return (TSelf)this;
    }

    IClusterer IClusterer.Fit(Tensor x) => Fit(x);

    /// <inheritdoc/>
    public Tensor Predict(Tensor x) { CheckPredictInput(x); return PredictCore(x); }

    /// <summary>The learning step; <paramref name="x"/> is already validated.</summary>
    protected abstract void FitCore(Tensor x);

    /// <summary>The assignment step; the estimator is fitted and <paramref name="x"/> validated.</summary>
    protected abstract Tensor PredictCore(Tensor x);

    /// <summary>Marks the estimator fitted on <paramref name="nFeatures"/> features (for state set without <see cref="Fit"/>, e.g. given centroids).</summary>
    protected void MarkFitted(long nFeatures) { NFeaturesIn = nFeatures; IsFitted = true; }

    /// <summary>
    /// The restart loop every restarting method shares: one generator from <see cref="Seed"/> drawn on by all
    /// <paramref name="nInit"/> runs in turn (a rerun gives the same numbers), a progress bar titled
    /// <paramref name="title"/>, and the run of smallest objective kept (the first on ties). Fills <see cref="RestartObjectives"/>.
    /// </summary>
    /// <param name="nInit">number of runs, ≥ 1</param>
    /// <param name="title">progress title</param>
    /// <param name="run">one run from the shared generator: its result and objective (smaller is better)</param>
    protected TState BestOfRestarts<TState>(int nInit, string title, Func<TorchSharp.torch.Generator, (TState State, double Objective)> run)
    {
        var g = Seeds.Generator(Seed);
        var objectives = new List<double>(nInit);
        TState best = default!;
        double bestObjective = double.PositiveInfinity;
        using var bar = Progress.Start(title, nInit);
        for (int r = 0; r < nInit; r++)
        {
            var (state, objective) = run(g);
            objectives.Add(objective);
            if (r == 0 || objective < bestObjective) { bestObjective = objective; best = state; }
            bar.Report(r + 1, $"objective {objective:G6}, best {bestObjective:G6}");
        }
        RestartObjectives = objectives;
        return best;
    }

    /// <summary>Throws the not-fitted error when <see cref="Fit"/> has not run (call first in every public method that needs learned state).</summary>
    protected void CheckFitted(string member = "Predict")
    {
        if (!IsFitted) throw new InvalidOperationException($"This {GetType().Name} is not fitted yet: call Fit(x) before {member}.");
    }

    /// <summary>Not-fitted check plus <see cref="CheckInput"/> plus the feature count against what was fitted.</summary>
    protected void CheckPredictInput(Tensor x, string member = "Predict")
    {
        CheckFitted(member);
        CheckInput(x, "x");
        if (x.shape[1] != NFeaturesIn)
            throw new ArgumentException($"x has {x.shape[1]} features, but this {GetType().Name} was fitted on {NFeaturesIn}. Pass rows with the same columns as in Fit.");
    }

    /// <summary>Rank 2, floating point, finite: the checks every method applies to its data.</summary>
    public static void CheckInput(Tensor x, string name = "x") => Distances.CheckData(x, name);

    /// <summary>Throws when <paramref name="value"/> is below <paramref name="min"/> (hyperparameter checks with one wording).</summary>
    protected static void AtLeast(int value, int min, string name)
    {
        if (value < min) throw new ArgumentException($"{name} must be at least {min}; got {value}.", name);
    }

    /// <summary>Throws when <paramref name="value"/> is negative or NaN.</summary>
    protected static void NonNegative(double value, string name)
    {
        if (!(value >= 0)) throw new ArgumentException($"{name} must be ≥ 0; got {value}.", name);
    }
}
