using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using Workbench.Gating;
using Workbench.Losses;
using Workbench.Models;
using Workbench.Reporting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Workbench.Clustering;

/// <summary>One epoch of <see cref="Idc"/> training: stage (1 = autoencoder and local gates, 2 = head), mean loss,
/// regulariser weight β_e and the mean number of open noise-free local gates per sample (stage 1).</summary>
public sealed record IdcEpoch(int Epoch, int Stage, double Loss, double Beta, double OpenGates);

/// <summary>
/// IDC, Interpretable Deep Clustering (Svirsky &amp; Lindenbaum, paper 004), following the official code by default:
/// <list type="bullet">
/// <item>stage 1 (epochs 0…E_pre): an MLP autoencoder with BatchNorm (<see cref="MlpAutoencoder"/>) trained with four
/// reconstruction losses (plain, masked input, multiplicative latent noise, gated input); from epoch E_ng + 1 the
/// local gating network (<see cref="GatingNetwork"/>) with the L0 regulariser under a cosine ramp (Eqs. 3, 5) and the
/// gate coding-rate term (Eq. 4);</item>
/// <item>stage 2 (epochs E_pre+1…): the encoder and gates frozen, a clustering head trained with the Gumbel-softmax
/// (Eq. 6) and the coding-rate compression loss (Eq. 7); from epoch E_gg the per-cluster global gates with the
/// auxiliary classifier (Eq. 8).</item>
/// </list>
/// Declared deviation (digest §5): the stage-2 embeddings h = f₂(x ⊙ z) are computed once with BatchNorm in eval mode
/// and cached; the code keeps the frozen encoder in train mode (batch statistics). Epochs count from 0 as in the code.
/// Optional deviation: <c>headRestarts</c> &gt; 1 trains several stage-2 heads and keeps the lowest compression loss
/// (<c>Idc.Restarts.cs</c>, as k-means' <c>n_init</c>); the default 1 is the code's single head.
/// </summary>
public sealed partial class Idc : Clusterer<Idc>, ISoftClusterer
{
    /// <param name="k">number of clusters K</param>
    /// <param name="hidden">encoder hidden widths (decoder mirrors); Table 6</param>
    /// <param name="latent">latent width d</param>
    /// <param name="gatingHidden">H_g of the gating network</param>
    /// <param name="headHidden">H_c of the clustering head</param>
    /// <param name="auxHidden">H_a of the auxiliary classifier</param>
    /// <param name="epochs">E_tot, all epochs of both stages</param>
    /// <param name="pretrainEpochs">E_ng: epochs 0…E_ng train the autoencoder alone (gates ≡ 1)</param>
    /// <param name="gateEpochs">E_pre: last epoch of stage 1; the regulariser ramp reaches <paramref name="lambdaLocal"/> there</param>
    /// <param name="globalGateEpoch">E_gg: first epoch of the global gates and auxiliary classifier</param>
    /// <param name="batchSize">B (clamped to N, as the code)</param>
    /// <param name="learningRate">Adam rate of the autoencoder and gating network</param>
    /// <param name="headLearningRate">Adam rate of the head</param>
    /// <param name="globalLearningRate">SGD rate of the auxiliary classifier and global gates (code 1e−2, paper 1e−1)</param>
    /// <param name="minLearningRate">floor of both cosine schedules</param>
    /// <param name="maskProbability">p of the masked-input loss: each entry is zeroed with this probability</param>
    /// <param name="latentNoise">σ_h of the multiplicative latent noise η ~ N(1, σ_h²)</param>
    /// <param name="lambdaLocal">λ_loc, the final weight of the local regulariser</param>
    /// <param name="lambdaGlobal">λ_glob, the constant weight of the global regulariser</param>
    /// <param name="gateCodingRateWeight">gtcr_λ, the weight of L_gtr/B</param>
    /// <param name="gateCodingRateEps">ε_g of λ₁ = D/(Bε_g)</param>
    /// <param name="headEps">ε of the compression loss</param>
    /// <param name="tau">Gumbel-softmax temperature (code 100)</param>
    /// <param name="gates">code or paper constants of the stochastic gates</param>
    /// <param name="reconstruction">MSE (code) or L1 (paper)</param>
    /// <param name="useGates">false: the "w/o gates" ablation, z ≡ 1 and no regulariser, coding-rate or global gates</param>
    /// <param name="evalEvery">record the labels every this many head epochs (and at the last epoch)</param>
    /// <param name="headRestarts">R, the number of stage-2 runs from different seeded initialisations of the head, the
    /// auxiliary classifier and the global gates on the same frozen embeddings, trained side by side; the run with the lowest
    /// compression loss (Eq. 7) of its final hard assignments on all training rows is kept, as k-means keeps the lowest
    /// inertia of its <c>n_init</c> runs (never chosen by labels). Deviation from the paper and the code, which train one
    /// head. 1 (default) = the code's single head, on the code path (numbers unchanged); see <see cref="HeadRestartResults"/>.</param>
    /// <param name="allowConstantColumns">accept zero-variance columns (e.g. MNIST's always-black pixels)</param>
    /// <param name="cacheFolder">folder of trained states keyed by configuration, seed and data (e.g. <c>artifacts/models</c>):
    /// a fit whose key is there loads it instead of training; null (default) = always train, nothing written</param>
    /// <param name="seed">seed of every draw</param>
    /// <param name="device">device to fit on</param>
    public Idc(int k, int[] hidden, int latent, int gatingHidden, int headHidden, int auxHidden,
        int epochs, int pretrainEpochs, int gateEpochs, int globalGateEpoch, int batchSize = 256,
        double learningRate = 1e-3, double headLearningRate = 1e-2, double globalLearningRate = 1e-2, double minLearningRate = 1e-6,
        double maskProbability = 0.9, double latentNoise = 0.01, double lambdaLocal = 1.0, double lambdaGlobal = 1e-4,
        double gateCodingRateWeight = 0.01, double gateCodingRateEps = 1.0, double headEps = 0.1, double tau = 100,
        GateConvention gates = GateConvention.Code, ReconstructionKind reconstruction = ReconstructionKind.Mse,
        bool useGates = true, int evalEvery = 10, int headRestarts = 1, bool allowConstantColumns = false, string? cacheFolder = null, long seed = 0, Device? device = null)
        : base(k, seed, device)
    {
        if (!(0 <= pretrainEpochs && pretrainEpochs < gateEpochs && gateEpochs < epochs - 1))
            throw new ArgumentException($"IDC needs 0 ≤ pretrainEpochs < gateEpochs < epochs − 1; got {pretrainEpochs}, {gateEpochs}, {epochs}.");
        if (batchSize < 2) throw new ArgumentException($"batchSize must be ≥ 2 (BatchNorm); got {batchSize}.");
        if (maskProbability < 0 || maskProbability >= 1) throw new ArgumentException($"maskProbability must be in [0, 1); got {maskProbability}.");
        if (tau <= 0 || headEps <= 0 || gateCodingRateEps <= 0) throw new ArgumentException("tau, headEps and gateCodingRateEps must be > 0.");
        if (evalEvery < 1) throw new ArgumentException($"evalEvery must be ≥ 1; got {evalEvery}.");
        if (headRestarts < 1) throw new ArgumentException($"headRestarts must be ≥ 1; got {headRestarts}.");
        Hidden = hidden.ToArray(); Latent = latent; GatingHidden = gatingHidden; HeadHidden = headHidden; AuxHidden = auxHidden;
        Epochs = epochs; PretrainEpochs = pretrainEpochs; GateEpochs = gateEpochs; GlobalGateEpoch = globalGateEpoch;
        BatchSize = batchSize; LearningRate = learningRate; HeadLearningRate = headLearningRate;
        GlobalLearningRate = globalLearningRate; MinLearningRate = minLearningRate; MaskProbability = maskProbability;
        LatentNoise = latentNoise; LambdaLocal = lambdaLocal; LambdaGlobal = lambdaGlobal;
        GateCodingRateWeight = gateCodingRateWeight; GateCodingRateEps = gateCodingRateEps; HeadEps = headEps; Tau = tau;
        Gates = gates; Reconstruction = reconstruction; UseGates = useGates; EvalEvery = evalEvery; HeadRestarts = headRestarts;
        AllowConstantColumns = allowConstantColumns; CacheFolder = cacheFolder;
    }

    // Hyperparameters (see the constructor).
    /// <summary>Encoder hidden widths.</summary>
    public int[] Hidden { get; }
    /// <summary>Latent width d.</summary>
    public int Latent { get; }
    /// <summary>H_g.</summary>
    public int GatingHidden { get; }
    /// <summary>H_c.</summary>
    public int HeadHidden { get; }
    /// <summary>H_a.</summary>
    public int AuxHidden { get; }
    /// <summary>E_tot.</summary>
    public int Epochs { get; }
    /// <summary>E_ng.</summary>
    public int PretrainEpochs { get; }
    /// <summary>E_pre.</summary>
    public int GateEpochs { get; }
    /// <summary>E_gg.</summary>
    public int GlobalGateEpoch { get; }
    /// <summary>B.</summary>
    public int BatchSize { get; }
    /// <summary>Adam rate of stage 1.</summary>
    public double LearningRate { get; }
    /// <summary>Adam rate of the head.</summary>
    public double HeadLearningRate { get; }
    /// <summary>SGD rate of the global gates.</summary>
    public double GlobalLearningRate { get; }
    /// <summary>Cosine floor.</summary>
    public double MinLearningRate { get; }
    /// <summary>p_mask.</summary>
    public double MaskProbability { get; }
    /// <summary>σ_h.</summary>
    public double LatentNoise { get; }
    /// <summary>λ_loc.</summary>
    public double LambdaLocal { get; }
    /// <summary>λ_glob.</summary>
    public double LambdaGlobal { get; }
    /// <summary>gtcr_λ.</summary>
    public double GateCodingRateWeight { get; }
    /// <summary>ε_g.</summary>
    public double GateCodingRateEps { get; }
    /// <summary>ε of the compression loss.</summary>
    public double HeadEps { get; }
    /// <summary>Gumbel temperature τ.</summary>
    public double Tau { get; }
    /// <summary>Gate constants.</summary>
    public GateConvention Gates { get; }
    /// <summary>Reconstruction error.</summary>
    public ReconstructionKind Reconstruction { get; }
    /// <summary>False for the "w/o gates" ablation.</summary>
    public bool UseGates { get; }
    /// <summary>Label recording period in head epochs.</summary>
    public int EvalEvery { get; }
    /// <summary>R, the number of stage-2 head restarts (1 = the code's single head).</summary>
    public int HeadRestarts { get; }
    /// <summary>Whether zero-variance columns are accepted.</summary>
    public bool AllowConstantColumns { get; }
    /// <summary>Folder of cached trained states, or null.</summary>
    public string? CacheFolder { get; }

    // Learned state.
    /// <summary>The autoencoder (f₂, f₃).</summary>
    public MlpAutoencoder Autoencoder { get; private set; } = null!;
    /// <summary>The local gating network (f₁).</summary>
    public GatingNetwork GatingNet { get; private set; } = null!;
    /// <summary>The clustering head.</summary>
    public Sequential Head { get; private set; } = null!;
    /// <summary>The auxiliary classifier on globally gated inputs.</summary>
    public Sequential Auxiliary { get; private set; } = null!;
    /// <summary>The per-cluster global gates.</summary>
    public GlobalGates GlobalGateNet { get; private set; } = null!;
    /// <summary>Per-epoch record of training.</summary>
    public IReadOnlyList<IdcEpoch> History { get; private set; } = Array.Empty<IdcEpoch>();
    /// <summary>Training labels recorded every <see cref="EvalEvery"/> head epochs (epoch, labels [N]); the code's
    /// "best over epochs" ACC picks among these with the true labels (an oracle).</summary>
    public IReadOnlyList<(int Epoch, Tensor Labels)> LabelHistory { get; private set; } = Array.Empty<(int, Tensor)>();
    /// <summary>Wall and process CPU seconds of each epoch of the last trained (not cached) fit, in the order of
    /// <see cref="History"/>; the stage-2 clocks exclude the label recording (for <c>workbench bench idc</c>).</summary>
    internal IReadOnlyList<(double Wall, double Cpu)> EpochSeconds { get; private set; } = Array.Empty<(double, double)>();
    /// <summary>The cached stage-2 embeddings of the training rows, [N,d].</summary>
    public Tensor Embeddings { get; private set; } = null!;

    Device _dev = CPU;

    /// <inheritdoc/>
    protected override void FitCore(Tensor input)
    {
        _dev = Devices.Resolve(Device);
        using var outer = NewDisposeScope();
        var x = input.to(ScalarType.Float32).to(_dev).detach();
        long n = x.shape[0], d = x.shape[1];
        var sd = x.std(new long[] { 0 }, unbiased: false);
        if (!AllowConstantColumns && sd.le(0).any().item<bool>())
        {
            var bad = sd.le(0).nonzero().squeeze(1).data<long>().Take(10).ToArray();
            throw new ArgumentException($"x has {sd.le(0).sum().item<long>()} zero-variance column(s) (first: {string.Join(", ", bad)}). " +
                "Drop them (keep x[:, x.std(0) > 0]) or pass allowConstantColumns: true.");
        }
        long b = Math.Min(n, BatchSize);
        if (b < K) throw new ArgumentException($"the batch (min(N, batchSize) = {b}) is smaller than K = {K}; the head's coding rate needs at least K rows per batch. Raise batchSize.");
        long batches = n / b;                                                           // drop_last, as the code

        var g = Seeds.Generator(Seed);
        Autoencoder = new MlpAutoencoder(d, Hidden, Latent);
        GatingNet = new GatingNetwork(d, GatingHidden);
        Head = nn.Sequential(("fc1", nn.Linear(Latent, HeadHidden)), ("bn1", nn.BatchNorm1d(HeadHidden)), ("relu1", nn.ReLU()), ("out", nn.Linear(HeadHidden, K)));
        Auxiliary = nn.Sequential(("fc1", nn.Linear(d, AuxHidden)), ("bn1", nn.BatchNorm1d(AuxHidden)), ("relu1", nn.ReLU()), ("out", nn.Linear(AuxHidden, K)));
        GlobalGateNet = new GlobalGates(K, d, g);
        foreach (var m in new nn.Module[] { Autoencoder, GatingNet, Head, Auxiliary }) InitWeights(m, g);
        Autoencoder.to(_dev); GatingNet.to(_dev); Head.to(_dev); Auxiliary.to(_dev); GlobalGateNet.to(_dev);
        var cacheFile = CacheFolder is null ? null : Path.Combine(CacheFolder, $"idc-{CacheKey(x)}.bin");
        if (cacheFile is not null && TryLoadCache(cacheFile, x)) return;

        var history = new List<IdcEpoch>();
        var seconds = new List<(double, double)>();
        var clock = new EpochClock();
        double noise = StochasticGates.NoiseStd(Gates);
        using var bar = Progress.Start($"IDC K={K} D={d}", Epochs);

        // Stage 1 (code TE:221-285): autoencoder + local gates, one Adam, per-step cosine with T_max = ⌊N/B⌋·E_pre.
        var stage1Params = Autoencoder.parameters().Concat(GatingNet.parameters()).ToList();
        using (var opt = optim.Adam(stage1Params, lr: LearningRate))
        {
            Autoencoder.train(); GatingNet.train();
            long step = 0, tMax = batches * GateEpochs;
            for (int e = 0; e <= GateEpochs; e++)
            {
                bool gated = UseGates && e > PretrainEpochs;
                double beta = gated ? StochasticGates.Ramp(e, PretrainEpochs, GateEpochs, LambdaLocal) : 0.0;
                using var order = randperm(n, generator: g).to(_dev);
                double lossSum = 0, openSum = 0;
                for (long bi = 0; bi < batches; bi++)
                {
                    SetLr(opt, Cosine(LearningRate, MinLearningRate, step++, tMax));
                    opt.zero_grad();
                    using (var scope = NewDisposeScope())
                    {
                        var xb = x.index_select(0, order.narrow(0, bi * b, b));
                        var (loss, open) = Stage1Loss(xb, gated, beta, noise, g);
                        loss.backward();
                        lossSum += Finite(loss.item<float>(), 1, e); openSum += open;
                    }
                    opt.step();
                }
                history.Add(new IdcEpoch(e, 1, lossSum / batches, beta, openSum / batches));
                seconds.Add(clock.Lap());
                bar.Report(e + 1, $"stage 1, epoch {e}: loss {lossSum / batches:F4}, open gates {openSum / batches:F1}");
            }
        }

        // Cache gates and embeddings (deviation: eval-mode BN; the code keeps train mode). The encoder's running statistics
        // are first re-estimated on x ⊙ z: stage 1 mixed the batch statistics of x, x ⊙ m (90 % zeros) and x ⊙ z into them,
        // whereas the code's stage-2 forwards (train mode, on x ⊙ z only) normalise with x ⊙ z statistics.
        Autoencoder.eval(); GatingNet.eval();
        var (zAll, hAll) = CacheEmbeddings(x, recalibrate: true);
        clock.Lap();

        // Stage 2 with R > 1 restarts side by side (declared deviation, Idc.Restarts.cs); R = 1 stays on the code path below.
        if (HeadRestarts > 1)
        {
            FitRestarts(x, zAll, hAll, b, batches, noise, g, history, seconds, clock, bar);
            Embeddings = hAll.MoveToOuterDisposeScope();
            History = history;
            EpochSeconds = seconds;
            if (cacheFile is not null) SaveCache(cacheFile);
            return;
        }

        // Stage 2 (TE:229-244, 384-390): head on the compression loss; from E_gg the global gates + auxiliary CE.
        var labels = new List<(int, Tensor)>();
        using (var optHead = optim.Adam(Head.parameters(), lr: HeadLearningRate))
        using (var optGlob = optim.SGD(Auxiliary.parameters().Concat(GlobalGateNet.parameters()), learningRate: GlobalLearningRate))
        {
            long step = 0, tMax = batches * (Epochs - GateEpochs);
            for (int e = GateEpochs + 1; e < Epochs; e++)
            {
                Head.train(); Auxiliary.train();
                bool global = UseGates && e >= GlobalGateEpoch;
                using var order = randperm(n, generator: g).to(_dev);
                double lossSum = 0;
                for (long bi = 0; bi < batches; bi++)
                {
                    SetLr(optHead, Cosine(HeadLearningRate, MinLearningRate, step++, tMax));
                    optHead.zero_grad();
                    Tensor idx = order.narrow(0, bi * b, b), cl;
                    using (var scope = NewDisposeScope())
                    {
                        var logits = Head.forward(hAll.index_select(0, idx));
                        var yHat = GumbelSoftmax.Sample(logits, Tau, g);                        // IDC Eq. (6)
                        var loss = CodingRate.CompressLoss(hAll.index_select(0, idx), yHat, HeadEps);   // IDC Eq. (7)
                        loss.backward();
                        lossSum += Finite(loss.item<float>(), 2, e);
                        cl = logits.detach().argmax(1).MoveToOuterDisposeScope();
                    }
                    optHead.step();
                    if (global)
                    {
                        optGlob.zero_grad();
                        using (var scope = NewDisposeScope())
                        {
                            var muG = GlobalGateNet.forward(cl);
                            var zG = StochasticGates.Sample(muG, noise, g);
                            var xb = x.index_select(0, idx) * zAll.index_select(0, idx) * zG;
                            var loss = F.cross_entropy(Auxiliary.forward(xb), cl)                 // IDC Eq. (8), code split
                                       + LambdaGlobal * StochasticGates.Regulariser(muG, Gates);
                            loss.backward();
                        }
                        optGlob.step();
                    }
                    cl.Dispose(); idx.Dispose();
                }
                history.Add(new IdcEpoch(e, 2, lossSum / batches, LambdaLocal, double.NaN));
                seconds.Add(clock.Lap());
                int headEpoch = e - GateEpochs;
                if (headEpoch % EvalEvery == 0 || e == Epochs - 1)
                    labels.Add((e, HeadLabels(hAll).MoveToOuterDisposeScope()));
                bar.Report(e + 1, $"stage 2, epoch {e}: compression {lossSum / batches:F4}");
                clock.Lap();
            }
        }
        Head.eval(); Auxiliary.eval();
        Embeddings = hAll.MoveToOuterDisposeScope();
        Labels = labels[^1].Item2;
        LabelHistory = labels;
        HeadRestartResults = Array.Empty<IdcHeadRestart>();
        ChosenRestart = 0;
        History = history;
        EpochSeconds = seconds;
        if (cacheFile is not null) SaveCache(cacheFile);
    }

    (Tensor Loss, double Open) Stage1Loss(Tensor xb, bool gated, double beta, double noise, Generator g)
    {
        var enc = Autoencoder.Encoder; var dec = Autoencoder.Decoder;
        // L¹: plain reconstruction.
        var loss = Losses.Reconstruction.Loss(dec.forward(enc.forward(xb)), xb, Reconstruction);
        // L²: masked input, each entry zeroed with probability p_mask.
        var mask = rand(xb.shape, generator: g).to(_dev).ge(MaskProbability).to(xb.dtype);
        loss = loss + Losses.Reconstruction.Loss(dec.forward(enc.forward(xb * mask)), xb, Reconstruction);
        // L³: multiplicative latent noise η ~ N(1, σ_h²) on the ungated latent.
        var eta = 1.0 + LatentNoise * randn(new[] { xb.shape[0], (long)Latent }, generator: g).to(_dev);
        loss = loss + Losses.Reconstruction.Loss(dec.forward(enc.forward(xb) * eta), xb, Reconstruction);
        // L⁴: gated input x ⊙ z with noisy gates (z ≡ 1 before E_ng).
        if (!gated)
        {
            loss = loss + Losses.Reconstruction.Loss(dec.forward(enc.forward(xb)), xb, Reconstruction);
            return (loss, xb.shape[1]);
        }
        var mu = GatingNet.forward(xb);
        var z = StochasticGates.Sample(mu, noise, g);
        loss = loss + Losses.Reconstruction.Loss(dec.forward(enc.forward(xb * z)), xb, Reconstruction);
        loss = loss + beta * StochasticGates.Regulariser(mu, Gates)                      // IDC Eq. (3), (5)
                    + CodingRate.GateCodingRateCode(z, GateCodingRateWeight, GateCodingRateEps); // IDC Eq. (4)
        double open;
        using (no_grad()) open = StochasticGates.Deterministic(mu).gt(0).sum(1).to(ScalarType.Float32).mean().item<float>();
        return (loss, open);
    }

    Tensor LocalGatesCore(Tensor x)
    {
        if (!UseGates) return ones_like(x);
        return StochasticGates.Deterministic(GatingNet.forward(x));
    }

    Tensor HeadLabels(Tensor h)
    {
        using var _ = no_grad();
        Head.eval();
        var lab = Head.forward(h).argmax(1);
        Head.train();
        return lab;
    }

    static void InitWeights(nn.Module module, Generator g)
    {
        // model.py:8 — Linear weights N(0, 0.001²); biases keep PyTorch's default U(±1/√fan_in) (the code's zeroing is
        // dead), drawn here from our generator so that concurrent users of torch's global generator cannot interfere.
        using var _ = no_grad();
        foreach (var m in module.modules())
            if (m is Linear lin)
            {
                lin.weight!.copy_(0.001 * randn(lin.weight!.shape, generator: g));
                double bound = 1.0 / Math.Sqrt(lin.weight!.shape[1]);
                lin.bias?.copy_((rand(lin.bias!.shape, generator: g) * 2 - 1) * bound);
            }
    }

    static double Finite(float loss, int stage, int epoch) => float.IsFinite(loss) ? loss
        : throw new InvalidOperationException($"IDC stage {stage}: the loss became {loss} at epoch {epoch}. Check x for extreme values " +
            "(scale it to [0, 1] or z-score it) or lower learningRate / headLearningRate.");

    static double Cosine(double lr0, double lrMin, long t, long tMax) =>
        tMax <= 0 ? lr0 : lrMin + (lr0 - lrMin) * (1 + Math.Cos(Math.PI * t / tMax)) / 2;    // CosineAnnealingLR closed form

    static void SetLr(optim.Optimizer opt, double lr) { foreach (var pg in opt.ParamGroups) pg.LearningRate = lr; }

    /// <summary>Noise-free local gates z(x) = clamp(μ(x) + 0.5, 0, 1), [N,D] (all ones without gates).</summary>
    public Tensor LocalGates(Tensor x, Device? device = null)
    {
        CheckPredictInput(x, nameof(LocalGates));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return LocalGatesCore(x.to(ScalarType.Float32).to(_dev)).to(Devices.Resolve(device ?? _dev)).MoveToOuterDisposeScope();
    }

    /// <summary>Noise-free global gates of every cluster, [K,D].</summary>
    public Tensor GlobalGateValues() { CheckFitted(nameof(GlobalGateValues)); return UseGates ? GlobalGateNet.Gates() : ones(K, NFeaturesIn); }

    /// <summary>Embeddings h = f₂(x ⊙ z(x)), [N,d].</summary>
    public Tensor Transform(Tensor x, Device? device = null)
    {
        CheckPredictInput(x, nameof(Transform));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var xx = x.to(ScalarType.Float32).to(_dev);
        return Autoencoder.Encoder.forward(xx * LocalGatesCore(xx)).to(Devices.Resolve(device ?? _dev)).MoveToOuterDisposeScope();
    }

    /// <summary>Head logits of each row, [N,K]; differentiable in x (for gradient attributions).</summary>
    public Tensor Logits(Tensor x)
    {
        CheckPredictInput(x, nameof(Logits));
        var xx = x.to(ScalarType.Float32).to(_dev);
        return Head.forward(Autoencoder.Encoder.forward(xx * LocalGatesCore(xx)));
    }

    /// <inheritdoc/>
    protected override Tensor PredictCore(Tensor x) { using var _ = no_grad(); return Logits(x).argmax(1); }

    /// <inheritdoc/>
    public Tensor PredictProba(Tensor x) { using var _ = no_grad(); return Logits(x).softmax(1); }
}
