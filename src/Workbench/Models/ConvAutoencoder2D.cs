using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// Grad-CeAM's image convolutional autoencoder as in the official code (digest §2, AutoEncoder_2D.py): encoder
/// Conv2D('valid', stride s_i) + ReLU per layer → Flatten → Dense(m) (linear; the paper's text says GAP, the code
/// uses Flatten); decoder Dense(u·u·32, ReLU) → reshape → for each layer from last to first ConvTranspose2D
/// (filters_i, kernel_i, stride s_i, 'same') + ReLU → ConvTranspose2D(C, 3, stride 1, 'same') → sigmoid,
/// with u = H / ∏s_i. The MNIST configuration is filters [32, 64], kernels [3, 5], strides [2, 2] (28×28 → 13×13×32
/// → 5×5×64 → 1600 → 10). Keras initialisation (<see cref="Init"/>) from the constructor's seed.
/// The target layer of Grad-CeAM is the last Conv2D after its ReLU.
/// </summary>
public sealed class ConvAutoencoder2D : nn.Module<Tensor, Tensor>, IConvAutoencoder
{
    readonly ModuleList<Conv2d> _enc = new();
    readonly Linear _dense;
    readonly Linear _decDense;
    readonly ModuleList<ConvTranspose2d> _dec = new();
    readonly ConvTranspose2d _out;
    readonly long _u;

    /// <param name="channels">input channels C (1 for MNIST)</param>
    /// <param name="height">input height H</param>
    /// <param name="width">input width W</param>
    /// <param name="filters">filters per conv layer ([32, 64] for MNIST)</param>
    /// <param name="kernels">kernel size per conv layer ([3, 5])</param>
    /// <param name="strides">stride per conv layer ([2, 2])</param>
    /// <param name="latentDim">size m of the code (10)</param>
    /// <param name="seed">seed of the Keras-style initialisation</param>
    public ConvAutoencoder2D(int channels = 1, int height = 28, int width = 28, int[]? filters = null, int[]? kernels = null,
        int[]? strides = null, int latentDim = 10, long seed = 0) : base(nameof(ConvAutoencoder2D))
    {
        filters ??= [32, 64]; kernels ??= [3, 5]; strides ??= [2, 2];
        if (filters.Length == 0 || filters.Length != kernels.Length || filters.Length != strides.Length)
            throw new ArgumentException($"filters, kernels and strides need one entry per conv layer; got {filters.Length}, {kernels.Length}, {strides.Length}.");
        if (channels < 1 || latentDim < 1) throw new ArgumentException($"channels and latentDim must be ≥ 1; got {channels}, {latentDim}.");
        long prod = strides.Aggregate(1L, (a, s) => a * s);
        if (height != width || height % prod != 0)
            throw new ArgumentException($"The decoder starts from u×u with u = H/∏strides; needs square images with H divisible by {prod}; got {height}×{width}.");
        InputShape = [channels, height, width];
        Filters = filters; Kernels = kernels; Strides = strides; LatentDim = latentDim;
        long h = height, inC = channels;
        for (int i = 0; i < filters.Length; i++)
        {
            _enc.Add(nn.Conv2d(inC, filters[i], kernels[i], stride: strides[i])); // 'valid'
            h = (h - kernels[i]) / strides[i] + 1;
            if (h < 1) throw new ArgumentException($"Conv layer {i} leaves no pixels for a {height}×{width} input; use fewer or smaller layers.");
            inC = filters[i];
        }
        TargetShape = [filters[^1], h, h];
        _dense = nn.Linear(filters[^1] * h * h, latentDim);
        _u = height / prod;
        _decDense = nn.Linear(latentDim, _u * _u * 32);
        long decIn = 32;
        for (int i = filters.Length - 1; i >= 0; i--)
        {
            // Keras Conv2DTranspose 'same' with stride s: output = input·s (PyTorch: padding k//2, output_padding s−1+2·(k//2)−k+1).
            int k = kernels[i], s = strides[i], p = k / 2, op = s - 1 + 2 * p - k + 1;
            _dec.Add(nn.ConvTranspose2d(decIn, filters[i], k, stride: s, padding: p, output_padding: op));
            decIn = filters[i];
        }
        _out = nn.ConvTranspose2d(decIn, channels, 3, stride: 1, padding: 1);
        RegisterComponents();
        Init.Apply(this, ModelInit.Keras, seed);
    }

    /// <inheritdoc/>
    public long[] InputShape { get; }
    /// <summary>Shape of the target layer without the batch axis (F, h', w').</summary>
    public long[] TargetShape { get; }
    /// <inheritdoc/>
    public int SpatialDims => 2;
    /// <inheritdoc/>
    public int LatentDim { get; }
    /// <summary>Filters per conv layer.</summary>
    public int[] Filters { get; }
    /// <summary>Kernel size per conv layer.</summary>
    public int[] Kernels { get; }
    /// <summary>Stride per conv layer.</summary>
    public int[] Strides { get; }

    /// <summary>Checks that <paramref name="x"/> is [N, C, H, W] with this model's C, H, W.</summary>
    public void CheckInput(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != InputShape[0] || x.shape[2] != InputShape[1] || x.shape[3] != InputShape[2])
            throw new ArgumentException($"Expected images [N, {InputShape[0]}, {InputShape[1]}, {InputShape[2]}]; got [{string.Join(", ", x.shape)}]. " +
                "Reshape the images (e.g. x.reshape(-1, C, H, W)) or build the model for this size and channel count.");
    }

    /// <inheritdoc/>
    public Tensor Head(Tensor x)
    {
        CheckInput(x);
        var h = x;
        foreach (var c in _enc) { var y = nn.functional.relu(c.forward(h)); if (!ReferenceEquals(h, x)) h.Dispose(); h = y; }
        return h;
    }

    /// <inheritdoc/>
    public Tensor Tail(Tensor a)
    {
        if (a.dim() != 4 || a.shape[1] != TargetShape[0] || a.shape[2] != TargetShape[1] || a.shape[3] != TargetShape[2])
            throw new ArgumentException($"Target-layer activations must be [N, {string.Join(", ", TargetShape)}]; got [{string.Join(", ", a.shape)}].");
        using var f = a.flatten(1);
        return _dense.forward(f);
    }

    /// <inheritdoc/>
    public Tensor Encode(Tensor x) { using var a = Head(x); return Tail(a); }

    /// <summary>
    /// The encoder as one <c>Sequential</c> over this model's own layers (<c>conv0</c>, <c>relu0</c>, …, <c>flatten</c>,
    /// <c>dense</c>): x [N,C,H,W] → z [N,m], equal to <see cref="Encode"/>. For the LRP engine, whose hooks need modules
    /// invoked through <c>call</c>; it shares the parameters and adds none (the state dict is unchanged).
    /// </summary>
    public Sequential EncoderNetwork()
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < _enc.Count; i++) { layers.Add(($"conv{i}", _enc[i])); layers.Add(($"relu{i}", nn.ReLU())); }
        layers.Add(("flatten", nn.Flatten()));
        layers.Add(("dense", _dense));
        var net = nn.Sequential(layers.ToArray());
        if (!training) net.eval();
        return net;
    }

    /// <inheritdoc/>
    public Tensor Decode(Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(_decDense.forward(z)).reshape(z.shape[0], 32, _u, _u);
        foreach (var d in _dec) h = nn.functional.relu(d.forward(h));
        return torch.sigmoid(_out.forward(h)).MoveToOuterDisposeScope();
    }

    /// <summary>Reconstruction g(f(x)).</summary>
    public override Tensor forward(Tensor x) { using var z = Encode(x); return Decode(z); }
}
