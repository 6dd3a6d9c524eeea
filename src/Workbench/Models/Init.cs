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

/// <summary>
/// Seeded initialisation of convolutions (1-D, 2-D, transposed), linears and BatchNorm layers, set explicitly because
/// TorchSharp's defaults are neither torchvision's nor Keras's. Draws come from the model's own generator
/// (<c>Seeds.Generator(seed)</c>), in module order, in float64 and are then copied into the weights (TorchSharp 0.107's
/// <c>nn.init</c> functions ignore a generator). BatchNorm layers get γ = 1, β = 0 and fresh running statistics; the
/// Keras BatchNorm settings (ε, momentum), which are constructor arguments, are <see cref="KerasBatchNormEps"/> and
/// <see cref="KerasBatchNormMomentum"/>.
/// </summary>
public static class Init
{
    /// <summary>Keras BatchNormalization ε.</summary>
    public const double KerasBatchNormEps = 1e-3;
    /// <summary>Keras BatchNormalization momentum 0.99 written in PyTorch's convention (1 − 0.99).</summary>
    public const double KerasBatchNormMomentum = 0.01;

    /// <summary>Initialises every convolution, Linear and BatchNorm of <paramref name="model"/> as <paramref name="init"/> says, drawing from <c>Seeds.Generator(seed)</c>.</summary>
    public static void Apply(nn.Module model, ModelInit init, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var gen = Seeds.Generator(seed);
        using var _ = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv1d m: Kernel(m.weight!, init, gen); m.bias?.zero_(); break;
                case Conv2d m: Kernel(m.weight!, init, gen); m.bias?.zero_(); break;
                case ConvTranspose1d m: Kernel(m.weight!, init, gen, transposed: true); m.bias?.zero_(); break;
                case ConvTranspose2d m: Kernel(m.weight!, init, gen, transposed: true); m.bias?.zero_(); break;
                case Linear fc:
                {
                    var w = fc.weight!;
                    if (init == ModelInit.Torch) Normal(w, 0.01, gen);
                    else GlorotUniform(w, gen);
                    fc.bias?.zero_();
                    break;
                }
                case BatchNorm1d bn: bn.weight?.fill_(1); bn.bias?.zero_(); bn.running_mean?.zero_(); bn.running_var?.fill_(1); break;
                case BatchNorm2d bn: bn.weight?.fill_(1); bn.bias?.zero_(); bn.running_mean?.zero_(); bn.running_var?.fill_(1); break;
            }
        }
    }

    /// <summary>
    /// Glorot-uniform limit √(6 / (fan_in + fan_out)) of a kernel of shape [out, in, …receptive] (Keras's fans; a transposed
    /// kernel [in, out, …] has the same sum).
    /// </summary>
    public static double GlorotLimit(long[] shape)
    {
        if (shape.Length < 2) throw new ArgumentException($"A kernel has at least 2 axes; got shape [{string.Join(", ", shape)}].");
        long receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return Math.Sqrt(6.0 / ((shape[0] + shape[1]) * receptive));
    }

    static void Kernel(Tensor w, ModelInit init, Generator gen, bool transposed = false)
    {
        if (init == ModelInit.Keras) { GlorotUniform(w, gen); return; }
        long receptive = 1;
        for (int i = 2; i < w.shape.Length; i++) receptive *= w.shape[i];
        long fanOut = (transposed ? w.shape[1] : w.shape[0]) * receptive;
        Normal(w, Math.Sqrt(2.0 / fanOut), gen);   // kaiming_normal_(fan_out, relu)
    }

    static void Normal(Tensor w, double std, Generator gen)
    {
        using var r = randn(w.shape, ScalarType.Float64, generator: gen);
        w.copy_(r.mul_(std));
    }

    static void GlorotUniform(Tensor w, Generator gen)
    {
        double limit = GlorotLimit(w.shape);
        using var r = rand(w.shape, ScalarType.Float64, generator: gen);
        w.copy_(r.mul_(2 * limit).sub_(limit));
    }
}
