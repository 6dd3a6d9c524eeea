using TorchSharp;
using static TorchSharp.torch;

using Workbench.Models;

namespace Workbench.Clustering;

/// <summary>One cluster of inputs sharing an activation pattern, with its affine map (ReLU Thm 1).</summary>
public sealed class ActivationCluster
{
    internal ActivationCluster(int id, bool[] active, string pattern, int size, double share, double[,] omega, double[] bias)
    {
        Id = id; Active = active; Pattern = pattern; Size = size; Share = share; Omega = omega; Bias = bias;
    }

    /// <summary>Cluster number: 0 is the largest cluster.</summary>
    public int Id { get; }
    /// <summary>Which hidden units are active (gates in order).</summary>
    public IReadOnlyList<bool> Active { get; }
    /// <summary>The pattern as text, one 0/1 group per hidden layer, e.g. "0110 11".</summary>
    public string Pattern { get; }
    /// <summary>Number of inputs in the cluster.</summary>
    public int Size { get; }
    /// <summary>Size / number of inputs clustered.</summary>
    public double Share { get; }
    /// <summary>Ω [q, d] of Eq. (2): the network is Ω u + b on this cluster.</summary>
    public double[,] Omega { get; }
    /// <summary>b [q] of Eq. (3).</summary>
    public double[] Bias { get; }
    /// <summary>Number of active hidden units.</summary>
    public int ActiveUnits => Active.Count(a => a);

    /// <summary>The effective vector ω (feature importance of the cluster's solution, §3) for a scalar output.</summary>
    public double[] Importance
    {
        get
        {
            if (Omega.GetLength(0) != 1)
                throw new InvalidOperationException($"The effective vector ω is defined for a scalar output; this network has {Omega.GetLength(0)} outputs. Use Omega's rows.");
            return Enumerable.Range(0, Omega.GetLength(1)).Select(j => Omega[0, j]).ToArray();
        }
    }

    /// <summary>One line: id, pattern, size and share.</summary>
    public override string ToString() => $"cluster {Id}: pattern {Pattern}, {Size} inputs ({Share:P1})";
}

/// <summary>
/// The partition of a dataset by activation pattern (ReLU §3): u₁ ~ u₂ iff the same hidden units are active.
/// Scikit-learn shaped: <c>var c = new ActivationClustering(mlp).Fit(x);</c> then <see cref="Clusterer{TSelf}.Labels"/>,
/// <see cref="Clusters"/> (largest first, each with its affine map), <see cref="Clusterer{TSelf}.Predict"/> for new inputs.
/// K is found by <see cref="Clusterer{TSelf}.Fit"/>: the number of distinct patterns in the data.
/// </summary>
public sealed class ActivationClustering : Clusterer<ActivationClustering>
{
    readonly Dictionary<string, int> _byKey = new();

    /// <summary>Clusters a trained <see cref="Mlp"/>'s inputs (an untrained one is refused).</summary>
    public ActivationClustering(Mlp mlp) : this(PiecewiseLinearNetwork.From(mlp)) { }

    /// <summary>Clusters the inputs of any piecewise-linear TorchSharp stack (see <see cref="PiecewiseLinearNetwork"/>).</summary>
    public ActivationClustering(nn.Module network) : this(PiecewiseLinearNetwork.From(network)) { }

    /// <summary>Clusters the inputs of a piecewise-linear network by its activation patterns.</summary>
    public ActivationClustering(PiecewiseLinearNetwork network) : base(seed: 0, device: null)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
    }

    /// <summary>The network whose activation patterns define the clusters.</summary>
    public PiecewiseLinearNetwork Network { get; }

    /// <summary>The clusters, largest first (ties by pattern text).</summary>
    public IReadOnlyList<ActivationCluster> Clusters { get; private set; } = Array.Empty<ActivationCluster>();

    /// <summary>Number of clusters (distinct activation patterns) found; the same as K.</summary>
    public int Count => Clusters.Count;

    /// <summary>Finds the activation pattern of every input, groups equal patterns and computes each group's affine map.</summary>
    protected override void FitCore(Tensor x)
    {
        var keys = Keys(x, out var rows);
        var groups = new Dictionary<string, (int Count, int First)>();
        for (int i = 0; i < keys.Length; i++)
            groups[keys[i]] = groups.TryGetValue(keys[i], out var g) ? (g.Count + 1, g.First) : (1, i);
        var ordered = groups.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        _byKey.Clear();
        var clusters = new List<ActivationCluster>();
        foreach (var (key, (count, first)) in ordered)
        {
            int id = clusters.Count;
            _byKey[key] = id;
            var active = rows[first];
            var (omegaT, biasT) = Network.AffineMap(active);
            var omega = ToMatrix(omegaT);
            var bias = biasT.data<double>().ToArray();
            omegaT.Dispose(); biasT.Dispose();
            clusters.Add(new ActivationCluster(id, active, Network.Format(active), count, (double)count / keys.Length, omega, bias));
        }
        Clusters = clusters;
        K = clusters.Count;
        Labels = tensor(keys.Select(k => (long)_byKey[k]).ToArray());
    }

    /// <summary>The cluster of each new input, [N] int64, or −1 where its activation pattern did not occur in the data given to Fit.</summary>
    protected override Tensor PredictCore(Tensor x) =>
        tensor(Keys(x, out _).Select(k => _byKey.TryGetValue(k, out var id) ? (long)id : -1L).ToArray());

    string[] Keys(Tensor x, out bool[][] rows)
    {
        using var p = Network.Patterns(x);
        var flat = p.data<bool>().ToArray();
        int n = (int)p.shape[0], u = Network.UnitCount;
        rows = new bool[n][];
        var keys = new string[n];
        var chars = new char[u];
        for (int i = 0; i < n; i++)
        {
            var row = new bool[u];
            for (int j = 0; j < u; j++) { row[j] = flat[i * u + j]; chars[j] = row[j] ? '1' : '0'; }
            rows[i] = row;
            keys[i] = new string(chars);
        }
        return keys;
    }

    static double[,] ToMatrix(Tensor t)
    {
        int r = (int)t.shape[0], c = (int)t.shape[1];
        var data = t.data<double>().ToArray();
        var m = new double[r, c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = data[i * c + j];
        return m;
    }
}
