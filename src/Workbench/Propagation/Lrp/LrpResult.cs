using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// An LRP explanation of a batch: the model's output, the relevance put on it (<see cref="OutputRelevance"/>), the relevance
/// of each input entry (<see cref="Relevance"/>, the input's shape) and, for each requested layer, the relevance of that
/// layer's output (<see cref="Layers"/>, e.g. [N,C,H,W] for a convolutional block; sum over H,W for per-channel relevance).
/// </summary>
public sealed record LrpResult(Tensor Output, Tensor OutputRelevance, Tensor Relevance, IReadOnlyDictionary<string, Tensor> Layers) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Output.Dispose(); OutputRelevance.Dispose(); Relevance.Dispose();
        foreach (var t in Layers.Values) t.Dispose();
    }
}
