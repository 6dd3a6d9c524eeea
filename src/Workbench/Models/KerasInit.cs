using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// Keras's default initialisation set explicitly on TorchSharp modules (TorchSharp's defaults differ):
/// Glorot-uniform kernels, zero biases, BatchNorm γ = 1, β = 0, ε = 1e-3 and momentum 0.01 in PyTorch's convention
/// (Keras momentum 0.99). Draws come from the given generator (<c>nn.init.uniform_</c> ignores generators, so the
/// values are drawn with <c>torch.rand</c> and copied).
/// </summary>
public static class KerasInit
{
    /// <summary>Keras BatchNormalization ε.</summary>
    public const double BatchNormEps = 1e-3;
    /// <summary>Keras BatchNormalization momentum 0.99 written in PyTorch's convention (1 − 0.99).</summary>
    public const double BatchNormMomentum = 0.01;

    /// <summary>Glorot-uniform limit √(6 / (fan_in + fan_out)) of a kernel of shape [out, in, …receptive] (Keras's fans; a transposed kernel [in, out, …] gives the same sum).</summary>
    public static double GlorotLimit(long[] shape)
    {
        if (shape.Length < 2) throw new ArgumentException($"A kernel has at least 2 axes; got shape [{string.Join(", ", shape)}].");
        long receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return Math.Sqrt(6.0 / ((shape[0] + shape[1]) * receptive));
    }

    /// <summary>Fills <paramref name="weight"/> with U(−limit, limit), limit = <see cref="GlorotLimit"/>, drawn from <paramref name="generator"/>.</summary>
    public static void GlorotUniform(Tensor weight, Generator generator)
    {
        double limit = GlorotLimit(weight.shape);
        using var _ = no_grad();
        using var u = rand(weight.shape, dtype: weight.dtype, generator: generator);
        weight.copy_(u.mul(2 * limit).sub_(limit));
    }

    /// <summary>Applies Keras's defaults to every Conv1d/Conv2d/ConvTranspose/Linear/BatchNorm in <paramref name="module"/>, in registration order.</summary>
    public static void Apply(nn.Module module, Generator generator)
    {
        using var _ = no_grad();
        foreach (var (_, m) in module.named_modules())
        {
            switch (m)
            {
                case Conv1d c: GlorotUniform(c.weight, generator); c.bias?.zero_(); break;
                case Conv2d c: GlorotUniform(c.weight, generator); c.bias?.zero_(); break;
                case ConvTranspose2d c: GlorotUniform(c.weight, generator); c.bias?.zero_(); break;
                case ConvTranspose1d c: GlorotUniform(c.weight, generator); c.bias?.zero_(); break;
                case Linear l: GlorotUniform(l.weight, generator); l.bias?.zero_(); break;
                case BatchNorm1d b: b.weight?.fill_(1); b.bias?.zero_(); b.running_mean?.zero_(); b.running_var?.fill_(1); break;
                case BatchNorm2d b: b.weight?.fill_(1); b.bias?.zero_(); b.running_mean?.zero_(); b.running_var?.fill_(1); break;
            }
        }
    }
}
