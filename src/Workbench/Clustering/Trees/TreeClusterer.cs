using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Clustering.Trees;

/// <summary>
/// Shared base of the tree clusterers that explain a reference clustering (k-means on x by default, or labels given to
/// <see cref="Fit(Tensor, Tensor)"/>, e.g. k-means on a representation x̃) with an axis-aligned threshold tree on x.
/// </summary>
public abstract class TreeClusterer<TSelf> : Clusterer<TSelf> where TSelf : TreeClusterer<TSelf>
{
    /// <param name="k">number of clusters K</param>
    /// <param name="nInit">k-means restarts for the reference clustering when none is given</param>
    /// <param name="maxIter">Lloyd iterations per restart</param>
    /// <param name="seed">seed of the reference k-means</param>
    /// <param name="device">device of the reference k-means and of <see cref="Clusterer{TSelf}.Predict"/></param>
    protected TreeClusterer(int k, int nInit, int maxIter, long seed, Device? device) : base(k, seed, device)
    {
        AtLeast(nInit, 1, nameof(nInit)); AtLeast(maxIter, 1, nameof(maxIter));
        NInit = nInit; MaxIter = maxIter;
    }

    /// <summary>k-means restarts for the reference clustering.</summary>
    public int NInit { get; }
    /// <summary>Lloyd iterations per restart.</summary>
    public int MaxIter { get; }
    /// <summary>The fitted tree.</summary>
    public ThresholdTree Tree { get; private set; } = null!;
    /// <summary>The reference clustering the tree explains, [N] int64.</summary>
    public Tensor ReferenceLabels { get; private set; } = null!;

    Tensor? _reference;

    /// <summary>
    /// Fits the tree on <paramref name="x"/> [N,D] to the reference labels <paramref name="referenceLabels"/> [N]
    /// (int64 in 0..K−1, every cluster present), instead of running k-means on x.
    /// </summary>
    public TSelf Fit(Tensor x, Tensor referenceLabels)
    {
        CheckInput(x, "x");
        if (referenceLabels.dim() != 1 || referenceLabels.shape[0] != x.shape[0])
            throw new ArgumentException($"referenceLabels must hold one label per row of x ([{x.shape[0]}]); got shape [{string.Join(",", referenceLabels.shape)}].");
        var l = referenceLabels.to(ScalarType.Int64).cpu();
        if (l.numel() > 0 && (l.min().ToInt64() < 0 || l.max().ToInt64() >= K))
            throw new ArgumentException($"referenceLabels must lie in 0..{K - 1} (K = {K}); got {l.min().ToInt64()}..{l.max().ToInt64()}.");
        var present = l.unique().Item1.shape[0];
        if (present != K) throw new ArgumentException($"referenceLabels use {present} of the K = {K} clusters; every cluster needs at least one row.");
        _reference = l;
        try { return Fit(x); } finally { _reference = null; }
    }

    /// <inheritdoc/>
    protected sealed override void FitCore(Tensor x)
    {
        var reference = _reference ?? new KMeans(K, NInit, MaxIter, seed: Seed, device: Device).Fit(x.to(ScalarType.Float64)).Labels.cpu();
        var rows = Rows(x);
        var labels = reference.data<long>().ToArray();
        Tree = Grow(rows, labels);
        ReferenceLabels = reference.clone();
        Labels = Tree.Predict(x, Device);
    }

    /// <summary>Grows the tree for rows <paramref name="x"/> [N][D] and reference labels.</summary>
    protected abstract ThresholdTree Grow(double[][] x, long[] labels);

    /// <inheritdoc/>
    protected override Tensor PredictCore(Tensor x) => Tree.Predict(x, Device);

    /// <summary>Rows of <paramref name="x"/> as float64 arrays.</summary>
    internal static double[][] Rows(Tensor x)
    {
        var t = x.to(ScalarType.Float64).cpu().contiguous();
        long n = t.shape[0], d = t.shape[1];
        var flat = t.data<double>().ToArray();
        var rows = new double[n][];
        for (long i = 0; i < n; i++) { rows[i] = new double[d]; Array.Copy(flat, i * d, rows[i], 0, d); }
        return rows;
    }
}
