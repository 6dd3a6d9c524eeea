using static TorchSharp.torch;

namespace Workbench.Clustering.Trees;

/// <summary>
/// A CART tree of depth ≤ <see cref="MaxDepth"/> fitted to a reference clustering's labels (k-means on x, or labels
/// given to <see cref="TreeClusterer{TSelf}.Fit(Tensor, Tensor)"/>), with <see cref="Cart.Grow"/> (scikit-learn's
/// <c>DecisionTreeClassifier(max_depth)</c>). In the NeurCAM tables it <b>stands in</b> for the soft clustering trees
/// (SCT) and TAO trees of depth 5/7, whose code is unpublished; it is a different algorithm (a tree imitating k-means
/// rather than one optimising the clustering loss).
/// </summary>
public sealed class CartTree : TreeClusterer<CartTree>
{
    /// <param name="k">number of clusters K</param>
    /// <param name="maxDepth">maximum depth (NeurCAM Table 1: 5 and 7)</param>
    /// <param name="nInit">k-means restarts for the reference clustering</param>
    /// <param name="maxIter">Lloyd iterations per restart</param>
    /// <param name="seed">seed of the reference k-means</param>
    /// <param name="device">device of the reference k-means</param>
    public CartTree(int k, int maxDepth = 5, int nInit = 10, int maxIter = 300, long seed = 0, Device? device = null) : base(k, nInit, maxIter, seed, device)
    {
        AtLeast(maxDepth, 1, nameof(maxDepth));
        MaxDepth = maxDepth;
    }

    /// <summary>Maximum depth of the tree.</summary>
    public int MaxDepth { get; }

    /// <inheritdoc/>
    protected override ThresholdTree Grow(double[][] x, long[] labels) => Cart.Grow(x, labels, K, MaxDepth);
}
