using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// A convolutional autoencoder split at its Grad-CAM target layer (Grad-CeAM §III): the encoder is
/// <see cref="Head"/> (input → target-layer activations A, the last encoder layer with a spatial or temporal axis)
/// followed by <see cref="Tail"/> (A → latent code z, here Flatten/GAP → Dense), and <see cref="Decode"/> maps z back.
/// </summary>
public interface IConvAutoencoder
{
    /// <summary>Shape of one input without the batch axis: (C, H, W) for images, (C, T) for series.</summary>
    long[] InputShape { get; }
    /// <summary>Number of spatial axes of the input and of the target layer (2 for images, 1 for series).</summary>
    int SpatialDims { get; }
    /// <summary>Size m of the latent code.</summary>
    int LatentDim { get; }
    /// <summary>Input [N, …InputShape] → target-layer activations A [N, F, …spatial].</summary>
    Tensor Head(Tensor x);
    /// <summary>Target-layer activations A → latent code z [N, m] (the layers between the target layer and z).</summary>
    Tensor Tail(Tensor a);
    /// <summary>Input → latent code z [N, m] (= Tail(Head(x))).</summary>
    Tensor Encode(Tensor x);
    /// <summary>Latent code [N, m] → reconstruction [N, …InputShape].</summary>
    Tensor Decode(Tensor z);
}
