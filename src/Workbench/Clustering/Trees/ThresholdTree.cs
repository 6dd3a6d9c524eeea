using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Clustering.Trees;

/// <summary>
/// A binary tree of axis-aligned thresholds: an inner node sends a row left when x[feature] ≤ threshold, right
/// otherwise; a leaf holds a cluster. Node 0 is the root. Built by <see cref="Imm"/> and <see cref="Cart"/>; read by
/// <see cref="Predict"/> (vectorised over rows, one step per level) and <see cref="Rules"/>.
/// </summary>
public sealed class ThresholdTree
{
    readonly List<int> _feature = new(), _left = new(), _right = new();
    readonly List<double> _threshold = new();
    readonly List<long> _leaf = new();

    internal int AddLeaf(long cluster)
    {
        _feature.Add(-1); _threshold.Add(0); _left.Add(-1); _right.Add(-1); _leaf.Add(cluster);
        return _feature.Count - 1;
    }

    internal int AddSplit(int feature, double threshold)
    {
        _feature.Add(feature); _threshold.Add(threshold); _left.Add(-1); _right.Add(-1); _leaf.Add(-1);
        return _feature.Count - 1;
    }

    internal void Link(int node, int left, int right) { _left[node] = left; _right[node] = right; }

    /// <summary>Number of nodes (inner nodes and leaves).</summary>
    public int NodeCount => _feature.Count;
    /// <summary>Feature tested at each node (−1 at a leaf).</summary>
    public IReadOnlyList<int> Feature => _feature;
    /// <summary>Threshold at each node (rows with x[feature] ≤ threshold go left; 0 at a leaf).</summary>
    public IReadOnlyList<double> Threshold => _threshold;
    /// <summary>Left child of each node (−1 at a leaf).</summary>
    public IReadOnlyList<int> Left => _left;
    /// <summary>Right child of each node (−1 at a leaf).</summary>
    public IReadOnlyList<int> Right => _right;
    /// <summary>Cluster of each leaf (−1 at an inner node).</summary>
    public IReadOnlyList<long> LeafCluster => _leaf;
    /// <summary>Number of leaves.</summary>
    public int LeafCount => _feature.Count(f => f < 0);
    /// <summary>Length of the longest root-to-leaf path (a single leaf has depth 0).</summary>
    public int Depth => DepthOf(0);

    int DepthOf(int node) => _feature[node] < 0 ? 0 : 1 + Math.Max(DepthOf(_left[node]), DepthOf(_right[node]));

    /// <summary>Leaf cluster of each row of <paramref name="x"/> [N,D], [N] int64.</summary>
    public Tensor Predict(Tensor x, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var at = Apply(x, device);
        return tensor(_leaf.ToArray(), device: at.device).index_select(0, at).MoveToOuterDisposeScope();
    }

    /// <summary>Leaf node reached by each row of <paramref name="x"/> [N,D], [N] int64 (scikit-learn's <c>apply</c>); one vectorised step per tree level.</summary>
    public Tensor Apply(Tensor x, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var dev = Devices.Resolve(device);
        var xd = x.to(ScalarType.Float64, dev);
        var isLeaf = tensor(_feature.Select(f => f < 0).ToArray(), device: dev);
        var feature = tensor(_feature.Select(f => (long)Math.Max(f, 0)).ToArray(), device: dev);
        var threshold = tensor(_threshold.ToArray(), device: dev);
        var nodes = Enumerable.Range(0, NodeCount).ToArray();
        var left = tensor(nodes.Select(i => (long)(_left[i] < 0 ? i : _left[i])).ToArray(), device: dev);     // a leaf points to itself
        var right = tensor(nodes.Select(i => (long)(_right[i] < 0 ? i : _right[i])).ToArray(), device: dev);
        var at = zeros(xd.shape[0], dtype: ScalarType.Int64, device: dev);
        for (int level = 0; level < Depth; level++)
        {
            var value = xd.gather(1, feature.index_select(0, at).unsqueeze(1)).squeeze(1);
            at = where(value.le(threshold.index_select(0, at)), left.index_select(0, at), right.index_select(0, at));
        }
        return at.MoveToOuterDisposeScope();
    }

    /// <summary>The tree as indented rules, e.g. <c>x3 ≤ 0.5</c> / <c>→ cluster 2</c>; feature names optional.</summary>
    public string Rules(IReadOnlyList<string>? featureNames = null)
    {
        var sb = new System.Text.StringBuilder();
        void Walk(int node, int indent)
        {
            var pad = new string(' ', 2 * indent);
            if (_feature[node] < 0) { sb.AppendLine($"{pad}→ cluster {_leaf[node]}"); return; }
            string name = featureNames is null ? $"x{_feature[node]}" : featureNames[_feature[node]];
            sb.AppendLine($"{pad}{name} ≤ {_threshold[node]:G6}");
            Walk(_left[node], indent + 1);
            sb.AppendLine($"{pad}{name} > {_threshold[node]:G6}");
            Walk(_right[node], indent + 1);
        }
        Walk(0, 0);
        return sb.ToString();
    }
}
