using static TorchSharp.torch;

namespace Workbench.Additive;

/// <summary>
/// The live state of a <see cref="NeurCam"/> warm-up, handed to its diagnostic observer (NeurCAM Alg. 1, E &lt; E_warmup):
/// after epoch <paramref name="Epoch"/> (0: before the first), the network, the centroids z̃ [K,R], the network's input
/// [N,D] and the representation x̃ [N,R]. Read it inside the observer; the tensors are the ones being trained.
/// </summary>
/// <param name="Epoch">epochs done (0: after the initialisation)</param>
/// <param name="ClusteringLoss">the epoch's mean clustering loss (Eq. 15), as in <see cref="NeurCam.History"/>; NaN at epoch 0</param>
/// <param name="Network">the network being trained</param>
/// <param name="Centroids">the centroids z̃ being trained, [K,R]</param>
/// <param name="Input">the network's input rows (z-scored x), [N,D]</param>
/// <param name="Representation">x̃, [N,R]</param>
internal sealed record NeurCamWarmupState(int Epoch, double ClusteringLoss, NeurCamNetwork Network, Tensor Centroids, Tensor Input, Tensor Representation);

/// <summary>Ends a <see cref="NeurCam"/> fit that a warm-up observer watched (see <see cref="NeurCam.WarmupObserver"/>).</summary>
internal sealed class WarmupObserved : Exception
{
    public WarmupObserved() : base("The NeurCam warm-up observer ended the fit; the model is not fitted.") { }
}
