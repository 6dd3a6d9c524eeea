using TorchSharp;
using TorchSharp.Modules;
using Workbench.Clustering;
using Workbench.Datasets;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Reporting;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Studies.Neon;

/// <summary>
/// What the Table I deep rows are computed on: images, the network below the explained units (<see cref="Lower"/>: images →
/// units a [N,C,h,w]) and between the units and the clustered block (<see cref="Upper"/>: a → top block). The paper's is
/// STL-10 with ImageNet VGG-16, units = block-3 output (256 maps), clustering on the block-5 output
/// (<see cref="DeepTableOne.Vgg16Stl10"/>); here Fashion-MNIST with <see cref="SmallCnn"/> (<see cref="DeepTableOne.FashionMnist"/>).
/// </summary>
/// <param name="Description">data and network, for the notebook</param>
/// <param name="Images">the points, as the network's input [N,…]</param>
/// <param name="Lower">images → units</param>
/// <param name="Upper">units → the clustered block</param>
/// <param name="UnitsLayer">name of the units' layer</param>
/// <param name="HeadLayer">name of the clustered layer</param>
/// <param name="Network">the whole network (kept alive while the setup is used)</param>
public sealed record DeepSetup(string Description, Tensor Images, Sequential Lower, Sequential Upper, string UnitsLayer, string HeadLayer, nn.Module Network);

/// <summary>
/// NEON Table I, deep rows (§VII), on what these machines have: a network split at the explained units, k-means on its top
/// block ("-s") and a soft k-means head (App. E, the relative question of Prop. 6's form) standing in for SCAN ("-u"),
/// evaluated with Algorithm 1 with the removed maps set to zero (<see cref="DeepEvaluation"/>).
/// </summary>
public static class DeepTableOne
{
    /// <summary>The paper's deep rows, (model, K) → columns in <see cref="ChannelRelevanceMethods.All"/> order (STL-10, N = 5000, 256 units).</summary>
    public static readonly IReadOnlyDictionary<(string Model, int K), double[]> Paper = new Dictionary<(string, int), double[]>
    {
        [("s", 10)] = new[] { 50.52, 66.66, 75.30, 56.11, 66.99, 77.93 },
        [("s", 100)] = new[] { 32.42, 53.34, 48.78, 39.47, 41.85, 65.09 },
        [("s", 1000)] = new[] { 27.32, 50.36, 46.63, 34.99, 38.85, 52.38 },
        [("u", 10)] = new[] { 58.66, 68.54, 75.69, 59.40, 70.84, 85.76 },
        [("u", 100)] = new[] { 38.72, 49.02, 31.77, 41.73, 25.52, 55.38 },
        [("u", 1000)] = new[] { 22.98, 32.45, 9.28, 27.63, 6.83, 23.40 },
    };

    /// <summary>
    /// Fashion-MNIST (<paramref name="points"/> held-out images, sampled with <paramref name="seed"/>) and a <see cref="SmallCnn"/>
    /// trained as a classifier on <paramref name="trainImages"/> other images for <paramref name="epochs"/> epochs (weights cached
    /// under <c>artifacts/models/</c>, keyed by the configuration and seed). Units = block-1 output (<c>features.4</c>,
    /// <paramref name="channels1"/> maps of 14×14), clustering on the block-2 output (<c>features.9</c>, <paramref name="channels2"/>×7×7).
    /// </summary>
    public static DeepSetup FashionMnist(int points, int trainImages, int epochs, long seed = 0, int channels1 = 16, int channels2 = 32)
    {
        if (points < 2 || trainImages < 1 || epochs < 1) throw new ArgumentException("points ≥ 2, trainImages ≥ 1 and epochs ≥ 1 are needed.");
        var data = Dataset.Load("fashion-mnist", limit: trainImages + points, seed: (int)seed);
        using var images = data.Images();
        using var labels = data.LabelTensor();
        var (cnn, how) = TrainedSmallCnn(images.narrow(0, 0, trainImages), labels.narrow(0, 0, trainImages), epochs, seed, channels1, channels2,
                                         dataKey: $"fmnist-sample{trainImages + points}");
        var heldOut = images.narrow(0, trainImages, points).clone();
        double acc;
        using (no_grad()) acc = cnn.call(heldOut).argmax(1).eq(labels.narrow(0, trainImages, points)).to_type(ScalarType.Float64).mean().ToDouble();
        return new DeepSetup($"Fashion-MNIST, {points} held-out images; SmallCnn {channels1}-{channels2} {how} (held-out accuracy {acc:P1})",
            heldOut, Slice(cnn.Features, 0, 4), Slice(cnn.Features, 5, 9), "features.4", "features.9", cnn);
    }

    /// <summary>
    /// The paper's configuration for a user who has the data: STL-10 images from the binary file <paramref name="stl10Images"/>
    /// (e.g. <c>stl10_binary/test_X.bin</c>), ImageNet-normalised, and VGG-16 with torchvision's weights
    /// <paramref name="vgg16Weights"/> (<c>vgg16-397923af.pth</c>). Units = block-3 output (<c>features.16</c>, 256 maps),
    /// clustering on the block-5 output (<c>features.30</c>).
    /// </summary>
    public static DeepSetup Vgg16Stl10(string stl10Images, string vgg16Weights, int points = 5000)
    {
        if (!File.Exists(vgg16Weights)) throw new FileNotFoundException($"no VGG-16 weights at '{vgg16Weights}'; give torchvision's vgg16-397923af.pth.", vgg16Weights);
        var rgb = Stl10.ReadImages(stl10Images, points);
        var vgg = Vgg.Create(VggDepth.Vgg16);
        Models.Weights.PyTorchWeights.Load(vgg, vgg16Weights);
        var mean = tensor(ImageNet.Mean).reshape(1, 3, 1, 1); var std = tensor(ImageNet.Std).reshape(1, 3, 1, 1);
        var x = (rgb - mean) / std;
        return new DeepSetup($"STL-10 ({rgb.shape[0]} images from {stl10Images}); VGG-16 with {vgg16Weights}", x,
            Slice(vgg.Features, 0, 16), Slice(vgg.Features, 17, 30), "features.16", "features.30", vgg);
    }

    /// <summary>
    /// A <see cref="SmallCnn"/> trained with cross-entropy (Adam, lr 10⁻³, batch 64, seeded), or loaded from
    /// <c>artifacts/models/</c> when this configuration (architecture, data key, size, epochs, seed) was trained before; also says which.
    /// </summary>
    /// <param name="images">training images [N,1,28,28]</param>
    /// <param name="labels">their classes [N]</param>
    /// <param name="epochs">passes over the images</param>
    /// <param name="seed">seed of the initial weights and the batch order</param>
    /// <param name="channels1">maps of block 1</param>
    /// <param name="channels2">maps of block 2</param>
    /// <param name="dataKey">names the training data in the cache key (e.g. the sample it was drawn from)</param>
    public static (SmallCnn Model, string How) TrainedSmallCnn(Tensor images, Tensor labels, int epochs, long seed, int channels1 = 16, int channels2 = 32, string dataKey = "data")
    {
        var path = Artifacts.Path("models", $"smallcnn-{channels1}-{channels2}-{dataKey}-n{images.shape[0]}-e{epochs}-seed{seed}.bin");
        var cnn = SmallCnn.Create(channels1, channels2, seed: seed);
        if (File.Exists(path))
        {
            Trainer.LoadCheckpoint(cnn, path);
            cnn.eval();
            return (cnn, $"loaded from {Path.GetFileName(path)} (trained earlier: {epochs} epochs on {images.shape[0]} images)");
        }
        var trainer = new Trainer(Training.Losses.CrossEntropy, learningRate: 1e-3, epochs: epochs, batchSize: 64, seed: seed,
            metric: Training.Metrics.Accuracy, title: "SmallCnn on Fashion-MNIST").Fit(cnn, images, labels);
        Trainer.SaveCheckpoint(cnn, path);
        var last = trainer.History[^1];
        return (cnn, $"trained {epochs} epochs on {images.shape[0]} images (last epoch: loss {last.Loss:F3}, accuracy {last.Metric:P1})");
    }

    /// <summary>A <c>Sequential</c> of the children <paramref name="from"/>…<paramref name="to"/> (inclusive) of <paramref name="features"/>, sharing its modules and names.</summary>
    public static Sequential Slice(Sequential features, int from, int to)
    {
        var children = features.named_children().ToList();
        if (from < 0 || to >= children.Count || from > to)
            throw new ArgumentException($"layers {from}…{to} are not inside the network's 0…{children.Count - 1}.");
        var s = nn.Sequential(children.Skip(from).Take(to - from + 1).Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module)).ToArray());
        s.eval();
        return s;
    }

    /// <summary>Activations of <paramref name="module"/> on <paramref name="x"/> in chunks of <paramref name="batchSize"/>, without gradient.</summary>
    public static Tensor Forward(nn.Module<Tensor, Tensor> module, Tensor x, int batchSize = 500)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long s = 0; s < x.shape[0]; s += batchSize) parts.Add(module.call(x.narrow(0, s, Math.Min(batchSize, x.shape[0] - s))));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>"-s": k-means (K = <paramref name="k"/>) on the flattened top block ψ [N,D] (float64 for the fit), as a <see cref="DeepUnitModel"/>.</summary>
    public static (DeepUnitModel Model, KMeans KMeans) KMeansHead(Sequential upper, Tensor psi, int k, long seed = 0, int nInit = 3)
    {
        var km = new KMeans(k, nInit: nInit, seed: seed).Fit(psi.to_type(ScalarType.Float64));
        return (new DeepUnitModel(upper, km.Centroids.to_type(psi.dtype), 1.0, $"-s (k-means) K={k}"), km);
    }

    /// <summary>
    /// "-u": soft k-means (App. E-A, p_k ∝ exp(−τ‖ψ − μ_k‖²)) fitted without labels on ψ, τ = <paramref name="sharpness"/> / 𝔼[f_c] of a
    /// hard k-means (so log(p_c / max_k p_k) averages about <paramref name="sharpness"/>), as a <see cref="DeepUnitModel"/> with scale τ.
    /// </summary>
    public static (DeepUnitModel Model, SoftKMeans Soft, double Tau) SoftHead(Sequential upper, Tensor psi, KMeans hard, int k, long seed = 0,
        int nInit = 3, double sharpness = 2.0, int maxIter = 100)
    {
        var x = psi.to_type(ScalarType.Float64);
        double tau;
        using (var scope = NewDisposeScope())
        {
            var (d, _) = Distances.Squared(x, hard.Centroids).sort(1);                   // [N,K] ascending
            tau = sharpness / (d[.., 1] - d[.., 0]).mean().ToDouble();                    // f_c of k-means = 2nd − 1st distance
        }
        var soft = new SoftKMeans(k, stiffness: tau, nInit: nInit, maxIter: maxIter, seed: seed).Fit(x);
        return (new DeepUnitModel(upper, soft.Centroids.to_type(psi.dtype), tau, $"-u (soft k-means) K={k}"), soft, tau);
    }
}
