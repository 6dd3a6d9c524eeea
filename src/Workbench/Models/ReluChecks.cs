using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>Input checks shared by the ReLU-clustering classes; each failure says what was wrong and how to fix it.</summary>
internal static class ReluChecks
{
    /// <summary>x must be a finite [N, width] floating-point matrix with N ≥ 1.</summary>
    public static void Input(Tensor x, long width, string where)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2)
            throw new ArgumentException(
                $"{where}: inputs must be a matrix [samples, features]; got shape [{string.Join(", ", x.shape)}]. " +
                "Reshape a single sample with x.reshape(1, -1).", nameof(x));
        if (x.shape[1] != width)
            throw new ArgumentException(
                $"{where}: inputs have {x.shape[1]} features but the network's first layer takes {width}. " +
                "Build the features the network was trained on (same columns, same order).", nameof(x));
        if (x.shape[0] < 1)
            throw new ArgumentException($"{where}: inputs have no samples (shape [0, {width}]).", nameof(x));
        if (!x.is_floating_point())
            throw new ArgumentException($"{where}: inputs must be floating point (float32 or float64), not {x.dtype}; use x.to(float32).", nameof(x));
        using var finite = x.isfinite().all();
        if (!finite.item<bool>())
        {
            using var bad = x.isfinite().logical_not().any(1).nonzero();
            long count = bad.shape[0];
            long first = bad[0, 0].item<long>();
            throw new ArgumentException(
                $"{where}: inputs hold NaN or infinite values in {count} sample(s) (first: row {first}). " +
                "Impute or drop those rows before explaining the network.", nameof(x));
        }
    }

    /// <summary>y must hold n binary labels 0/1 (any numeric dtype, shape [n] or [n, 1]).</summary>
    public static int[] Labels(Tensor y, long n, string where)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.numel() != n || (y.dim() == 2 && y.shape[1] != 1) || y.dim() > 2)
            throw new ArgumentException($"{where}: labels must have shape [{n}] (one 0/1 label per sample); got [{string.Join(", ", y.shape)}].", nameof(y));
        using var d = y.reshape(-1).to(ScalarType.Float64).cpu();
        var values = d.data<double>().ToArray();
        var labels = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] == 0) labels[i] = 0;
            else if (values[i] == 1) labels[i] = 1;
            else throw new ArgumentException($"{where}: labels must be 0 or 1; sample {i} has {values[i]}.", nameof(y));
        }
        return labels;
    }

    /// <summary>Regression targets: n finite values.</summary>
    public static void Targets(Tensor y, long n, long outputs, string where)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.shape[0] != n || y.numel() != n * outputs)
            throw new ArgumentException($"{where}: targets must have {n} rows of {outputs} value(s); got shape [{string.Join(", ", y.shape)}].", nameof(y));
        using var finite = y.isfinite().all();
        if (!finite.item<bool>())
            throw new ArgumentException($"{where}: targets hold NaN or infinite values.", nameof(y));
    }
}
