using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// IDC's MLP autoencoder (model.py:38-66): the encoder is [Linear → BatchNorm → ReLU] for each hidden width, then a
/// plain Linear to the latent size d; the decoder mirrors it and ends in Linear(·, D).
/// <c>new MlpAutoencoder(784, new[] { 512, 512, 2048 }, 10)</c> is the MNIST network of Table 6.
/// </summary>
public sealed class MlpAutoencoder : nn.Module<Tensor, Tensor>
{
    /// <summary>f₂ of the paper: x → h, [B,D] → [B,d].</summary>
    public Sequential Encoder { get; }
    /// <summary>f₃ of the paper: h → x̂, [B,d] → [B,D].</summary>
    public Sequential Decoder { get; }
    /// <summary>Latent width d.</summary>
    public long Latent { get; }

    /// <param name="features">D</param>
    /// <param name="hidden">hidden widths of the encoder, in order (the decoder uses them reversed)</param>
    /// <param name="latent">d</param>
    public MlpAutoencoder(long features, IReadOnlyList<int> hidden, long latent) : base(nameof(MlpAutoencoder))
    {
        if (features < 1 || latent < 1 || hidden.Any(h => h < 1))
            throw new ArgumentException($"widths must be ≥ 1; got D = {features}, hidden = [{string.Join(",", hidden)}], d = {latent}.");
        Latent = latent;
        Encoder = Stack(features, hidden, latent);
        Decoder = Stack(latent, hidden.Reverse().ToArray(), features);
        RegisterComponents();
    }

    static Sequential Stack(long input, IReadOnlyList<int> hidden, long output)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        long width = input;
        for (int i = 0; i < hidden.Count; i++)
        {
            layers.Add(($"fc{i + 1}", nn.Linear(width, hidden[i])));
            layers.Add(($"bn{i + 1}", nn.BatchNorm1d(hidden[i])));
            layers.Add(($"relu{i + 1}", nn.ReLU()));
            width = hidden[i];
        }
        layers.Add(("out", nn.Linear(width, output)));
        return nn.Sequential(layers);
    }

    /// <summary>Reconstruction f₃(f₂(x)).</summary>
    public override Tensor forward(Tensor x) => Decoder.forward(Encoder.forward(x));
}
