using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Numerics;

/// <summary>
/// Column-wise z-scoring z = (x − μ) / σ with the population standard deviation (divisor N), as scikit-learn's
/// <c>StandardScaler</c>. The statistics are computed in float64 and stored as <see cref="Dtype"/> on
/// <see cref="Device"/>; <see cref="Transform"/> casts its input there first, so a float32 model gets exactly the
/// numbers it would get by standardising float32 rows with float32 statistics. Constant columns (σ ≤
/// <see cref="Tolerance"/>) cannot be standardised and are refused with their indices named, as are NaN and infinite values.
/// </summary>
public sealed class Standardizer
{
    /// <param name="dtype">element type of <see cref="Mean"/>, <see cref="Scale"/> and of the transformed rows</param>
    /// <param name="device">device of the statistics and of the transformed rows (null: the CPU)</param>
    /// <param name="tolerance">a column whose standard deviation is ≤ this is constant</param>
    public Standardizer(ScalarType dtype = ScalarType.Float32, Device? device = null, double tolerance = 1e-12)
    {
        if (!(tolerance >= 0)) throw new ArgumentException($"tolerance must be ≥ 0; got {tolerance}.", nameof(tolerance));
        if (!empty(0, dtype: dtype).is_floating_point()) throw new ArgumentException($"dtype must be a floating-point type; got {dtype}.", nameof(dtype));
        Dtype = dtype; Device = device ?? CPU; Tolerance = tolerance;
    }

    /// <summary>Element type of the statistics and of the transformed rows.</summary>
    public ScalarType Dtype { get; }
    /// <summary>Device of the statistics and of the transformed rows.</summary>
    public Device Device { get; }
    /// <summary>Largest standard deviation that counts as a constant column.</summary>
    public double Tolerance { get; }
    /// <summary>Per-column mean μ, [D]; null before <see cref="Fit"/>.</summary>
    public Tensor Mean { get; private set; } = null!;
    /// <summary>Per-column population standard deviation σ, [D]; null before <see cref="Fit"/>.</summary>
    public Tensor Scale { get; private set; } = null!;
    /// <summary>Whether <see cref="Fit"/> (or <see cref="FromStatistics"/>) has set the statistics.</summary>
    public bool IsFitted => Mean is not null;

    /// <summary>Computes μ and σ of the columns of <paramref name="x"/> [N,D] in float64 and returns this standardizer.</summary>
    public Standardizer Fit(Tensor x)
    {
        Check(x, nameof(Fit));
        if (x.shape[0] < 1) throw new ArgumentException("x has no rows; pass at least one row to Fit.", nameof(x));
        using var scope = NewDisposeScope();
        var x64 = x.to(ScalarType.Float64);
        var std = x64.std(new long[] { 0 }, unbiased: false);
        var constant = std.le(Tolerance).nonzero().squeeze(1).cpu().data<long>().ToArray();
        if (constant.Length > 0)
            throw new ArgumentException(
                $"{(constant.Length == 1 ? "Column" : "Columns")} {string.Join(", ", constant.Take(20))}{(constant.Length > 20 ? $" (and {constant.Length - 20} more)" : "")} " +
                $"of x {(constant.Length == 1 ? "is" : "are")} constant (standard deviation ≤ {Tolerance:G3}) and cannot be standardised; " +
                "drop constant columns first (keep the columns where x.std(0) > 0), they carry no information.", nameof(x));
        Mean = x64.mean(new long[] { 0 }).to(Dtype, Device).MoveToOuterDisposeScope();
        Scale = std.to(Dtype, Device).MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>A fitted standardizer with given statistics (e.g. read back from a saved model); σ must be &gt; 0 and finite.</summary>
    public static Standardizer FromStatistics(Tensor mean, Tensor scale, double tolerance = 1e-12)
    {
        if (mean.dim() != 1 || scale.dim() != 1 || mean.shape[0] != scale.shape[0])
            throw new ArgumentException($"mean and scale must be vectors of the same length; got shapes [{string.Join(",", mean.shape)}] and [{string.Join(",", scale.shape)}].");
        if (!mean.isfinite().all().item<bool>() || !scale.isfinite().all().item<bool>() || !scale.gt(tolerance).all().item<bool>())
            throw new ArgumentException("mean must be finite and scale finite and > tolerance.");
        return new Standardizer(mean.dtype, mean.device, tolerance) { Mean = mean.detach().clone(), Scale = scale.to(mean.dtype).detach().clone() };
    }

    /// <summary>z = (x − μ) / σ, [N,D] of <see cref="Dtype"/> on <see cref="Device"/>.</summary>
    public Tensor Transform(Tensor x)
    {
        CheckFitted(x, nameof(Transform));
        using var scope = NewDisposeScope();
        return ((x.to(Dtype, Device) - Mean) / Scale).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Fit"/> then <see cref="Transform"/> on the same rows.</summary>
    public Tensor FitTransform(Tensor x) => Fit(x).Transform(x);

    /// <summary>x = z·σ + μ, the inverse of <see cref="Transform"/> (up to rounding).</summary>
    public Tensor InverseTransform(Tensor z)
    {
        CheckFitted(z, nameof(InverseTransform));
        using var scope = NewDisposeScope();
        return (z.to(Dtype, Device) * Scale + Mean).MoveToOuterDisposeScope();
    }

    void CheckFitted(Tensor x, string caller)
    {
        if (!IsFitted) throw new InvalidOperationException($"This Standardizer is not fitted yet: call Fit(x) before {caller}.");
        Check(x, caller);
        if (x.shape[1] != Mean.shape[0])
            throw new ArgumentException($"x has {x.shape[1]} columns, but the standardizer was fitted on {Mean.shape[0]}; pass rows with the same columns as in Fit.", nameof(x));
    }

    static void Check(Tensor x, string caller)
    {
        if (x.dim() != 2) throw new ArgumentException($"{caller} expects a 2-d [N,D] tensor; got {x.dim()} dimensions.", nameof(x));
        if (!x.is_floating_point()) return;
        using var scope = NewDisposeScope();
        var bad = x.isfinite().logical_not();
        if (bad.any().item<bool>())
        {
            var first = bad.nonzero()[0].cpu().data<long>().ToArray();
            bool nan = x.isnan().any().item<bool>();
            throw new ArgumentException($"x has {bad.sum().item<long>()} {(nan ? "NaN or infinite" : "infinite")} value(s), the first at row {first[0]}, column {first[1]}; " +
                "impute or drop them before standardising.", nameof(x));
        }
    }
}
