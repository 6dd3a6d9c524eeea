using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// The affine layers the rules modify (Linear, Conv1d/2d/3d, ConvTranspose1d/2d/3d): their parameters, and their map
/// applied with other parameters (zennit's <c>ParamMod</c>: swap the parameters, run the module's own forward, restore),
/// so stride, padding, dilation, groups and padding mode are the module's own.
/// </summary>
public static class ParametricLayers
{
    /// <summary>Whether <paramref name="module"/> is an affine layer with a weight.</summary>
    public static bool Is(nn.Module module) => module is Linear or Convolution;

    /// <summary>Whether <paramref name="module"/> is a (transposed) convolution.</summary>
    public static bool IsConvolution(nn.Module module) => module is Convolution;

    /// <summary>(weight, bias) of an affine layer; bias null when absent.</summary>
    public static (Tensor Weight, Tensor? Bias) Parameters(nn.Module module) => module switch
    {
        Linear l => (l.weight, l.bias),
        Convolution c => (c.weight!, c.bias),
        _ => throw new ArgumentException($"{module.GetType().Name} is not an affine layer (Linear, ConvNd, ConvTransposeNd)."),
    };

    /// <summary>Index of the output-channel axis of the weight: 0 for Linear and Conv, 1 for ConvTranspose.</summary>
    public static int OutputAxis(nn.Module module) => module is Convolution { transposed: true } ? 1 : 0;

    /// <summary>The layer's map with <paramref name="weight"/> and <paramref name="bias"/> in place of its own parameters.</summary>
    public static Tensor Apply(nn.Module module, Tensor x, Tensor weight, Tensor? bias)
    {
        if (!Is(module)) throw new ArgumentException($"{module.GetType().Name} is not an affine layer (Linear, ConvNd, ConvTransposeNd).");
        Interlocked.Increment(ref _applications);
        // TorchSharp's weight/bias setters dispose the old parameter, so the swap goes through the backing fields.
        var (wf, bf) = Fields(module.GetType());
        object? w0 = wf.GetValue(module), b0 = bf.GetValue(module);
        using var w = new Parameter(weight.detach(), requires_grad: false);
        using var b = bias is null ? null : new Parameter(bias.detach(), requires_grad: false);
        try
        {
            wf.SetValue(module, w); bf.SetValue(module, b);
            return ((nn.Module<Tensor, Tensor>)module).forward(x);
        }
        finally { wf.SetValue(module, w0); bf.SetValue(module, b0); }
    }

    static long _applications;

    /// <summary>How many times <see cref="Apply"/> has run in this process (the profile of <see cref="LrpTrace"/> counts maps per layer).</summary>
    internal static long Applications => Interlocked.Read(ref _applications);

    static readonly Dictionary<Type, (FieldInfo, FieldInfo)> FieldCache = new();

    static (FieldInfo Weight, FieldInfo Bias) Fields(Type type)
    {
        lock (FieldCache)
        {
            if (FieldCache.TryGetValue(type, out var f)) return f;
            FieldInfo? w = null, b = null;
            for (var t = type; t is not null && (w is null || b is null); t = t.BaseType)
            {
                w ??= t.GetField("_weight", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
                b ??= t.GetField("_bias", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            }
            if (w is null || b is null)
                throw new NotSupportedException($"{type.Name}: this TorchSharp version keeps its parameters elsewhere than _weight/_bias; the LRP rules need TorchSharp 0.107.");
            return FieldCache[type] = (w, b);
        }
    }
}
