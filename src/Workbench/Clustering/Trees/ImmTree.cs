using static TorchSharp.torch;

namespace Workbench.Clustering.Trees;

/// <summary>
/// The IMM threshold tree (Dasgupta et al. 2020; ExKMC's core) as a clusterer: k-means on x (or given reference labels),
/// then <see cref="Imm.Grow"/> with the reference clusters' means in x as centres: exactly K leaves, each split a
/// threshold on one feature. <c>new ImmTree(k, seed: 0).Fit(x)</c>, then <see cref="TreeClusterer{TSelf}.Tree"/>,
/// <see cref="Mistakes"/>, <see cref="Clusterer{TSelf}.Labels"/>.
/// </summary>
public sealed class ImmTree : TreeClusterer<ImmTree>
{
    /// <param name="k">number of clusters K (= leaves)</param>
    /// <param name="nInit">k-means restarts for the reference clustering</param>
    /// <param name="maxIter">Lloyd iterations per restart</param>
    /// <param name="seed">seed of the reference k-means</param>
    /// <param name="device">device of the reference k-means</param>
    public ImmTree(int k, int nInit = 10, int maxIter = 300, long seed = 0, Device? device = null) : base(k, nInit, maxIter, seed, device) { }

    /// <summary>Centres the tree separates: the reference clusters' means in x, [K,D].</summary>
    public Tensor Centres { get; private set; } = null!;
    /// <summary>Training rows separated from their reference centre by some split (IMM's objective).</summary>
    public int Mistakes { get; private set; }

    /// <inheritdoc/>
    protected override ThresholdTree Grow(double[][] x, long[] labels)
    {
        int d = x[0].Length;
        var centres = new double[K][];
        var counts = new int[K];
        for (int j = 0; j < K; j++) centres[j] = new double[d];
        for (int r = 0; r < x.Length; r++) { counts[labels[r]]++; for (int i = 0; i < d; i++) centres[labels[r]][i] += x[r][i]; }
        for (int j = 0; j < K; j++) for (int i = 0; i < d; i++) centres[j][i] /= counts[j];
        var tree = Imm.Grow(x, labels, centres, out var mistakes);
        Mistakes = mistakes;
        Centres = tensor(centres.SelectMany(c => c).ToArray()).reshape(K, d);
        return tree;
    }
}
