using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Shared base of the clusterers (as scikit-learn's <c>_BaseKMeans</c> with <c>check_is_fitted</c>): the common
/// hyperparameters, input validation (rank, dtype, NaN/∞, feature count against what was fitted) and the
/// not-fitted error. Subclasses implement <see cref="FitCore"/> and <see cref="PredictCore"/> and get the checks for free.
/// </summary>
public abstract class Clusterer<TSelf> : IClusterer where TSelf : Clusterer<TSelf>
{
    /// <param name="k">number of clusters, ≥ 1</param>
    /// <param name="seed">seed of every random draw</param>
    /// <param name="device">device to fit on; <see cref="Devices.Default"/> when null</param>
    protected Clusterer(int k, long seed, Device? device)
    {
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.", nameof(k));
        K = k; Seed = seed; Device = device;
    }

    /// <inheritdoc/>
    public int K { get; }
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

    /// <summary>Validates <paramref name="x"/>, runs <see cref="FitCore"/> and marks the estimator fitted.</summary>
    public TSelf Fit(Tensor x)
    {
        CheckInput(x, "x");
        if (x.shape[0] < K)
            throw new ArgumentException($"{GetType().Name} with K = {K} needs at least {K} rows; got {x.shape[0]}. Lower k or pass more data.");
        FitCore(x);
        NFeaturesIn = x.shape[1];
        IsFitted = true;
        return (TSelf)this;
    }

    IClusterer IClusterer.Fit(Tensor x) => Fit(x);

    /// <inheritdoc/>
    public Tensor Predict(Tensor x) { CheckPredictInput(x); return PredictCore(x); }

    /// <summary>The learning step; <paramref name="x"/> is already validated.</summary>
    protected abstract void FitCore(Tensor x);

    /// <summary>The assignment step; the estimator is fitted and <paramref name="x"/> validated.</summary>
    protected abstract Tensor PredictCore(Tensor x);

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
}
