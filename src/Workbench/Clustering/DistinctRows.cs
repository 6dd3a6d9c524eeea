using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>How many distinct rows a data matrix has: K clusters need K distinct points, or k-means returns duplicate
/// centroids and an empty cluster.</summary>
public static class DistinctRows
{
    /// <summary>The number of distinct rows of <paramref name="x"/> [N,d], counted exactly; when <paramref name="atLeast"/> is
    /// given, counting stops early once that many are found among the first rows (the common case costs O(K·d)).</summary>
    public static long Count(Tensor x, long? atLeast = null)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        if (atLeast is long k && n > 4 * k)
        {
            var (head, _, _) = x[TensorIndex.Slice(0, 4 * k)].unique(dim: 0);
            if (head.shape[0] >= k) return head.shape[0];
        }
        var (all, _, _) = x.unique(dim: 0);
        return all.shape[0];
    }

    /// <summary>Throws when <paramref name="x"/> has fewer than <paramref name="k"/> distinct rows, saying how many it has.</summary>
    public static void Require(Tensor x, int k, string method)
    {
        long distinct = Count(x, k);
        if (distinct < k)
            throw new ArgumentException(
                $"{method} with K = {k} needs at least {k} distinct points, but the {x.shape[0]} rows of x hold only {distinct} distinct " +
                $"point(s) (the others are duplicates). Lower k to at most {distinct}, or pass more varied data.");
    }
}
