// One file (~410 lines): the estimator and its four-phase training loop (FitCore) share every hyperparameter and learned field.
using TorchSharp;
using TorchSharp.Modules;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Numerics;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Additive;

/// <summary>
/// NeurCAM / Neur2CAM (Upadhyaya &amp; Cohen 2024): interpretable clustering with a neural additive model.
/// Cluster logits g_k(x) = Σ_c f_{c,k}(x) are sums of shape functions of single features (C channels) and feature
/// pairs (P channels), each channel choosing its feature(s) by an entmax-1.5 gate annealed to one-hot; the soft
/// assignment w = softmax(g) is trained with the fuzzy c-means loss Σ w^m ‖x̃ − z̃‖² on a separate representation x̃
/// (Eq. 15) and, after the warm-up, with the KL self-supervision KL(w* ‖ w) against a frozen copy θ* (Eqs. 16–17, Alg. 1).
/// After <see cref="Fit(Tensor, Tensor)"/> the model is exactly additive in the selected features
/// (<see cref="SelectedFeatures"/>, <see cref="SelectedPairs"/>); <see cref="ShapeGraphs"/> reads it out, and
/// <see cref="Save"/> / <see cref="Load"/> keep it on disk.
/// Defaults are the official code's (hidden [128,128], 64 bases, 5000 epochs, batch 512, Adam 2e-3, m = 1.05,
/// warm-up/anneal ratios 0.4/0.1/0.1, T_min = 1e-5, γ = 1, log-scale annealing, soft-means centroid init).
/// </summary>
public sealed partial class NeurCam : Clusterer<NeurCam>, ISoftClusterer
{
    /// <param name="k">number of clusters K</param>
    /// <param name="singleChannels">C; −1 means C = D (the paper's tabular setting)</param>
    /// <param name="pairChannels">P (Neur2CAM when &gt; 0); at most D(D−1)/2</param>
    /// <param name="hidden">hidden widths of the basis MLPs (code: [128,128])</param>
    /// <param name="bases">number of shared bases B (code: 64)</param>
    /// <param name="m">fuzzifier of the loss (paper: 1.05 tabular, 1.025 text)</param>
    /// <param name="epochs">total epoch budget (code: 5000)</param>
    /// <param name="batchSize">rows per step (code: 512)</param>
    /// <param name="learningRate">Adam step size (code: 2e-3)</param>
    /// <param name="warmupRatio">share of epochs for the warm-up (code: 0.4)</param>
    /// <param name="singleAnnealRatio">share of epochs for annealing the single gates (code: 0.1)</param>
    /// <param name="pairAnnealRatio">share of epochs for annealing the pairwise gates (code: 0.1)</param>
    /// <param name="minTemperature">T_min of the log-scale schedule (code: 1e-5)</param>
    /// <param name="epsilon">ε of the multiplicative schedule; ≤ 0 means T_min^{1/E_a} (identical to the code's schedule)</param>
    /// <param name="klWeight">γ of Eq. 17 (code: 1); 0 is the "No KL" ablation</param>
    /// <param name="clusteringLossAfterWarmup">false is the "No CL" ablation: only KL after the warm-up</param>
    /// <param name="schedule">annealing schedule (default: the code's)</param>
    /// <param name="init">centroid initialisation (default: the code's)</param>
    /// <param name="patience">early-stopping patience in epochs of the warm-up and final phases (code: 100)</param>
    /// <param name="lrPatience">ReduceLROnPlateau patience in epochs (factor 0.5, relative threshold 1e-4)</param>
    /// <param name="seed">seed of the initialisation and of the batches</param>
    /// <param name="device">device to train on</param>
    public NeurCam(int k, int singleChannels = -1, int pairChannels = 0, int[]? hidden = null, int bases = 64, double m = 1.05,
        int epochs = 5000, int batchSize = 512, double learningRate = 2e-3, double warmupRatio = 0.4, double singleAnnealRatio = 0.1,
        double pairAnnealRatio = 0.1, double minTemperature = 1e-5, double epsilon = 0, double klWeight = 1.0,
        bool clusteringLossAfterWarmup = true, AnnealSchedule schedule = AnnealSchedule.LogScale, CentroidInit init = CentroidInit.SoftMeans,
        int patience = 100, int lrPatience = 50, long seed = 42, Device? device = null) : base(k, seed, device)
    {
        if (singleChannels < -1 || singleChannels == 0 && pairChannels == 0)
            throw new ArgumentException($"singleChannels must be −1 (one per feature) or ≥ 0 with at least one channel in all; got C = {singleChannels}, P = {pairChannels}.");
        if (pairChannels < 0) throw new ArgumentException($"pairChannels must be ≥ 0; got {pairChannels}.", nameof(pairChannels));
        if (bases < 1) throw new ArgumentException($"bases must be ≥ 1; got {bases}.", nameof(bases));
        if (m < 1) throw new ArgumentException($"m must be ≥ 1 (fuzzy c-means exponent); got {m}.", nameof(m));
        if (epochs < 4) throw new ArgumentException($"epochs must be ≥ 4; got {epochs}.", nameof(epochs));
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1; got {batchSize}.", nameof(batchSize));
        if (!(learningRate > 0)) throw new ArgumentException($"learningRate must be > 0; got {learningRate}.", nameof(learningRate));
        if (warmupRatio < 0 || singleAnnealRatio <= 0 || pairAnnealRatio < 0 || warmupRatio + singleAnnealRatio + pairAnnealRatio >= 1)
            throw new ArgumentException($"The phase ratios must be ≥ 0 (anneal > 0) and sum to < 1; got warm-up {warmupRatio}, single {singleAnnealRatio}, pair {pairAnnealRatio}.");
        if (!(minTemperature > 0 && minTemperature < 1)) throw new ArgumentException($"minTemperature must be in (0,1); got {minTemperature}.", nameof(minTemperature));
        if (epsilon >= 1) throw new ArgumentException($"epsilon must be < 1; got {epsilon}.", nameof(epsilon));
        if (klWeight < 0) throw new ArgumentException($"klWeight must be ≥ 0; got {klWeight}.", nameof(klWeight));
        Hidden = hidden ?? new[] { 128, 128 };
        if (Hidden.Any(h => h < 1)) throw new ArgumentException("hidden widths must be ≥ 1.", nameof(hidden));
        SingleChannels = singleChannels; PairChannels = pairChannels; Bases = bases; M = m; Epochs = epochs; BatchSize = batchSize;
        LearningRate = learningRate; WarmupRatio = warmupRatio; SingleAnnealRatio = singleAnnealRatio; PairAnnealRatio = pairAnnealRatio;
        MinTemperature = minTemperature; Epsilon = epsilon; KlWeight = klWeight; ClusteringLossAfterWarmup = clusteringLossAfterWarmup;
        Schedule = schedule; Init = init; Patience = patience; LrPatience = lrPatience;
    }

    /// <summary>
    /// The paper's settings, for a GPU (NeurCAM §4 and the official code's defaults): hidden [128,128], 64 bases, 5000
    /// epochs, batch 512, Adam 2e-3, warm-up/anneal ratios 0.4/0.1/0.1, T_min 1e-5, γ = 1, log-scale annealing and the
    /// paper's mini-batch k-means centroid initialisation (§3.4; the code's default is soft means). Tabular (Table 1):
    /// C = D (<paramref name="singleChannels"/> −1), P = D for Neur2CAM, m = 1.05; text (Table 2): C = P = 128, m = 1.025.
    /// </summary>
    /// <param name="k">number of clusters</param>
    /// <param name="singleChannels">C (−1: one per feature)</param>
    /// <param name="pairChannels">P (0: NeurCAM; D on tabular or 128 on text: Neur2CAM)</param>
    /// <param name="m">fuzzifier (1.05 tabular, 1.025 text)</param>
    /// <param name="init">centroid initialisation (paper: mini-batch k-means)</param>
    /// <param name="seed">seed (the paper keeps the lowest-inertia run of 5 seeds)</param>
    /// <param name="device">device (a GPU: the full budget takes hours per run on a CPU)</param>
    public static NeurCam Paper(int k, int singleChannels = -1, int pairChannels = 0, double m = 1.05, CentroidInit init = CentroidInit.MiniBatchKMeans,
        long seed = 42, Device? device = null) =>
        new(k, singleChannels, pairChannels, new[] { 128, 128 }, 64, m, 5000, 512, 2e-3, init: init, seed: seed, device: device);

    // Hyperparameters
    /// <summary>C (−1: one channel per feature).</summary>
    public int SingleChannels { get; }
    /// <summary>P, the pairwise channels of Neur2CAM.</summary>
    public int PairChannels { get; }
    /// <summary>Hidden widths of the basis MLPs.</summary>
    public int[] Hidden { get; }
    /// <summary>Number of shared bases B.</summary>
    public int Bases { get; }
    /// <summary>Fuzzifier m of the loss.</summary>
    public double M { get; }
    /// <summary>Epoch budget.</summary>
    public int Epochs { get; }
    /// <summary>Rows per step.</summary>
    public int BatchSize { get; }
    /// <summary>Adam step size.</summary>
    public double LearningRate { get; }
    /// <summary>Share of epochs of the warm-up.</summary>
    public double WarmupRatio { get; }
    /// <summary>Share of epochs of the single-gate annealing.</summary>
    public double SingleAnnealRatio { get; }
    /// <summary>Share of epochs of the pairwise-gate annealing.</summary>
    public double PairAnnealRatio { get; }
    /// <summary>T_min of the log-scale schedule.</summary>
    public double MinTemperature { get; }
    /// <summary>ε of the multiplicative schedule (≤ 0: T_min^{1/E_a}).</summary>
    public double Epsilon { get; }
    /// <summary>γ, the weight of the KL term.</summary>
    public double KlWeight { get; }
    /// <summary>Whether the clustering loss stays on after the warm-up (false: the "No CL" ablation).</summary>
    public bool ClusteringLossAfterWarmup { get; }
    /// <summary>Annealing schedule.</summary>
    public AnnealSchedule Schedule { get; }
    /// <summary>Centroid initialisation.</summary>
    public CentroidInit Init { get; }
    /// <summary>Early-stopping patience (epochs).</summary>
    public int Patience { get; }
    /// <summary>Learning-rate plateau patience (epochs).</summary>
    public int LrPatience { get; }

    // Learned state
    /// <summary>The trained network.</summary>
    public NeurCamNetwork Network { get; private set; } = null!;
    /// <summary>Centroids z̃_k in the representation space, [K,R].</summary>
    public Tensor Centroids { get; private set; } = null!;
    /// <summary>Per-feature mean used to standardise x (the gates see z-scored features).</summary>
    public Tensor FeatureMean => _scaler?.Mean!;
    /// <summary>Per-feature standard deviation used to standardise x.</summary>
    public Tensor FeatureScale => _scaler?.Scale!;
    /// <summary>Feature chosen by each single channel, [C] int64 (Eq. 8).</summary>
    public Tensor SelectedFeatures { get; private set; } = null!;
    /// <summary>Features chosen by each pairwise channel, [P,2] int64.</summary>
    public Tensor SelectedPairs { get; private set; } = null!;
    /// <summary>Whether each gate was exactly one-hot when it was locked (false: locked by the epoch cap with a soft gate).</summary>
    public bool AllGatesHardAtLock { get; private set; }
    /// <summary>Epochs actually spent in each phase.</summary>
    public IReadOnlyDictionary<NeurCamPhase, int> PhaseEpochs { get; private set; } = null!;
    /// <summary>One record per epoch.</summary>
    public IReadOnlyList<NeurCamEpoch> History { get; private set; } = Array.Empty<NeurCamEpoch>();
    /// <summary>Gate logits of the single channels at the moment they were locked (they never change afterwards).</summary>
    public Tensor SingleLogitsAtLock { get; private set; } = null!;

    Tensor? _representation;
    Standardizer? _scaler;

    /// <summary>
    /// Diagnostics only (<see cref="Studies.NeurCam.WarmupTrace"/>): when set, <see cref="FitCore"/> runs the warm-up alone,
    /// calls this once before the first epoch (epoch 0) and after every warm-up epoch with the live state, and ends with
    /// <see cref="WarmupObserved"/> when the observer returns false or the warm-up is over; the model is then not fitted.
    /// </summary>
    internal Func<NeurCamWarmupState, bool>? WarmupObserver { get; set; }

    /// <summary>Diagnostics only: false feeds x to the network unscaled (the official code's input; a counterfactual, not the model).</summary>
    internal bool StandardiseInput { get; set; } = true;

    /// <summary>
    /// Fits on interpretable features <paramref name="x"/> [N,D] (the gates and shape functions see these, z-scored)
    /// with the loss computed on <paramref name="representation"/> [N,R] (x̃: an autoencoder code, a spectral embedding,
    /// sentence vectors; Eq. 15).
    /// </summary>
    public NeurCam Fit(Tensor x, Tensor representation)
    {
        CheckInput(representation, "representation");
        if (x.dim() == 2 && representation.shape[0] != x.shape[0])
            throw new ArgumentException($"representation has {representation.shape[0]} rows but x has {x.shape[0]}; pass one representation row per data row.");
        _representation = representation;
        try { return Fit(x); } finally { _representation = null; }
    }

    /// <inheritdoc/>
    protected override void FitCore(Tensor x)
    {
        long d = x.shape[1], n = x.shape[0];
        long c = SingleChannels < 0 ? d : SingleChannels, p = PairChannels;
        if (p > d * (d - 1) / 2)
            throw new ArgumentException($"pairChannels = {p} exceeds the D(D−1)/2 = {d * (d - 1) / 2} distinct pairs of {d} features; lower pairChannels.");
        var device = Devices.Resolve(Device);
        var gen = Seeds.Generator(Seed);
        _scaler = new Standardizer(ScalarType.Float32, device).Fit(x);   // z-scored features for the gates (population σ)
        var xs = (StandardiseInput ? Standardise(x) : x.to(ScalarType.Float32, device)).detach();
        var rep = (_representation ?? x).to(ScalarType.Float32, device).detach();

        var net = NeurCamNetwork.Create(d, c, p, Hidden, Bases, K, gen, device);
        var centroids = new Parameter(zeros(K, rep.shape[1], device: device), requires_grad: true);
        using (no_grad()) centroids.copy_(InitialCentroids(net, xs, rep, gen));
        void Observe(int e, double loss)
        {
            if (WarmupObserver is { } observe && !observe(new NeurCamWarmupState(e, loss, net, centroids, xs, rep))) throw new WarmupObserved();
        }
        Observe(0, double.NaN);

        int warm = (int)(WarmupRatio * Epochs), eSingle = (int)(SingleAnnealRatio * Epochs), ePair = p > 0 ? (int)(PairAnnealRatio * Epochs) : 0;
        eSingle = Math.Max(eSingle, 1);
        if (p > 0) ePair = Math.Max(ePair, 1);
        int final = Epochs - warm - eSingle - ePair;

        // One Adam per parameter group: Adam keeps per-parameter state, so this equals one Adam over all of them,
        // and a locked gate is excluded simply by no longer stepping its optimizer (zeroed-but-present gradients
        // would still move it through the momentum).
        var funcOpt = optim.Adam(net.FunctionParameters().Append(centroids), lr: LearningRate);
        var singleOpt = c > 0 ? optim.Adam(new[] { net.SingleLogits }, lr: LearningRate) : null;
        var pairOpt = p > 0 ? optim.Adam(new[] { net.PairLogits }, lr: LearningRate) : null;
        var plateau = new Plateau(LearningRate, 0.5, LrPatience, 1e-4);

        Tensor? singleLocked = null, pairLocked = null;
        double tSingle = 1, tPair = 1;
        NeurCamNetwork? frozen = null;
        var history = new List<NeurCamEpoch>();
        var phaseEpochs = new Dictionary<NeurCamPhase, int>();
        bool allHard = true;
        int epoch = 0;

        using var bar = Progress.Start($"NeurCAM K={K} C={c} P={p}", Epochs);
        double RunEpoch(NeurCamPhase phase)
        {
            var opts = new List<Adam> { funcOpt };
            if (singleOpt is not null && singleLocked is null) opts.Add(singleOpt);
            if (pairOpt is not null && pairLocked is null) opts.Add(pairOpt);
            var (loss, kl) = TrainEpoch(net, centroids, xs, rep, tSingle, tPair, singleLocked, pairLocked, frozen, phase, opts, gen);
            epoch++;
            double lr = plateau.Step(loss);   // on the epoch clustering loss, as the refactored official code (`neurcam/model.py`, _train_epoch)
            foreach (var o in new[] { funcOpt, singleOpt, pairOpt }) if (o is not null) SetLearningRate(o, lr);
            history.Add(new NeurCamEpoch(epoch, phase, loss, kl, tSingle, tPair, lr));
            phaseEpochs[phase] = phaseEpochs.GetValueOrDefault(phase) + 1;
            bar.Report(epoch, $"{phase}: loss {loss:G5}, KL {kl:G3}, T {tSingle:G3}/{tPair:G3}");
            if (phase == NeurCamPhase.Warmup) Observe(epoch, loss);
            return loss;   // early stopping on the clustering loss, as the refactored official code's _train_phase
        }
        void RunWithEarlyStop(NeurCamPhase phase, int maxEpochs)
        {
            double best = double.PositiveInfinity; int bad = 0;
            for (int e = 0; e < maxEpochs; e++)
            {
                double l = RunEpoch(phase);
                if (l < best) { best = l; bad = 0; } else if (++bad > Patience) break;
            }
        }

        // 1. Warm-up: clustering loss only, soft gates at T = 1.
        RunWithEarlyStop(NeurCamPhase.Warmup, warm);
        if (WarmupObserver is not null) throw new WarmupObserved();   // an observed fit is the warm-up alone
        // 2. θ* ← θ, a deep copy (the official code's state_dict restore aliases the live tensors; we keep the intent).
        frozen = net.Copy();
        // 3. Pairwise gates annealed first, then locked; 4. single gates, then locked.
        if (p > 0)
        {
            tPair = Anneal(NeurCamPhase.PairAnneal, ePair, t => tPair = t, () => Entmax15Hard(net.PairGates(tPair)));
            pairLocked = net.PairLogits.detach().argmax(2).clone();
            allHard &= Entmax15Hard(net.PairGates(tPair));
            net.PairLogits.requires_grad_(false);
        }
        if (c > 0) tSingle = Anneal(NeurCamPhase.SingleAnneal, eSingle, t => tSingle = t, () => Entmax15Hard(net.SingleGates(tSingle)));
        if (c > 0) allHard &= Entmax15Hard(net.SingleGates(tSingle));
        singleLocked = net.SingleLogits.detach().argmax(1).clone();
        net.SingleLogits.requires_grad_(false);
        SingleLogitsAtLock = net.SingleLogits.detach().clone();
        // 5. Final phase with all gates locked.
        RunWithEarlyStop(NeurCamPhase.Final, final);
        bar.Finish();

        Network = net;
        Centroids = centroids.detach().clone();
        SelectedFeatures = singleLocked;
        SelectedPairs = pairLocked ?? zeros(0, 2, dtype: ScalarType.Int64, device: device);
        AllGatesHardAtLock = allHard;
        History = history;
        PhaseEpochs = phaseEpochs;
        using (no_grad()) Labels = LogitsStd(xs).argmax(1);
        foreach (var o in new[] { funcOpt, singleOpt, pairOpt }) o?.Dispose();

        double Anneal(NeurCamPhase phase, int maxEpochs, Action<double> setT, Func<bool> valid)
        {
            double eps = Epsilon > 0 ? Epsilon : Math.Pow(MinTemperature, 1.0 / maxEpochs);
            double t = 1;
            for (int e = 0; e < maxEpochs; e++)
            {
                // code: set T, check validity, break before training if every gate is one-hot (`NeurCAM.py:494-527`)
                t = Annealing.Temperature(Schedule, e, maxEpochs, MinTemperature, eps);
                setT(t);
                using (no_grad()) if (valid()) break;
                RunEpoch(phase);
            }
            return t;
        }
    }

    static bool Entmax15Hard(Tensor gates)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Gating.Entmax.IsOneHot(gates).all().item<bool>();
    }

    (double Loss, double Kl) TrainEpoch(NeurCamNetwork net, Tensor centroids, Tensor xs, Tensor rep, double tSingle, double tPair,
        Tensor? singleLocked, Tensor? pairLocked, NeurCamNetwork? frozen, NeurCamPhase phase, List<Adam> opts, Generator gen)
    {
        long n = xs.shape[0];
        using var order = randperm(n, generator: gen).to(xs.device);
        double lossSum = 0, klSum = 0;
        bool useKl = phase != NeurCamPhase.Warmup && frozen is not null && KlWeight > 0;
        bool useCl = phase == NeurCamPhase.Warmup || ClusteringLossAfterWarmup;
        for (long start = 0; start < n; start += BatchSize)
        {
            foreach (var o in opts) o.zero_grad();
            using (var step = NewDisposeScope())
            {
                long count = Math.Min(BatchSize, n - start);
                var idx = order.narrow(0, start, count);
                var xb = xs.index_select(0, idx);
                var g = net.Logits(xb, tSingle, tPair, singleLocked, pairLocked);
                var cl = ClusteringLoss(g.softmax(1), rep.index_select(0, idx), centroids, M);
                var total = useCl ? cl : zeros_like(cl);
                Tensor? kl = null;
                if (useKl)
                {
                    Tensor target;
                    using (no_grad()) target = frozen!.Logits(xb, 1, 1).softmax(1);   // w* = F(x; θ*, T = 1)
                    kl = KlDivergence(target, g.log_softmax(1));
                    total = total + KlWeight * kl;
                }
                total.backward();
                lossSum += cl.item<float>() * count;
                if (kl is not null) klSum += kl.item<float>() * count;
            }
            foreach (var o in opts) o.step();
        }
        return (lossSum / n, klSum / n);
    }

    /// <summary>
    /// Fuzzy clustering loss as the official code computes it (`Loss.py:18-30`): mean over the B·K entries of
    /// w^m ⊙ ‖x̃ − z̃‖² (Eq. 15 divided by B·K). <paramref name="w"/> [B,K], <paramref name="rep"/> [B,R], <paramref name="centroids"/> [K,R].
    /// </summary>
    public static Tensor ClusteringLoss(Tensor w, Tensor rep, Tensor centroids, double m)
    {
        var d2 = (rep.unsqueeze(1) - centroids.unsqueeze(0)).square().sum(new long[] { 2 });
        return (w.pow(m) * d2).mean();
    }

    /// <summary>Batch-mean KL(w* ‖ w) = Σ w*(log w* − log w)/B (Eq. 16; PyTorch's KLDivLoss('batchmean')), 0·log 0 = 0.</summary>
    public static Tensor KlDivergence(Tensor target, Tensor logW)
    {
        var t = target.clamp_min(1e-30);
        return (where(target.gt(0), target * (t.log() - logW), zeros_like(logW))).sum() / target.shape[0];
    }

    Tensor InitialCentroids(NeurCamNetwork net, Tensor xs, Tensor rep, Generator gen)
    {
        using var scope = NewDisposeScope();
        if (Init == CentroidInit.MiniBatchKMeans)
        {
            var mb = new MiniBatchKMeans(K, batchSize: 1024, maxIter: 100, nInit: 10, seed: Seed, device: rep.device).Fit(rep);
            return mb.Centroids.to(ScalarType.Float32).MoveToOuterDisposeScope();
        }
        // code default: Σ w x̃ / Σ w over the first 3 batches of a shuffle under the random-init model (`NeurCAM.py:458-486`)
        using var _ = no_grad();
        long rows = Math.Min(xs.shape[0], 3L * BatchSize);
        var idx = randperm(xs.shape[0], generator: gen).narrow(0, 0, rows).to(xs.device);
        var w = net.Logits(xs.index_select(0, idx), 1, 1).softmax(1);
        var z = w.T.matmul(rep.index_select(0, idx)) / w.sum(new long[] { 0 }).unsqueeze(1);
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>x z-scored with the training mean and standard deviation, float32 on the model's device.</summary>
    public Tensor Standardise(Tensor x) =>
        (_scaler ?? throw new InvalidOperationException("This NeurCam is not fitted yet: call Fit(x, representation) first.")).Transform(x);

    Tensor LogitsStd(Tensor xs) => Network.Logits(xs, 1, 1, SelectedFeatures, SelectedPairs.shape[0] > 0 ? SelectedPairs : null);

    /// <summary>Cluster logits g(x) = Σ_c f_c(x), [N,K], with the locked gates.</summary>
    public Tensor DecisionFunction(Tensor x)
    {
        CheckPredictInput(x, nameof(DecisionFunction));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return LogitsStd(Standardise(x)).MoveToOuterDisposeScope();
    }

    /// <summary>Contribution of every channel to every cluster logit, [N, C+P, K]; sums over channels to <see cref="DecisionFunction"/>.</summary>
    public Tensor ChannelContributions(Tensor x)
    {
        CheckPredictInput(x, nameof(ChannelContributions));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Network.Contributions(Standardise(x), 1, 1, SelectedFeatures, SelectedPairs.shape[0] > 0 ? SelectedPairs : null).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor PredictProba(Tensor x)
    {
        using var scope = NewDisposeScope();
        return DecisionFunction(x).softmax(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override Tensor PredictCore(Tensor x)
    {
        using var scope = NewDisposeScope();
        return DecisionFunction(x).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Shape graphs, importances and per-point contributions of the fitted model (Eqs. 24–25).</summary>
    public ShapeGraphs ShapeGraphs()
    {
        CheckFitted(nameof(ShapeGraphs));
        return new ShapeGraphs(this);
    }

    static void SetLearningRate(Adam o, double lr)
    {
        foreach (var g in o.ParamGroups) g.LearningRate = lr;
    }

    /// <summary>ReduceLROnPlateau('min', factor, patience, relative threshold), stepped per epoch (as the refactored official code).</summary>
    sealed class Plateau(double lr, double factor, int patience, double threshold)
    {
        double _best = double.PositiveInfinity; int _bad;
        public double Step(double loss)
        {
            if (loss < _best * (1 - threshold)) { _best = loss; _bad = 0; }
            else if (++_bad > patience) { lr *= factor; _bad = 0; }
            return lr;
        }
    }
}
