using TorchSharp;
using Workbench.Compute;
using Workbench.Numerics;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Kernel k-means as an equal-weight mixture of M tied isotropic Gaussians per cluster, trained as in NEON App. F:
/// hard E-step to the cluster of largest likelihood (Eq. 34, i.e. smallest LME distance Eq. 6), M-step for the support
/// vectors (Eq. 37) and the scale γ (Eq. 38, with ε added before the inverse), a little Gaussian noise on the support
/// vectors before each E-step, a fixed number of iterations and restarts keeping the smallest objective (Eq. 36).
/// <para>Optional <c>initLabels</c> in <see cref="Fit"/> start from given labels (§VI-A initialises with the ground truth).</para>
/// </summary>
public sealed class KernelKMeans : Clusterer<KernelKMeans>
{
    /// <param name="k">number of clusters K, ≥ 2</param>
    /// <param name="supportPerCluster">M, support vectors per cluster</param>
    /// <param name="maxIter">EM iterations per restart; App. F runs a fixed number (100), there is no tolerance</param>
    /// <param name="nInit">restarts, the smallest objective kept (App. F: 10)</param>
    /// <param name="noise">std of the noise added to the support vectors before each E-step, relative to the kernel width 1/√(2γ)</param>
    /// <param name="epsilon">ε added before inverting in the γ update (App. F: 1e-9)</param>
    /// <param name="seed">seed of the k-means++ draws, the support vector draws and the noise</param>
    /// <param name="device">device to fit on; <see cref="Devices.Default"/> when null</param>
    public KernelKMeans(int k, int supportPerCluster = 10, int maxIter = 100, int nInit = 10, double noise = 1e-3,
        double epsilon = 1e-9, long seed = 0, Device? device = null) : base(k, seed, device)
    {
        AtLeast(k, 2, nameof(k)); AtLeast(supportPerCluster, 1, nameof(supportPerCluster));
        AtLeast(maxIter, 1, nameof(maxIter)); AtLeast(nInit, 1, nameof(nInit));
        NonNegative(noise, nameof(noise)); NonNegative(epsilon, nameof(epsilon));
        SupportPerCluster = supportPerCluster; MaxIter = maxIter; NInit = nInit; Noise = noise; Epsilon = epsilon;
    }

    /// <summary>M, support vectors per cluster.</summary>
    public int SupportPerCluster { get; }
    /// <summary>EM iterations per restart (a fixed count, App. F).</summary>
    public int MaxIter { get; }
    /// <summary>Restarts; the smallest objective (Eq. 36) is kept.</summary>
    public int NInit { get; }
    /// <summary>Std of the support vector noise relative to the kernel width.</summary>
    public double Noise { get; }
    /// <summary>ε of the γ update (Eq. 38).</summary>
    public double Epsilon { get; }

    /// <summary>Support vectors u_j, [K·M, d]; rows k·M … k·M+M−1 belong to cluster k.</summary>
    public Tensor Support { get; private set; } = null!;
    /// <summary>Cluster of each support vector, [K·M] int64.</summary>
    public Tensor SupportLabels { get; private set; } = null!;
    /// <summary>Kernel scale γ (Eq. 38).</summary>
    public double Gamma { get; private set; }
    /// <summary>Objective (Eq. 36) of the kept run.</summary>
    public double Objective { get; private set; }

    Tensor? _initLabels;
    bool _fixAssignments;

    /// <summary>Fits on <paramref name="x"/> [N,d]; <paramref name="initLabels"/> [N] (0…K−1) gives the initial assignment of every restart (§VI-A starts from the ground truth).
    /// With <paramref name="fixAssignments"/> the E-step is skipped: the support vectors and γ are fitted to the assignment
    /// <paramref name="initLabels"/> held fixed (§VI-A's "assignments fixed to the true labels"); <see cref="Clusterer{TSelf}.Labels"/>
    /// is then the fitted model's own assignment.</summary>
    public KernelKMeans Fit(Tensor x, Tensor? initLabels, bool fixAssignments = false)
    {
        if (fixAssignments && initLabels is null) throw new ArgumentException("fixAssignments needs initLabels: the assignment to hold fixed.");
        _initLabels = initLabels; _fixAssignments = fixAssignments;
        try { return Fit(x); } finally { _initLabels = null; _fixAssignments = false; }
    }

    /// <inheritdoc/>
    protected override void FitCore(Tensor x)
    {
        long n = x.shape[0], d = x.shape[1];
        var device = Devices.Resolve(Device);
        using var scope = NewDisposeScope();
        x = x.to(device);
        var initLabels = _initLabels;
        if (initLabels is not null)
        {
            if (initLabels.shape.Length != 1 || initLabels.shape[0] != n)
                throw new ArgumentException($"initLabels must have shape [{n}]; got [{string.Join(", ", initLabels.shape)}].");
            initLabels = initLabels.to(device).to_type(int64);
            var (mn, mx) = (initLabels.min().item<long>(), initLabels.max().item<long>());
            if (mn < 0 || mx >= K) throw new ArgumentException($"initLabels must lie in 0…{K - 1}; found {mn}…{mx}.");
        }
        var svLabels = arange(K, device: device).repeat_interleave(SupportPerCluster);
        var best = BestOfRestarts(NInit, $"kernel k-means K={K} M={SupportPerCluster}", g =>
        {
            var labels = initLabels ?? Distances.Squared(x, KMeansPlusPlus.Init(x, K, g)).argmin(1);
            var u = InitSupport(x, labels, g);
            // γ from the within-cluster spread: Eq. (38) with each point's softmax weight on its cluster mean.
            var centre = zeros(K, d, dtype: x.dtype, device: device).index_add_(0, labels, x, 1)
                         / bincount(labels, minlength: K).to_type(x.dtype).clamp_min(1).unsqueeze(1);
            double gamma = 1.0 / (2.0 / (n * d) * (x - centre.index_select(0, labels)).pow(2).sum().ToDouble() + Epsilon);
            for (int it = 0; it < MaxIter; it++)
            {
                using var step = NewDisposeScope();
                // tiny noise on the support vectors before the E-step (avoids repeated support vectors)
                u = u + Noise / Math.Sqrt(2 * gamma) * randn(u.shape, dtype: x.dtype, generator: g).to(device);
                var dist = Distances.Squared(x, u);                                        // [N,S]
                if (!_fixAssignments) labels = BlockDistances(dist, gamma).argmin(1);      // E-step
                (u, gamma) = MStep(x, u, svLabels, labels, gamma);
                u.MoveToOuterDisposeScope(); labels.MoveToOuterDisposeScope();
            }
            var lme = BlockDistances(Distances.Squared(x, u), gamma);
            labels = lme.argmin(1);
            return ((U: u, Labels: labels, Gamma: gamma), ObjectiveOf(lme, labels, gamma, n, d));
        });
        Support = best.U.MoveToOuterDisposeScope();
        SupportLabels = svLabels.MoveToOuterDisposeScope();
        Labels = best.Labels.MoveToOuterDisposeScope();
        Gamma = best.Gamma; Objective = RestartObjectives.Min();
    }

    /// <summary>LME^{−γ}_{j∈C_k}{‖x − u_j‖²} for every row and cluster, [N,K]: the distance of Eq. (6), the kernel analogue of <see cref="KMeans.Transform"/>.</summary>
    public Tensor Transform(Tensor x)
    {
        CheckPredictInput(x, nameof(Transform));
        return ClusterDistances(Distances.Squared(x.to(Support.device).to_type(Support.dtype), Support), SupportLabels, Gamma);
    }

    /// <summary>Cluster of each row: smallest LME distance (Eq. 6), equivalently largest likelihood (Eq. 34).</summary>
    protected override Tensor PredictCore(Tensor x)
    {
        using var s = NewDisposeScope();
        return ClusterDistances(Distances.Squared(x.to(Support.device).to_type(Support.dtype), Support), SupportLabels, Gamma).argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>LME distances [N,K] when the support vectors come in blocks of M per cluster (as <see cref="Support"/> does).</summary>
    Tensor BlockDistances(Tensor dist, double gamma)
    {
        using var scope = NewDisposeScope();
        var r = Lme.Pool(dist.view(dist.shape[0], K, SupportPerCluster), -gamma, 2);
        return r.MoveToOuterDisposeScope();
    }

    /// <summary>[N,K] LME distances (Eq. 6) from [N,S] squared distances <paramref name="dist"/>, support labels [S] and γ.</summary>
    public static Tensor ClusterDistances(Tensor dist, Tensor svLabels, double gamma)
    {
        using var scope = NewDisposeScope();
        long k = svLabels.max().item<long>() + 1;
        var member = svLabels.unsqueeze(0).eq(arange(k, device: svLabels.device).unsqueeze(1)); // [K,S]
        var r = Lme.Pool(dist.unsqueeze(1), -gamma, 2, member.unsqueeze(0));                   // [N,K]
        return r.MoveToOuterDisposeScope();
    }

    /// <summary>Eq. (36): Σ_n γ·LME^{−γ}_{j∈C_{k(n)}}‖x_n − u_j‖² − (N d / 2) log γ.</summary>
    static double ObjectiveOf(Tensor lme, Tensor labels, double gamma, long n, long d) =>
        gamma * lme.gather(1, labels.unsqueeze(1)).sum().ToDouble() - n * d / 2.0 * Math.Log(gamma);

    Tensor InitSupport(Tensor x, Tensor labels, torch.Generator g)
    {
        // M random members of each cluster (with replacement when a cluster is small; the noise separates repeats).
        var rows = new List<long>();
        var lab = labels.cpu().data<long>().ToArray();
        for (int k = 0; k < K; k++)
        {
            var members = Enumerable.Range(0, lab.Length).Where(i => lab[i] == k).Select(i => (long)i).ToArray();
            if (members.Length == 0) members = Enumerable.Range(0, lab.Length).Select(i => (long)i).ToArray();
            var pick = randint(members.Length, new long[] { SupportPerCluster }, generator: g).data<long>().ToArray();
            rows.AddRange(pick.Select(p => members[p]));
        }
        return x.index_select(0, tensor(rows.ToArray(), device: x.device)).clone();
    }

    (Tensor U, double Gamma) MStep(Tensor x, Tensor u, Tensor svLabels, Tensor labels, double gamma)
    {
        long n = x.shape[0], d = x.shape[1];
        var dist = Distances.Squared(x, u);                                   // [N,S]
        var own = labels.unsqueeze(1).eq(svLabels.unsqueeze(0));              // δ_nk for j ∈ C_k, [N,S]
        // 𝕂_nj = δ_nk · softmax_{j∈C_k}(−γ‖x_n − u_j‖²)
        var kn = softmax((-gamma * dist).masked_fill(own.logical_not(), double.NegativeInfinity), 1).nan_to_num(0);
        var mass = kn.sum(new long[] { 0 });                                                 // [S]
        var newU = kn.T.matmul(x) / mass.clamp_min(1e-300).unsqueeze(1);     // Eq. (37)
        var alive = mass.gt(0).unsqueeze(1);
        newU = where(alive, newU, u);                                         // a support vector with no mass stays put
        var distNew = Distances.Squared(x, newU);
        double spread = (kn * distNew).sum().ToDouble();
        double newGamma = 1.0 / (2.0 / (n * d) * spread + Epsilon);          // Eq. (38) with ε
        return (newU, newGamma);
    }
}
