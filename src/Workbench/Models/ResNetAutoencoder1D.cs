using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// 1-D convolution with 'same' padding as Keras and PyTorch do it: total padding k − 1, ⌊(k−1)/2⌋ on the left and
/// the rest on the right (k = 8 pads 3 left, 4 right), stride 1.
/// </summary>
public sealed class SameConv1d : nn.Module<Tensor, Tensor>
{
    readonly Conv1d _conv;
    readonly long _left, _right;

    /// <summary>Conv1d(in → out, kernel) with 'same' padding.</summary>
    public SameConv1d(long inChannels, long outChannels, long kernel) : base(nameof(SameConv1d))
    {
        _conv = nn.Conv1d(inChannels, outChannels, kernel);
        _left = (kernel - 1) / 2; _right = kernel - 1 - _left;
        RegisterComponents();
    }

    /// <summary>The wrapped convolution (weight [out, in, k], bias [out]).</summary>
    public Conv1d Conv => _conv;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        if (_left == 0 && _right == 0) return _conv.forward(x);
        using var p = nn.functional.pad(x, [_left, _right]);
        return _conv.forward(p);
    }
}

/// <summary>
/// Residual block of the time-series ResNet (digest §2, Resnet_1D.py:55-74): Conv(k8) → BN → ReLU → Conv(k5) → BN →
/// ReLU → Conv(k3) → BN, shortcut Conv(k1) → BN, add, ReLU; all 'same', Keras BatchNorm settings.
/// </summary>
public sealed class ResidualBlock1D : nn.Module<Tensor, Tensor>
{
    readonly SameConv1d _c1, _c2, _c3, _sc;
    readonly BatchNorm1d _b1, _b2, _b3, _bs;

    /// <summary>Block from <paramref name="inChannels"/> to <paramref name="filters"/> channels with kernels 8, 5, 3.</summary>
    public ResidualBlock1D(long inChannels, long filters) : base(nameof(ResidualBlock1D))
    {
        _c1 = new SameConv1d(inChannels, filters, 8); _b1 = Bn(filters);
        _c2 = new SameConv1d(filters, filters, 5); _b2 = Bn(filters);
        _c3 = new SameConv1d(filters, filters, 3); _b3 = Bn(filters);
        _sc = new SameConv1d(inChannels, filters, 1); _bs = Bn(filters);
        RegisterComponents();
    }

    static BatchNorm1d Bn(long f) => nn.BatchNorm1d(f, eps: Init.KerasBatchNormEps, momentum: Init.KerasBatchNormMomentum);

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(_b1.forward(_c1.forward(x)));
        h = nn.functional.relu(_b2.forward(_c2.forward(h)));
        h = _b3.forward(_c3.forward(h));
        var s = _bs.forward(_sc.forward(x));
        return nn.functional.relu(h + s).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Grad-CeAM's time-series ResNet autoencoder as in the official code (digest §2, Resnet_1D.py): encoder = 3
/// <see cref="ResidualBlock1D"/> (filters [64, 128, 128]) → global average pooling → Dense(m) (linear); decoder =
/// Dense(T·C) (linear) → reshape (C, T) → blocks with the filters reversed ([128, 128, 64]) → Conv1D(C, 3, 'same')
/// (linear). The target layer is the ReLU after the residual add of the last encoder block. Keras initialisation
/// and BatchNorm settings (<see cref="Init"/>) from the constructor's seed. Call <c>eval()</c> before explaining
/// (BatchNorm in inference mode, samples independent).
/// </summary>
public sealed class ResNetAutoencoder1D : nn.Module<Tensor, Tensor>, IConvAutoencoder
{
    readonly ModuleList<ResidualBlock1D> _enc = new();
    readonly Linear _dense, _decDense;
    readonly ModuleList<ResidualBlock1D> _dec = new();
    readonly SameConv1d _out;

    /// <param name="length">series length T</param>
    /// <param name="channels">channels C per time step (1 for univariate series)</param>
    /// <param name="filters">filters of the 3 encoder blocks ([64, 128, 128] in the code; [32, 64, 64] is the half-width quick setting)</param>
    /// <param name="latentDim">size m of the code (10)</param>
    /// <param name="seed">seed of the Keras-style initialisation</param>
    public ResNetAutoencoder1D(int length, int channels = 1, int[]? filters = null, int latentDim = 10, long seed = 0) : base(nameof(ResNetAutoencoder1D))
    {
        filters ??= [64, 128, 128];
        if (length < 1 || channels < 1 || latentDim < 1 || filters.Length == 0 || filters.Any(f => f < 1))
            throw new ArgumentException($"length, channels, latentDim and every filter count must be ≥ 1; got T = {length}, C = {channels}, m = {latentDim}, filters [{string.Join(", ", filters)}].");
        InputShape = [channels, length]; LatentDim = latentDim; Filters = filters;
        long inC = channels;
        foreach (var f in filters) { _enc.Add(new ResidualBlock1D(inC, f)); inC = f; }
        _dense = nn.Linear(inC, latentDim);
        _decDense = nn.Linear(latentDim, (long)length * channels);
        inC = channels;
        foreach (var f in filters.Reverse()) { _dec.Add(new ResidualBlock1D(inC, f)); inC = f; }
        _out = new SameConv1d(inC, channels, 3);
        RegisterComponents();
        Init.Apply(this, ModelInit.Keras, seed);
    }

    /// <inheritdoc/>
    public long[] InputShape { get; }
    /// <inheritdoc/>
    public int SpatialDims => 1;
    /// <inheritdoc/>
    public int LatentDim { get; }
    /// <summary>Filters of the encoder blocks.</summary>
    public int[] Filters { get; }
    /// <summary>The Dense layer after global average pooling (weight [m, F]).</summary>
    public Linear Dense => _dense;

    /// <summary>Checks that <paramref name="x"/> is [N, C, T] with this model's C and T.</summary>
    public void CheckInput(Tensor x)
    {
        if (x.dim() != 3 || x.shape[1] != InputShape[0] || x.shape[2] != InputShape[1])
            throw new ArgumentException($"Expected series [N, {InputShape[0]}, {InputShape[1]}] (N series of length {InputShape[1]}); got [{string.Join(", ", x.shape)}]. " +
                "Use x.unsqueeze(1) for [N, T] univariate series, or build the model with this length.");
    }

    /// <inheritdoc/>
    public Tensor Head(Tensor x)
    {
        CheckInput(x);
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var b in _enc) h = b.forward(h);
        return h.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Tail(Tensor a)
    {
        if (a.dim() != 3 || a.shape[1] != Filters[^1])
            throw new ArgumentException($"Target-layer activations must be [N, {Filters[^1]}, T]; got [{string.Join(", ", a.shape)}].");
        using var g = a.mean([2]);
        return _dense.forward(g);
    }

    /// <inheritdoc/>
    public Tensor Encode(Tensor x) { using var a = Head(x); return Tail(a); }

    /// <inheritdoc/>
    public Tensor Decode(Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = _decDense.forward(z).reshape(z.shape[0], InputShape[1], InputShape[0]).transpose(1, 2); // Keras Reshape(T, C) → [N, C, T]
        foreach (var b in _dec) h = b.forward(h);
        return _out.forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>Reconstruction g(f(x)).</summary>
    public override Tensor forward(Tensor x) { using var z = Encode(x); return Decode(z); }
}
