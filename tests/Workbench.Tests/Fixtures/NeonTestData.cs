using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Tests.Fixtures;

/// <summary>Random clustering instances for the NEON tests (float64, CPU, explicit seeds).</summary>
static class NeonTestData
{
    /// <summary>K centroids in d dimensions and N points scattered around them (overlapping, so every region is visited).</summary>
    public static (Tensor X, Tensor Centroids) Instance(long seed, int n, int d, int k, double spread = 1.0)
    {
        var g = Seeds.Generator(seed);
        var mu = randn(new long[] { k, d }, dtype: float64, generator: g) * 2;
        var lab = randint(k, new long[] { n }, generator: g);
        var x = mu.index_select(0, lab) + spread * randn(new long[] { n, d }, dtype: float64, generator: g);
        return (x, mu);
    }

    /// <summary>Well-separated blobs with their true labels.</summary>
    public static (Tensor X, Tensor Labels, Tensor Means) Blobs(long seed, int perCluster, int d, int k, double separation = 10)
    {
        var g = Seeds.Generator(seed);
        var mu = randn(new long[] { k, d }, dtype: float64, generator: g) * separation;
        var lab = arange(k).repeat_interleave(perCluster);
        var x = mu.index_select(0, lab) + randn(new long[] { k * perCluster, d }, dtype: float64, generator: g);
        return (x, lab, mu);
    }

    public static double[] Row(Tensor t, long i) => t[i].cpu().to_type(float64).data<double>().ToArray();
    public static double[] Vec(Tensor t) => t.cpu().to_type(float64).data<double>().ToArray();
    public static long[] Longs(Tensor t) => t.cpu().to_type(int64).data<long>().ToArray();
    public static double MaxAbs(Tensor t) => t.abs().max().item<double>();

    /// <summary>Adjusted-free check: two labelings agree up to a permutation of cluster ids.</summary>
    public static bool SamePartition(long[] a, long[] b)
    {
        var map = new Dictionary<long, long>(); var inv = new Dictionary<long, long>();
        for (int i = 0; i < a.Length; i++)
        {
            if (map.TryGetValue(a[i], out var m) && m != b[i]) return false;
            if (inv.TryGetValue(b[i], out var v) && v != a[i]) return false;
            map[a[i]] = b[i]; inv[b[i]] = a[i];
        }
        return true;
    }
}
