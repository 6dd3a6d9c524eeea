using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Explanation;

/// <summary>Shapley values with an estimate of their error (zero for the exact computation).</summary>
public sealed record ShapleyResult(double[] Values, double[] StandardErrors, long Evaluations);

/// <summary>
/// Shapley values of a function f: ℝ^d → ℝ at x with a reference point x̃ (NEON App. B, Eq. 3): a feature outside the
/// coalition takes its reference value. <paramref>f</paramref> is evaluated on batches [B,d] → [B].
/// </summary>
public static class Shapley
{
    /// <summary>Largest d for exact enumeration (2^d coalitions).</summary>
    public const int MaxExactFeatures = 24;

    /// <summary>
    /// Exact Shapley values by enumerating all 2^d coalitions, evaluated in batches of <paramref name="batchSize"/>:
    /// R_i = Σ_{I ⊆ Ω∖{i}} |I|!(d−|I|−1)!/d! · [f(x_{I∪{i}}) − f(x_I)].
    /// </summary>
    public static ShapleyResult Exact(Func<Tensor, Tensor> f, Tensor x, Tensor reference, int batchSize = 1 << 16)
    {
        var (xv, rv, d) = Check(x, reference);
        if (d > MaxExactFeatures)
            throw new ArgumentException($"exact Shapley values enumerate 2^d coalitions; d = {d} is above {MaxExactFeatures}. Use Shapley.Sample.");
        long total = 1L << d;
        var v = new double[total];
        using (var scope = NewDisposeScope())
        {
            var bits = pow(2, arange(d, dtype: int64, device: xv.device));           // [d]
            for (long start = 0; start < total; start += batchSize)
            {
                using var inner = NewDisposeScope();
                long end = Math.Min(total, start + batchSize);
                var idx = arange(start, end, dtype: int64, device: xv.device).unsqueeze(1);
                var mask = idx.bitwise_and(bits.unsqueeze(0)).ne(0);                  // [B,d] feature in coalition
                var inputs = where(mask, xv.unsqueeze(0), rv.unsqueeze(0));
                var y = Evaluate(f, inputs);
                y.cpu().data<double>().CopyTo(v, (int)start);
            }
        }
        // weights α(s) = s!(d−s−1)!/d! = 1 / (d · C(d−1, s))
        var alpha = new double[d];
        double binom = 1;
        for (int s = 0; s < d; s++) { alpha[s] = 1.0 / (d * binom); binom = binom * (d - 1 - s) / (s + 1); }
        var phi = new double[d];
        for (long set = 0; set < total; set++)
        {
            int size = System.Numerics.BitOperations.PopCount((ulong)set);
            for (int i = 0; i < d; i++)
            {
                long bit = 1L << i;
                if ((set & bit) != 0) continue;
                phi[i] += alpha[size] * (v[set | bit] - v[set]);
            }
        }
        return new ShapleyResult(phi, new double[d], total);
    }

    /// <summary>
    /// Monte Carlo Shapley values by permutation sampling: for each of <paramref name="permutations"/> random orders the
    /// features are switched from x̃ to x one by one and each marginal contribution recorded; the estimate is the mean, the
    /// standard error the sample standard deviation / √permutations. Every permutation's d+1 points go to f in batches.
    /// </summary>
    public static ShapleyResult Sample(Func<Tensor, Tensor> f, Tensor x, Tensor reference, int permutations, long seed, int batchSize = 1 << 14)
    {
        var (xv, rv, d) = Check(x, reference);
        if (permutations < 2) throw new ArgumentException($"permutation sampling needs at least 2 permutations for a standard error; got {permutations}.");
        var g = Seeds.Generator(seed);
        var mean = new double[d]; var m2 = new double[d]; long count = 0;   // Welford: stable running mean and variance
        int perBatch = Math.Max(1, batchSize / (d + 1));
        long evals = 0;
        for (int start = 0; start < permutations; start += perBatch)
        {
            using var scope = NewDisposeScope();
            int p = Math.Min(perBatch, permutations - start);
            var order = rand(new long[] { p, d }, generator: g, dtype: float64).argsort(1);   // [P,d] random permutations (CPU)
            var rank = order.argsort(1).to(xv.device);                                         // position of each feature
            var steps = arange(d + 1, device: xv.device).view(1, d + 1, 1);                   // first t features switched
            var mask = rank.unsqueeze(1).lt(steps);                                            // [P,d+1,d]
            var inputs = where(mask, xv.view(1, 1, d), rv.view(1, 1, d)).reshape(p * (d + 1), d);
            var y = Evaluate(f, inputs).view(p, d + 1);
            evals += p * (d + 1);
            var marg = (y[.., 1..] - y[.., ..^1]).cpu();                                       // [P,d] by step
            var contrib = zeros(p, d, dtype: float64).scatter_(1, order, marg);              // back to features
            var c = contrib.data<double>().ToArray();
            for (int k = 0; k < p; k++)
            {
                count++;
                for (int i = 0; i < d; i++)
                {
                    double m = c[k * d + i], delta = m - mean[i];
                    mean[i] += delta / count;
                    m2[i] += delta * (m - mean[i]);
                }
            }
        }
        var se = new double[d];
        for (int i = 0; i < d; i++) se[i] = Math.Sqrt(m2[i] / (permutations - 1) / permutations);
        return new ShapleyResult(mean, se, evals);
    }

    static Tensor Evaluate(Func<Tensor, Tensor> f, Tensor inputs)
    {
        var y = f(inputs);
        if (y.dim() == 2 && y.shape[1] == 1) y = y.squeeze(1);
        if (y.dim() != 1 || y.shape[0] != inputs.shape[0])
            throw new ArgumentException($"f must map a batch [B,d] to [B]; for B = {inputs.shape[0]} it returned [{string.Join(", ", y.shape)}].");
        return y.to(float64);
    }

    static (Tensor x, Tensor r, int d) Check(Tensor x, Tensor reference)
    {
        if (x.dim() != 1) throw new ArgumentException($"x must be one point, shape [d]; got [{string.Join(", ", x.shape)}].");
        if (!reference.shape.SequenceEqual(x.shape))
            throw new ArgumentException($"the reference point must have the shape of x [{x.shape[0]}]; got [{string.Join(", ", reference.shape)}].");
        if (!x.isfinite().all().item<bool>() || !reference.isfinite().all().item<bool>())
            throw new ArgumentException("x and the reference point must be finite (no NaN or infinity).");
        return (x, reference.to(x.device).to_type(x.dtype), (int)x.shape[0]);
    }
}
