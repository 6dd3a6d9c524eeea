using TorchSharp.Modules;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>How a model of the zoo draws its initial weights.</summary>
public enum ModelInit
{
    /// <summary>torchvision's VGG init: convolutions Kaiming-normal (fan_out, ReLU), linears N(0, 0.01), zero biases, BatchNorm γ = 1, β = 0.</summary>
    Torch,
    /// <summary>Keras' defaults: Glorot-uniform kernels, zero biases, BatchNorm γ = 1, β = 0.</summary>
    Keras,
}

/// <summary>Seeded initialisation of convolutions, linears and BatchNorm layers (draws from its own generator, in module order).</summary>
public static class Init
{
    /// <summary>Initialises every Conv2d, Linear and BatchNorm of <paramref name="model"/> as <paramref name="init"/> says, drawing from <c>Seeds.Generator(seed)</c>.</summary>
    public static void Apply(nn.Module model, ModelInit init, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var gen = Seeds.Generator(seed);
        using var _ = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                {
                    var w = conv.weight!;
                    long receptive = w.shape[2] * w.shape[3];
                    if (init == ModelInit.Torch) Normal(w, Math.Sqrt(2.0 / (w.shape[0] * receptive)), gen);   // kaiming_normal_(fan_out, relu)
                    else GlorotUniform(w, w.shape[1] * receptive, w.shape[0] * receptive, gen);
                    conv.bias?.zero_();
                    break;
                }
                case Linear fc:
                {
                    var w = fc.weight!;
                    if (init == ModelInit.Torch) Normal(w, 0.01, gen);
                    else GlorotUniform(w, w.shape[1], w.shape[0], gen);
                    fc.bias?.zero_();
                    break;
                }
                case BatchNorm2d bn:
                    bn.weight?.fill_(1); bn.bias?.zero_();
                    break;
                case BatchNorm1d bn:
                    bn.weight?.fill_(1); bn.bias?.zero_();
                    break;
            }
        }
    }

    // (TorchSharp 0.107's nn.init functions ignore a generator, so draws are made here.)
    static void Normal(Tensor w, double std, Generator gen)
    {
        using var r = randn(w.shape, ScalarType.Float64, generator: gen);
        w.copy_(r.mul_(std));
    }

    static void GlorotUniform(Tensor w, long fanIn, long fanOut, Generator gen)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        using var r = rand(w.shape, ScalarType.Float64, generator: gen);
        w.copy_(r.mul_(2 * limit).sub_(limit));
    }
}
