using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// What a composite knows about a leaf module when it binds a rule: its dotted name, the module, its position among the
/// model's leaves (registration order, which is execution order for <c>Sequential</c>), its position among the affine
/// layers, and its block (1 + the number of pooling layers before it: VGG's blocks 1–5 for the convolutions).
/// </summary>
public sealed record LayerInfo(string Name, nn.Module Module, int Position, int AffineIndex, int Block)
{
    /// <summary>Whether the module is affine (Linear, ConvNd, ConvTransposeNd).</summary>
    public bool IsAffine => ParametricLayers.Is(Module);
    /// <summary>Whether the module is a (transposed) convolution.</summary>
    public bool IsConvolution => Module is Convolution;
    /// <summary>Whether the module is a fully connected layer.</summary>
    public bool IsLinear => Module is Linear;
    /// <summary>Element-wise activations (ReLU, LeakyReLU and the like).</summary>
    public bool IsActivation => Module is ReLU or LeakyReLU or ReLU6 or ELU or GELU or SiLU or Tanh or Sigmoid or Softplus;
    /// <summary>BatchNorm1d/2d/3d.</summary>
    public bool IsBatchNorm => Module is BatchNorm1d or BatchNorm2d or BatchNorm3d;
    /// <summary>Average and adaptive-average pooling.</summary>
    public bool IsAveragePool => Module is AvgPool1d or AvgPool2d or AvgPool3d or AdaptiveAvgPool1d or AdaptiveAvgPool2d or AdaptiveAvgPool3d;
    /// <summary>Max and adaptive-max pooling.</summary>
    public bool IsMaxPool => Module is MaxPool1d or MaxPool2d or MaxPool3d or AdaptiveMaxPool1d or AdaptiveMaxPool2d or AdaptiveMaxPool3d;
    /// <summary>Dropout (identity in eval mode).</summary>
    public bool IsDropout => Module is Dropout or Dropout1d or Dropout2d or Dropout3d;

    /// <summary>The leaves of <paramref name="model"/> in registration order, with positions and blocks.</summary>
    public static IReadOnlyList<LayerInfo> Leaves(nn.Module model)
    {
        var list = new List<LayerInfo>();
        int pos = 0, affine = 0, block = 1;
        foreach (var (name, m) in model.named_modules())
        {
            if (m.named_children().Any()) continue;
            var info = new LayerInfo(name, m, pos++, ParametricLayers.Is(m) ? affine : -1, block);
            if (info.IsAffine) affine++;
            list.Add(info);
            if (info.IsMaxPool || info.IsAveragePool) block++;
        }
        return list;
    }
}
