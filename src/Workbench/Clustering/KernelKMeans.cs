using TorchSharp;
using Workbench.Compute;
using Workbench.Neuralization;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Clustering;

/// <summary>
/// Kernel k-means as an equal-weight mixture of M tied isotropic Gaussians per cluster, trained as in NEON App. F:
/// hard E-step to the cluster of largest likelihood (Eq. 34, i.e. smallest LME distance Eq. 6), M-step for the support
/// vectors (Eq. 37) and the scale γ (Eq. 38, with ε added before the inverse), a little Gaussian noise on the support
/// vectors before each E-step, a fixed number of iterations and restarts keeping the smallest objective (Eq. 36).
/// <para>Optional <c>initLabels</c> in <see cref="Fit"/> start from given labels (§VI-A initialises with the ground truth).</para>
/// </summary>
public sealed class KernelKMeans
{
    /// <param name="k">number of clusters K</param>
    /// <param name="supportPerCluster">M, support vectors per cluster</param>
    /// <param name="iterations">EM iterations (App. F: 100)</param>
    /// <param name="restarts">restarts, the smallest objective kept (App. F: 10)</param>
    /// <param name="noise">std of the noise added to the support vectors before each E-step, relative to the kernel width 1/√(2γ)</param>
    /// <param name="epsilon">ε added before inverting in the γ update (App. F: 1e-9)</param>
    public KernelKMeans(int k, int supportPerCluster = 10, int iterations = 100, int restarts = 10, double noise = 1e-3,
        double epsilon = 1e-9, long seed = 0, Device? device = null)
    {
        if (k < 2) throw new ArgumentException($"kernel k-means needs K ≥ 2; got {k}.");
        if (supportPerCluster < 1) throw new ArgumentException($"supportPerCluster must be ≥ 1; got {supportPerCluster}.");
        K = k; SupportPerCluster = supportPerCluster; Iterations = iterations; Restarts = restarts; Noise = noise;
        Epsilon = epsilon; Seed = seed; Device = device;
    }

    public int K { get; }
    public int SupportPerCluster { get; }
    public int Iterations { get; }
    public int Restarts { get; }
    public double Noise { get; }
    public double Epsilon { get; }
    public long Seed { get; }
    public Device? Device { get; }

    /// <summary>Support vectors u_j, [K·M, d]; rows k·M … k·M+M−1 belong to cluster k.</summary>
    public Tensor Support { get; private set; } = null!;
    /// <summary>Cluster of each support vector, [K·M] int64.</summary>
    public Tensor SupportLabels { get; private set; } = null!;
    /// <summary>Kernel scale γ (Eq. 38).</summary>
    public double Gamma { get; private set; }
    /// <summary>Cluster of each training point, [N].</summary>
    public Tensor Labels { get; private set; } = null!;
    /// <summary>Objective (Eq. 36) of the kept run.</summary>
    public double Objective { get; private set; }
    /// <summary>Objective of each restart.</summary>
    public IReadOnlyList<double> RestartObjectives { get; private set; } = Array.Empty<double>();

    /// <summary>Fits on <paramref name="x"/> [N,d]; <paramref name="initLabels"/> [N] (0…K−1) optionally gives the initial assignment.</summary>
    public KernelKMeans Fit(Tensor x, Tensor? initLabels = null)
    {
        Distances.CheckData(x);
        long n = x.shape[0], d = x.shape[1];
        if (n < K) throw new ArgumentException($"kernel k-means with K = {K} needs at least {K} points; got {n}.");
        var device = Devices.Resolve(Device);
        using var scope = NewDisposeScope();
        x = x.to(device);
        if (initLabels is not null)
        {
            if (initLabels.shape.Length != 1 || initLabels.shape[0] != n)
                throw new ArgumentException($"initLabels must have shape [{n}]; got [{string.Join(", ", initLabels.shape)}].");
            initLabels = initLabels.to(device).to_type(int64);
            var (mn, mx) = (initLabels.min().item<long>(), initLabels.max().item<long>());
            if (mn < 0 || mx >= K) throw new ArgumentException($"initLabels must lie in 0…{K - 1}; found {mn}…{mx}.");
        }
        var g = Seeds.Generator(Seed);
        var svLabels = arange(K, device: device).repeat_interleave(SupportPerCluster);
        Tensor? bestU = null, bestL = null; double bestObj = double.PositiveInfinity, bestGamma = 0;
        var objectives = new List<double>();
        using var bar = Progress.Start($"kernel k-means K={K} M={SupportPerCluster}", Restarts);
        for (int r = 0; r < Restarts; r++)
        {
            var labels = initLabels ?? Distances.Squared(x, KMeansPlusPlus.Init(x, K, g)).argmin(1);
            var u = InitSupport(x, labels, g);
            // γ from the within-cluster spread: Eq. (38) with each point's softmax weight on its cluster mean.
            var centre = zeros(K, d, dtype: x.dtype, device: device).index_add_(0, labels, x, 1)
                         / bincount(labels, minlength: K).to_type(x.dtype).clamp_min(1).unsqueeze(1);
            double gamma = 1.0 / (2.0 / (n * d) * (x - centre.index_select(0, labels)).pow(2).sum().ToDouble() + Epsilon);
            for (int it = 0; it < Iterations; it++)
            {
                using var step = NewDisposeScope();
                // tiny noise on the support vectors before the E-step (avoids repeated support vectors)
                u = u + Noise / Math.Sqrt(2 * gamma) * randn(u.shape, dtype: x.dtype, generator: g).to(device);
                var dist = Distances.Squared(x, u);                                        // [N,S]
                labels = BlockDistances(dist, gamma).argmin(1);                             // E-step
                (u, gamma) = MStep(x, u, svLabels, labels, gamma);
                u.MoveToOuterDisposeScope(); labels.MoveToOuterDisposeScope();
            }
            var distF = Distances.Squared(x, u);
            var lme = BlockDistances(distF, gamma);
            labels = lme.argmin(1);
            double obj = ObjectiveOf(lme, labels, gamma, n, d);
            objectives.Add(obj);
            if (obj < bestObj) { bestObj = obj; bestU = u; bestL = labels; bestGamma = gamma; }
            bar.Report(r + 1, $"objective {obj:G6}, γ {gamma:G4}");
        }
        Support = bestU!.MoveToOuterDisposeScope();
        SupportLabels = svLabels.MoveToOuterDisposeScope();
        Labels = bestL!.MoveToOuterDisposeScope();
        Gamma = bestGamma; Objective = bestObj; RestartObjectives = objectives;
        return this;
    }

    /// <summary>LME^{−γ}_{j∈C_k}{‖x − u_j‖²} for every point and cluster, [N,K] (the distance of Eq. 6).</summary>
    public Tensor ClusterDistances(Tensor x) => ClusterDistances(Distances.Squared(x.to(Support.device).to_type(Support.dtype), Support), SupportLabels, Gamma);

    /// <summary>Cluster of each row: smallest LME distance (Eq. 6), equivalently largest likelihood (Eq. 34).</summary>
    public Tensor Predict(Tensor x) { using var s = NewDisposeScope(); return ClusterDistances(x).argmin(1).MoveToOuterDisposeScope(); }

    /// <summary>LME distances [N,K] when the support vectors come in blocks of M per cluster (as <see cref="Support"/> does).</summary>
    Tensor BlockDistances(Tensor dist, double gamma)
    {
        using var scope = NewDisposeScope();
        var r = Lme.Pool(dist.view(dist.shape[0], K, SupportPerCluster), -gamma, 2);
        return r.MoveToOuterDisposeScope();
    }

    /// <summary>[N,K] LME distances from [N,S] squared distances.</summary>
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
