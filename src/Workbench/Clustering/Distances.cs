using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>Pairwise squared Euclidean distances, batched on the device.</summary>
public static class Distances
{
    /// <summary>
    /// ‖x_n − u_s‖² for every row of <paramref name="x"/> [N,d] and <paramref name="u"/> [S,d], as [N,S].
    /// Expanded as ‖x‖² − 2x·u + ‖u‖² (one matmul) and clamped at 0 against rounding. <paramref name="xNorms"/> may
    /// pass ‖x_n‖² when it is reused (Lloyd iterations).
    /// </summary>
    public static Tensor Squared(Tensor x, Tensor u, Tensor? xNorms = null)
    {
        using var scope = NewDisposeScope();
        var xx = (xNorms ?? RowSquaredNorms(x)).unsqueeze(1);
        var uu = RowSquaredNorms(u).unsqueeze(0);
        var d = x.matmul(u.T).mul_(-2).add_(xx).add_(uu).clamp_min_(0);
        return d.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ‖x_n‖² for each row, [N], as batched dot products (no [N,d] temporary: large temporaries are what costs most
    /// on machines where fresh memory is slow to map).
    /// </summary>
    public static Tensor RowSquaredNorms(Tensor x)
    {
        using var scope = NewDisposeScope();
        return x.unsqueeze(1).bmm(x.unsqueeze(2)).reshape(x.shape[0]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean over features of the per-feature (biased) variance, as scikit-learn scales <c>tol</c>:
    /// mean_j var_j(x). Accumulated over blocks of rows, so no [N,d] temporary is made.
    /// </summary>
    public static double MeanVariance(Tensor x, long rowsPerBlock = 4096)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var mean = x.sum(new long[] { 0 }, type: float64).div_(n).to_type(x.dtype);   // [d]
        double ss = 0;
        for (long s = 0; s < n; s += rowsPerBlock)
        {
            using var block = NewDisposeScope();
            ss += (x[TensorIndex.Slice(s, Math.Min(n, s + rowsPerBlock))] - mean).pow_(2).sum().ToDouble();
        }
        return ss / n / x.shape[1];
    }

    /// <summary>Checks a data matrix: 2-D, floating point, finite. Throws with the first bad row and column.</summary>
    public static void CheckData(Tensor x, string name = "x")
    {
        if (x.dim() != 2)
            throw new ArgumentException($"{name} must be a 2-D tensor [N, d] (one row per point); got shape [{string.Join(", ", x.shape)}].");
        if (x.dtype != ScalarType.Float32 && x.dtype != ScalarType.Float64)
            throw new ArgumentException($"{name} must be float32 or float64; got {x.dtype}. Convert with x.to_type(ScalarType.Float64).");
        using var scope = NewDisposeScope();
        if (x.numel() == 0 || double.IsFinite(x.sum().ToDouble())) return;   // fast path: a NaN or ±∞ makes the sum non-finite
        var bad = x.isfinite().logical_not();
        if (!bad.any().item<bool>()) return;                                  // the sum overflowed, the data are finite
        {
            var idx = bad.nonzero()[0].cpu().data<long>().ToArray();
            throw new ArgumentException($"{name} has a NaN or infinite value at row {idx[0]}, column {idx[1]}; remove or impute it first.");
        }
    }
}
