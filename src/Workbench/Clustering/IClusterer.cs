using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// What every clustering method of the workbench is (scikit-learn's estimator shape): hyperparameters in the
/// constructor, <see cref="Fit"/> learns and returns the estimator, <see cref="Predict"/> assigns new rows.
/// Present and future methods (k-means, kernel and soft k-means, Grad-CeAM's latent k-means, NeurCAM, IDC)
/// implement it; most derive from <see cref="Clusterer{TSelf}"/>, which holds validation and the not-fitted error.
/// </summary>
public interface IClusterer
{
    /// <summary>Number of clusters K.</summary>
    int K { get; }
    /// <summary>Seed of every random draw of <see cref="Fit"/>; a rerun with the same seed gives the same result.</summary>
    long Seed { get; }
    /// <summary>True once <see cref="Fit"/> has run.</summary>
    bool IsFitted { get; }
    /// <summary>Number of input features seen by <see cref="Fit"/>; <see cref="Predict"/> refuses any other count.</summary>
    long NFeaturesIn { get; }
    /// <summary>Cluster of each training row, [N] int64.</summary>
    Tensor Labels { get; }
    /// <summary>Learns from the rows of <paramref name="x"/> ([N,d], float32 or float64) and returns this estimator.</summary>
    IClusterer Fit(Tensor x);
    /// <summary>Cluster of each row of <paramref name="x"/>, [N] int64.</summary>
    Tensor Predict(Tensor x);
}

/// <summary>A clusterer with soft assignments.</summary>
public interface ISoftClusterer : IClusterer
{
    /// <summary>Probability of each cluster for each row, [N,K]; rows sum to 1.</summary>
    Tensor PredictProba(Tensor x);
}
