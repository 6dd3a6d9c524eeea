using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// A small VGG-style CNN for 28×28 grey images (Fashion-MNIST, MNIST), named like torchvision's VGG:
/// <c>features</c> = two blocks of [conv 3×3 → ReLU → conv 3×3 → ReLU → max-pool 2×2] (28 → 14 → 7),
/// <c>classifier</c> = Linear(c₂·7·7 → hidden) → ReLU → Dropout → Linear(hidden → classes).
/// <code>using var cnn = SmallCnn.Create(seed: 0);                    // [N, 1, 28, 28] → logits [N, 10]
/// new Trainer(Losses.CrossEntropy, epochs: 3, batchSize: 64, seed: 0).Fit(cnn, x, y);</code>
/// </summary>
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // torchvision-style names: the fields name the state_dict entries
    readonly Sequential features;
    readonly Sequential classifier;
#pragma warning restore IDE1006

    SmallCnn(int channels1, int channels2, int hidden, int classes, double dropout) : base("small_cnn")
    {
        Channels1 = channels1; Channels2 = channels2; Hidden = hidden; Classes = classes;
        features = nn.Sequential(
            ("0", nn.Conv2d(1, channels1, 3, padding: 1)), ("1", nn.ReLU()),
            ("2", nn.Conv2d(channels1, channels1, 3, padding: 1)), ("3", nn.ReLU()), ("4", nn.MaxPool2d(2, 2)),
            ("5", nn.Conv2d(channels1, channels2, 3, padding: 1)), ("6", nn.ReLU()),
            ("7", nn.Conv2d(channels2, channels2, 3, padding: 1)), ("8", nn.ReLU()), ("9", nn.MaxPool2d(2, 2)));
        classifier = nn.Sequential(
            ("0", nn.Linear(channels2 * 7 * 7, hidden)), ("1", nn.ReLU()), ("2", nn.Dropout(dropout)),
            ("3", nn.Linear(hidden, classes)));
        RegisterComponents();
    }

    /// <summary>Builds the network with seeded initial weights, in eval() mode.</summary>
    /// <param name="channels1">Channels of the first block (default 16).</param>
    /// <param name="channels2">Channels of the second block (default 32).</param>
    /// <param name="hidden">Width of the hidden linear layer (default 128).</param>
    /// <param name="classes">Outputs (default 10).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="init">torch-style (Kaiming-normal convs, N(0, 0.01) linears) or Keras-style (Glorot-uniform) weights.</param>
    /// <param name="dropout">Dropout probability before the last layer.</param>
    /// <param name="device">Device; <see cref="Devices.Default"/> when null.</param>
    public static SmallCnn Create(int channels1 = 16, int channels2 = 32, int hidden = 128, int classes = 10, long seed = 0,
                                  ModelInit init = ModelInit.Keras, double dropout = 0.25, Device? device = null)
    {
        if (channels1 < 1 || channels2 < 1 || hidden < 1 || classes < 1)
            throw new ArgumentException("Channel counts, hidden width and classes must all be at least 1.");
        var cnn = new SmallCnn(channels1, channels2, hidden, classes, dropout);
        Init.Apply(cnn, init, seed);
        cnn.to(Devices.Resolve(device));
        cnn.eval();
        return cnn;
    }

    /// <summary>Channels of the first block.</summary>
    public int Channels1 { get; }
    /// <summary>Channels of the second block.</summary>
    public int Channels2 { get; }
    /// <summary>Width of the hidden linear layer.</summary>
    public int Hidden { get; }
    /// <summary>Number of classes.</summary>
    public int Classes { get; }
    /// <summary>The convolutional part (<c>features.N</c>).</summary>
    public Sequential Features => features;
    /// <summary>The fully connected part (<c>classifier.N</c>).</summary>
    public Sequential Classifier => classifier;

    /// <summary>Logits [N, classes] of images [N, 1, 28, 28] (or [N, 784], reshaped).</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() == 2 && x.shape[1] == 28 * 28) x = x.reshape(-1, 1, 28, 28);
        if (x.dim() != 4 || x.shape[1] != 1 || x.shape[2] != 28 || x.shape[3] != 28)
            throw new ArgumentException($"SmallCnn takes grey 28×28 images [N, 1, 28, 28] (or [N, 784]); got [{string.Join(", ", x.shape)}].", nameof(x));
        // No dispose scope here: LRP's forward hooks keep layer outputs created during this call.
        var h = features.call(x).flatten(1);
        return classifier.call(h);
    }
}
