using static TorchSharp.torch;

namespace Workbench.Datasets.Synthetic;

/// <summary>A generated time-series dataset split into train and test: series [N, T] float32 (z-normalised per series), labels 0..K−1.</summary>
/// <param name="Id">generator id (cbf, synthetic-control, two-patterns)</param>
/// <param name="XTrain">training series [N_train, T]</param>
/// <param name="YTrain">training labels [N_train] int64</param>
/// <param name="XTest">test series [N_test, T]</param>
/// <param name="YTest">test labels [N_test] int64</param>
/// <param name="ClassNames">name of each label</param>
public sealed record SeriesSplit(string Id, Tensor XTrain, Tensor YTrain, Tensor XTest, Tensor YTest, string[] ClassNames)
{
    /// <summary>Series length T.</summary>
    public long Length => XTrain.shape[1];
    /// <summary>Number of classes K.</summary>
    public int ClassCount => ClassNames.Length;
}
