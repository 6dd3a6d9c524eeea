using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// The isotropic Gaussian kernel density estimate of NEON App. G over a training set X [N,d]:
/// p(x) = (1/N) Σ_n 𝒩(x | x_n, σ²I) (Eq. 39), σ by leave-one-out maximum likelihood (Eqs. 40–42), and the
/// conditional sampler p(x_𝓕 | x_𝓟) = Σ_n α_n 𝒩(x_𝓕 | [x_n]_𝓕, σ²I), α = softmax_n(−‖x_𝓟 − [x_n]_𝓟‖²/(2σ²)) (Eqs. 43–44),
/// used to impute the features that Algorithm 1 removes.
/// </summary>
public sealed class KdeImputer
{
    /// <param name="data">training set X [N,d], N ≥ 2 (float64 is used internally)</param>
    /// <param name="sigma">bandwidth σ; null: the leave-one-out fixed point <see cref="Bandwidth"/></param>
    /// <param name="device">device of every computation; <see cref="Devices.Default"/> when null</param>
    public KdeImputer(Tensor data, double? sigma = null, Device? device = null)
    {
        Clustering.Distances.CheckData(data, "KDE data");
        if (data.shape[0] < 2) throw new ArgumentException($"a leave-one-out KDE needs at least 2 points; got {data.shape[0]}.");
        if (sigma is { } s && !(s > 0 && double.IsFinite(s))) throw new ArgumentException($"σ must be positive and finite; got {s}.");
        Device = Devices.Resolve(device);
        Data = data.to(Device).to_type(ScalarType.Float64);
        Sigma = sigma ?? Bandwidth(Data, device: Device).Sigma;
    }

    /// <summary>Training points x_n, [N,d] float64.</summary>
    public Tensor Data { get; }
    /// <summary>Kernel bandwidth σ.</summary>
    public double Sigma { get; }
    /// <summary>Device of the computations.</summary>
    public Device Device { get; }
    /// <summary>Number of training points N.</summary>
    public long Count => Data.shape[0];
    /// <summary>Number of features d.</summary>
    public long Dimensions => Data.shape[1];

    /// <summary>
    /// σ by the fixed point of Eq. (42): σ² ← (1/(Nd)) Σ_n Σ_{n'≠n} w_{nn'}‖x_n − x_n'‖², w_{nn'} = softmax_{n'≠n}(−‖x_n − x_n'‖²/(2σ²)),
    /// i.e. ∂ℒ/∂σ² = 0 for the leave-one-out loss of Eq. (41). Starts from σ² = mean_{n≠n'}‖x_n − x_n'‖²/(2d) and stops when
    /// the relative change of σ² is below <paramref name="tol"/> (at most <paramref name="maxIter"/> steps).
    /// </summary>
    public static (double Sigma, int Iterations) Bandwidth(Tensor x, double tol = 1e-12, int maxIter = 1000, Device? device = null)
    {
        Clustering.Distances.CheckData(x);
        long n = x.shape[0], d = x.shape[1];
        if (n < 2) throw new ArgumentException($"a leave-one-out bandwidth needs at least 2 points; got {n}.");
        using var scope = NewDisposeScope();
        var dist = PairwiseSquared(x.to(Devices.Resolve(device)).to_type(ScalarType.Float64));
        var off = eye(n, dtype: ScalarType.Bool, device: dist.device).logical_not();
        double s2 = dist.sum().ToDouble() / (n * (n - 1)) / (2.0 * d);
        if (!(s2 > 0)) throw new ArgumentException("all points are identical: the KDE bandwidth is 0. Remove duplicate rows or add variation.");
        var diagMask = off.logical_not();
        for (int it = 1; it <= maxIter; it++)
        {
            using var step = NewDisposeScope();                                                   // O(N²) per step, freed each step
            var w = softmax((dist / (-2 * s2)).masked_fill(diagMask, double.NegativeInfinity), 1);   // Eq. (42) weights
            double next = (w * dist).sum().ToDouble() / (n * d);
            double rel = Math.Abs(next - s2) / s2;
            s2 = next;
            if (!(s2 > 0)) throw new InvalidOperationException("the KDE bandwidth collapsed to 0 (duplicate rows?). Remove duplicates.");
            if (rel < tol) return (Math.Sqrt(s2), it);
        }
        return (Math.Sqrt(s2), maxIter);
    }

    /// <summary>Leave-one-out negative log-likelihood ℒ(σ) = Σ_n −log p_{−n}(x_n) of Eq. (41).</summary>
    public static double LeaveOneOutLoss(Tensor x, double sigma)
    {
        using var scope = NewDisposeScope();
        x = x.to_type(ScalarType.Float64);
        long n = x.shape[0], d = x.shape[1];
        var dist = PairwiseSquared(x);
        var logits = (dist / (-2 * sigma * sigma)).masked_fill(eye(n, dtype: ScalarType.Bool, device: x.device), double.NegativeInfinity);
        var lse = logsumexp(logits, 1);                                               // log Σ_{n'≠n} exp(−‖·‖²/2σ²)
        double perPoint = Math.Log(n - 1) + 0.5 * d * Math.Log(2 * Math.PI * sigma * sigma);
        return (-lse).sum().ToDouble() + n * perPoint;
    }

    /// <summary>‖x_n − x_n'‖², [N,N], computed by differences (exact zeros on the diagonal).</summary>
    public static Tensor PairwiseSquared(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Clustering.Distances.Squared(x, x).masked_fill(eye(x.shape[0], dtype: ScalarType.Bool, device: x.device), 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// α of Eq. (44) from partial squared distances ‖z_𝓟 − [x_n]_𝓟‖² [B,N] (log-sum-exp normalised), [B,N].
    /// </summary>
    public Tensor Weights(Tensor partialDistances)
    {
        using var scope = NewDisposeScope();
        return softmax(partialDistances / (-2 * Sigma * Sigma), 1).MoveToOuterDisposeScope();
    }

    /// <summary>n ~ Cat(α) for each row of <paramref name="alpha"/> [B,N] by inverting the cumulative weights, [B] int64.</summary>
    public static Tensor SampleIndices(Tensor alpha, Generator generator)
    {
        using var scope = NewDisposeScope();
        var u = rand(new long[] { alpha.shape[0], 1 }, dtype: ScalarType.Float64, device: alpha.device, generator: generator);
        return SampleIndices(alpha, u).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// n ~ Cat(α) for each row of <paramref name="alpha"/> [B,N] from given uniforms <paramref name="uniforms"/> [B,S] in [0,1):
    /// S draws per row by inverting the cumulative weights (one cumulative sum per row, not per draw), [B,S] int64.
    /// </summary>
    public static Tensor SampleIndices(Tensor alpha, Tensor uniforms)
    {
        using var scope = NewDisposeScope();
        var cdf = alpha.cumsum(1);
        var u = (uniforms * cdf[.., ^1..]).contiguous();                              // searchsorted copies non-contiguous values
        return searchsorted(cdf, u, right: true).clamp_max_(alpha.shape[1] - 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One draw per row of x_𝓕 ~ p(x_𝓕 | z_𝓟) (Eqs. 43–44): n ~ Cat(α) from the partial distances [B,N], then
    /// x = x_n + σε for all d features, [B,d]; the caller keeps z where features are given.
    /// </summary>
    public Tensor Sample(Tensor partialDistances, Generator generator)
    {
        using var scope = NewDisposeScope();
        long b = partialDistances.shape[0];
        var u = rand(new long[] { b, 1 }, dtype: ScalarType.Float64, device: Device, generator: generator);
        var noise = randn(new long[] { b, Dimensions }, dtype: ScalarType.Float64, device: Device, generator: generator);
        return Sample(partialDistances, u, noise).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Sample(Tensor, Generator)"/> with its randomness given: <paramref name="uniforms"/> [B,1] in [0,1) pick
    /// n ~ Cat(α) and <paramref name="normals"/> [B,d] are ε, so a batch can be drawn first and processed in chunks of rows.
    /// </summary>
    public Tensor Sample(Tensor partialDistances, Tensor uniforms, Tensor normals)
    {
        using var scope = NewDisposeScope();
        var n = SampleIndices(Weights(partialDistances), uniforms).squeeze(1);
        return Data.index_select(0, n).add_(normals.mul(Sigma)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Draws from p(x_𝓕 | z_𝓟) with <paramref name="given"/> [B,d] marking 𝓟 (true = keep z's value), [B,d]:
    /// the partial distances are computed from scratch, one feature at a time ([B,N] memory; the reference,
    /// Algorithm 1 updates them incrementally).
    /// </summary>
    public Tensor SampleConditional(Tensor z, Tensor given, Generator generator)
    {
        using var scope = NewDisposeScope();
        z = z.to(Device).to_type(ScalarType.Float64);
        given = given.to(Device);
        var mask = given.to_type(ScalarType.Float64);
        var partial = zeros(z.shape[0], Count, dtype: ScalarType.Float64, device: Device);
        for (long i = 0; i < Dimensions; i++)
        {
            using var step = NewDisposeScope();
            partial.add_((z.narrow(1, i, 1) - Data[.., i].unsqueeze(0)).pow_(2).mul_(mask.narrow(1, i, 1)));   // ‖z_𝓟 − [x_n]_𝓟‖²
        }
        var draw = Sample(partial, generator);
        return where(given, z, draw).MoveToOuterDisposeScope();
    }
}
