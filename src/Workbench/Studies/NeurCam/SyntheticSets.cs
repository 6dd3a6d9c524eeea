using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Studies.NeurCam;

/// <summary>A synthetic set: interpretable features X, the loss representation X̃ and the true labels.</summary>
public sealed record SyntheticSet(Tensor X, Tensor Representation, Tensor Labels, int K, string Description);

/// <summary>The synthetic checks of the NeurCAM digest (§6.6), generated from their formulas with an explicit seed.</summary>
public static class SyntheticSets
{
    /// <summary>
    /// Blobs in x0,x1 only: centres (−3,0), (3,0), (0,4), sd 0.5, equal sizes; x2..x(D−1) are N(0,1) noise; x̃ = x.
    /// A model limited to 2 single channels must select features {0,1}.
    /// </summary>
    public static SyntheticSet Blobs(int n = 3000, int d = 6, long seed = 0)
    {
        if (d < 2) throw new ArgumentException($"Blobs needs d ≥ 2; got {d}.");
        var g = Seeds.Generator(seed);
        var centres = tensor(new double[,] { { -3, 0 }, { 3, 0 }, { 0, 4 } });
        var labels = arange(n, dtype: ScalarType.Int64) % 3;
        var x = randn(new long[] { n, d }, dtype: ScalarType.Float64, generator: g);
        x[.., TensorIndex.Slice(0, 2)] = centres.index_select(0, labels) + 0.5 * x[.., TensorIndex.Slice(0, 2)];
        return new SyntheticSet(x, x.clone(), labels, 3, $"3 blobs in x0,x1 (sd 0.5) + {d - 2} N(0,1) noise features, N = {n}");
    }

    /// <summary>
    /// XOR: x ~ N(0,1)^D, label = [sign(x0)·sign(x1) &gt; 0], x̃ = 3·onehot(label), K = 2. No sum of single-feature
    /// functions separates it; one pairwise channel on (x0,x1) does.
    /// </summary>
    public static SyntheticSet Xor(int n = 2000, int d = 4, long seed = 0)
    {
        if (d < 2) throw new ArgumentException($"Xor needs d ≥ 2; got {d}.");
        var g = Seeds.Generator(seed);
        var x = randn(new long[] { n, d }, dtype: ScalarType.Float64, generator: g);
        var labels = (x[.., 0] * x[.., 1]).gt(0).to(ScalarType.Int64);
        var rep = 3 * nn.functional.one_hot(labels, 2).to(ScalarType.Float64);
        return new SyntheticSet(x, rep, labels, 2, $"XOR of sign(x0), sign(x1) + {d - 2} noise features, x̃ = 3·onehot(label), N = {n}");
    }
}
