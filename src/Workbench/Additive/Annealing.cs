namespace Workbench.Additive;

/// <summary>How NeurCAM lowers the gate temperature T until every gate is one-hot.</summary>
public enum AnnealSchedule
{
    /// <summary>The official code: T_e = 10^{(e/E_a)·log10(T_min)}, e = 0..E_a−1, at most E_a epochs, then the gates are locked.</summary>
    LogScale,
    /// <summary>The paper's Alg. 1: T ← εT after each epoch while some gate is not one-hot (capped at the same E_a epochs).</summary>
    Multiplicative,
}

/// <summary>How NeurCAM initialises the centroids z̃ in the representation space.</summary>
public enum CentroidInit
{
    /// <summary>The official code's default ('none'): soft means of x̃ over the first 3 batches under the random-init model.</summary>
    SoftMeans,
    /// <summary>The paper (§3.4): mini-batch k-means on x̃ (scikit-learn's MiniBatchKMeans, n_init = 10).</summary>
    MiniBatchKMeans,
}

/// <summary>Temperature schedules of the gate annealing (NeurCAM Alg. 1; official code `NeurCAM.py:517-527`).</summary>
public static class Annealing
{
    /// <summary>Temperature at anneal epoch <paramref name="epoch"/> (0-based) of <paramref name="annealEpochs"/>.</summary>
    public static double Temperature(AnnealSchedule schedule, int epoch, int annealEpochs, double minTemperature, double epsilon) =>
        schedule switch
        {
            AnnealSchedule.LogScale => Math.Pow(10, (double)epoch / annealEpochs * Math.Log10(minTemperature)),
            AnnealSchedule.Multiplicative => Math.Pow(epsilon, epoch),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule)),
        };

    /// <summary>
    /// The first anneal epoch at which a gate whose top two logits differ by <paramref name="gap"/> is one-hot under the
    /// log-scale schedule: T ≤ gap/2 ⇔ e ≥ E_a·log10(2/gap)/(−log10 T_min).
    /// </summary>
    public static int FirstHardEpoch(double gap, int annealEpochs, double minTemperature) =>
        (int)Math.Max(0, Math.Ceiling(annealEpochs * Math.Log10(2 / gap) / -Math.Log10(minTemperature) - 1e-12));
}
