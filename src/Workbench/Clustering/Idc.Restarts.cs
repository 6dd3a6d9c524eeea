using TorchSharp;
using TorchSharp.Modules;
using Workbench.Compute;
using Workbench.Gating;
using Workbench.Reporting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Workbench.Clustering;

/// <summary>
/// One of the R stage-2 runs of <see cref="Idc"/> with <c>headRestarts</c> &gt; 1: the mean compression loss of its last
/// epoch (Gumbel noise, as trained), the compression loss (Eq. 7) on all training rows of its noise-free relaxed
/// assignments softmax(log_softmax(logits)/τ) and of its hard assignments one_hot(argmax) (the selection criterion), and
/// its final labels [N] (eval mode).
/// </summary>
public sealed record IdcHeadRestart(int Restart, double FinalEpochLoss, double RelaxedLoss, double HardLoss, Tensor Labels);

// IDC's stage 2 with R head restarts trained side by side (declared deviation from the paper and the code).
public sealed partial class Idc
{
    /// <summary>The R stage-2 runs of the last fit with <see cref="HeadRestarts"/> &gt; 1 (empty for R = 1), in restart order.</summary>
    public IReadOnlyList<IdcHeadRestart> HeadRestartResults { get; private set; } = Array.Empty<IdcHeadRestart>();

    /// <summary>The restart kept: the lowest <see cref="IdcHeadRestart.HardLoss"/> (0 when R = 1).</summary>
    public int ChosenRestart { get; private set; }

    /// <summary>
    /// Stage 2 for R = <see cref="HeadRestarts"/> &gt; 1. The R heads (and auxiliary classifiers and global gates) are R
    /// slices of batched parameters; every step runs all of them on the same batch, each with its own Gumbel and gate noise.
    /// The summed loss Σ_r L_r has per-slice gradients ∂L_r, and Adam and SGD act elementwise, so each slice trains as its
    /// own run would. Restart 0 starts from the single-head initialisation drawn before stage 1; restarts 1…R−1 are drawn
    /// from the fit's generator after stage 1. At the end the restart with the lowest compression loss (Eq. 7) of its hard
    /// assignments on all rows is copied into <see cref="Head"/>, <see cref="Auxiliary"/> and <see cref="GlobalGateNet"/>.
    /// </summary>
    void FitRestarts(Tensor x, Tensor zAll, Tensor hAll, long b, long batches, double noise, Generator g,
        List<IdcEpoch> history, List<(double, double)> seconds, EpochClock clock, ProgressBar bar)
    {
        int r = HeadRestarts;
        long n = x.shape[0], d = x.shape[1];
        var heads = BatchedMlp.FromSequential(Head, r, g);
        var aux = BatchedMlp.FromSequential(Auxiliary, r, g);
        Parameter zg;
        using (no_grad())
        {
            var init = GlobalGateNet.Logits.detach().unsqueeze(0).repeat(r, 1, 1);
            init[1..] = (0.01 * randn(new[] { r - 1L, K, d }, generator: g)).to(init.device);   // as GlobalGates' N(0, 0.01²)
            zg = new Parameter(init.to(_dev));
        }
        var epochLoss = new List<double[]>();
        var labels = new List<(int Epoch, Tensor Labels)>();                             // [R,N] per recorded epoch
        using (var optHead = optim.Adam(heads.Parameters, lr: HeadLearningRate))
        using (var optGlob = optim.SGD(aux.Parameters.Append(zg), learningRate: GlobalLearningRate))
        {
            long step = 0, tMax = batches * (Epochs - GateEpochs);
            for (int e = GateEpochs + 1; e < Epochs; e++)
            {
                heads.Training = true; aux.Training = true;
                bool global = UseGates && e >= GlobalGateEpoch;
                using var order = randperm(n, generator: g).to(_dev);
                var lossSum = new double[r];
                for (long bi = 0; bi < batches; bi++)
                {
                    SetLr(optHead, Cosine(HeadLearningRate, MinLearningRate, step++, tMax));
                    optHead.zero_grad();
                    Tensor idx = order.narrow(0, bi * b, b), cl;
                    using (var scope = NewDisposeScope())
                    {
                        var hb = hAll.index_select(0, idx);
                        var logits = heads.Forward(hb);                                          // [R,B,K]
                        var yHat = GumbelSoftmax.Sample(logits.reshape(r * b, K), Tau, g).reshape(r, b, K);   // IDC Eq. (6)
                        var loss = CompressLossBatched(hb, yHat, HeadEps);                       // IDC Eq. (7), [R]
                        loss.sum().backward();
                        var values = loss.detach().to(ScalarType.Float64).data<double>().ToArray();
                        for (int i = 0; i < r; i++) lossSum[i] += Finite((float)values[i], 2, e);
                        cl = logits.detach().argmax(2).MoveToOuterDisposeScope();              // [R,B]
                    }
                    optHead.step();
                    if (global)
                    {
                        optGlob.zero_grad();
                        using (var scope = NewDisposeScope())
                        {
                            var muG = zg.gather(1, cl.unsqueeze(2).expand(r, b, d)).tanh();   // μ_G of each row's cluster, [R,B,D]
                            var zG = StochasticGates.Sample(muG, noise, g);
                            var xb = (x.index_select(0, idx) * zAll.index_select(0, idx)).unsqueeze(0) * zG;
                            // IDC Eq. (8), code split, summed over restarts (the means are over R·B rows, hence × R).
                            var loss = r * (F.cross_entropy(aux.Forward(xb).reshape(r * b, K), cl.reshape(r * b))
                                            + LambdaGlobal * StochasticGates.Regulariser(muG.reshape(r * b, d), Gates));
                            loss.backward();
                        }
                        optGlob.step();
                    }
                    cl.Dispose(); idx.Dispose();
                }
                epochLoss.Add(lossSum.Select(v => v / batches).ToArray());
                seconds.Add(clock.Lap());
                int headEpoch = e - GateEpochs;
                if (headEpoch % EvalEvery == 0 || e == Epochs - 1)
                    using (no_grad())
                    using (var scope = NewDisposeScope())
                    {
                        heads.Training = false;
                        labels.Add((e, heads.Forward(hAll).argmax(2).MoveToOuterDisposeScope()));
                    }
                bar.Report(e + 1, $"stage 2 ({r} restarts), epoch {e}: compression {epochLoss[^1].Min():F4}–{epochLoss[^1].Max():F4}");
                clock.Lap();
            }
        }

        // Selection (the analogue of k-means' lowest inertia): Eq. (7) on all rows with each restart's hard assignments.
        heads.Training = false; aux.Training = false;
        double[] relaxed, hard;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var logits = heads.Forward(hAll);                                                 // [R,N,K]
            var h64 = hAll.to(ScalarType.Float64);
            var soft = (F.log_softmax(logits, 2) / Tau).softmax(2).to(ScalarType.Float64);
            var oneHot = F.one_hot(logits.argmax(2), K).to(ScalarType.Float64);
            relaxed = CompressLossBatched(h64, soft, HeadEps).data<double>().ToArray();
            hard = CompressLossBatched(h64, oneHot, HeadEps).data<double>().ToArray();
        }
        int best = Enumerable.Range(0, r).MinBy(i => hard[i]);
        heads.CopyInto(Head, best); aux.CopyInto(Auxiliary, best);
        using (no_grad()) GlobalGateNet.Logits.copy_(zg[best]);
        Head.eval(); Auxiliary.eval();
        var final = labels[^1].Labels;
        HeadRestartResults = Enumerable.Range(0, r).Select(i => new IdcHeadRestart(i, epochLoss[^1][i], relaxed[i], hard[i],
            final[i].clone().MoveToOuterDisposeScope())).ToList();
        ChosenRestart = best;
        foreach (var (e, loss) in Enumerable.Range(GateEpochs + 1, epochLoss.Count).Zip(epochLoss))
            history.Add(new IdcEpoch(e, 2, loss[best], LambdaLocal, double.NaN));
        // Labels of the kept head as Predict gives them (the copied Sequential; the batched forward may round differently).
        var kept = labels.Select(l => (l.Epoch, l.Labels[best].clone().MoveToOuterDisposeScope())).ToList();
        kept[^1] = (kept[^1].Epoch, HeadLabels(hAll).MoveToOuterDisposeScope());
        Head.eval();
        LabelHistory = kept;
        Labels = kept[^1].Item2;
        foreach (var l in labels) l.Labels.Dispose();
        heads.Dispose(); aux.Dispose(); zg.Dispose();
    }

    /// <summary>
    /// The compression loss of <see cref="Losses.CodingRate.CompressLoss"/> (IDC Eq. (7), code form, ÷ d) for R assignments at once:
    /// <paramref name="h"/> [B,d] shared, <paramref name="assign"/> [R,B,K]; returns [R]. Each entry equals
    /// <c>CodingRate.CompressLoss(h, assign[r], eps)</c> up to rounding (tested).
    /// </summary>
    internal static Tensor CompressLossBatched(Tensor h, Tensor assign, double eps)
    {
        long b = h.shape[0], d = h.shape[1];
        var hn = h / h.norm(1, keepdim: true).clamp_min(1e-12);
        var pi = assign.permute(0, 2, 1);                                                    // [R,K,B]
        var tr = pi.sum(-1) + 1e-8;                                                          // tr Π_k, [R,K]
        var weighted = hn.unsqueeze(0).unsqueeze(0) * pi.unsqueeze(-1);                      // Π_k H_n, [R,K,B,d]
        var gram = b <= d ? weighted.matmul(hn.t()) : hn.t().matmul(weighted);               // [R,K,B,B] or [R,K,d,d]
        var id = eye(gram.shape[^1], dtype: h.dtype, device: h.device);
        var logdet = linalg.slogdet(id + (d / eps) / tr.unsqueeze(-1).unsqueeze(-1) * gram).Item2;   // [R,K]
        return (tr / (2.0 * b) * logdet).sum(-1) / d;
    }

    /// <summary>
    /// R copies of a Linear → BatchNorm1d → ReLU → Linear network as batched parameters ([R,in,out] weights), for the head
    /// and the auxiliary classifier. Input [B,in] (shared) or [R,B,in]; output [R,B,out]. BatchNorm as PyTorch's: batch
    /// statistics (biased variance) in training, running mean and unbiased variance with momentum 0.1, ε = 1e−5.
    /// </summary>
    internal sealed class BatchedMlp : IDisposable
    {
        readonly Parameter _w1, _b1, _gamma, _beta, _w2, _b2;
        readonly Tensor _mean, _var;
        public bool Training { get; set; } = true;
        public IEnumerable<Parameter> Parameters => new[] { _w1, _b1, _gamma, _beta, _w2, _b2 };

        BatchedMlp(Tensor w1, Tensor b1, Tensor gamma, Tensor beta, Tensor mean, Tensor var, Tensor w2, Tensor b2)
        {
            _w1 = new Parameter(w1); _b1 = new Parameter(b1); _gamma = new Parameter(gamma); _beta = new Parameter(beta);
            _w2 = new Parameter(w2); _b2 = new Parameter(b2); _mean = mean; _var = var;
        }

        /// <summary>Slice 0 = <paramref name="net"/>'s current parameters; slices 1…R−1 drawn as <c>InitWeights</c> draws
        /// (weights N(0, 0.001²), biases U(±1/√fan_in)) from <paramref name="g"/>, BatchNorm at its defaults.</summary>
        public static BatchedMlp FromSequential(Sequential net, int r, Generator g)
        {
            using var _ = no_grad();
            var (fc1, bn, fc2) = Parts(net);
            var dev = fc1.weight!.device;
            // Drawn in InitWeights' order (per restart: fc1 weight, fc1 bias, out weight, out bias) so that restart i's draws are contiguous.
            var w1 = new List<Tensor> { fc1.weight!.t() }; var b1 = new List<Tensor> { fc1.bias! };
            var w2 = new List<Tensor> { fc2.weight!.t() }; var b2 = new List<Tensor> { fc2.bias! };
            for (int i = 1; i < r; i++)
            {
                w1.Add((0.001 * randn(fc1.weight!.shape, generator: g)).t().to(dev));
                b1.Add(((rand(fc1.bias!.shape, generator: g) * 2 - 1) * (1.0 / Math.Sqrt(fc1.weight!.shape[1]))).to(dev));
                w2.Add((0.001 * randn(fc2.weight!.shape, generator: g)).t().to(dev));
                b2.Add(((rand(fc2.bias!.shape, generator: g) * 2 - 1) * (1.0 / Math.Sqrt(fc2.weight!.shape[1]))).to(dev));
            }
            Tensor S(List<Tensor> l) => stack(l.ToArray(), 0).contiguous().detach().DetachFromDisposeScope();
            Tensor Rep(Tensor t) => t.detach().unsqueeze(0).unsqueeze(0).repeat(r, 1, 1).contiguous().DetachFromDisposeScope();
            return new BatchedMlp(S(w1), S(b1).unsqueeze(1).contiguous().DetachFromDisposeScope(), Rep(bn.weight!), Rep(bn.bias!),
                Rep(bn.running_mean!), Rep(bn.running_var!), S(w2), S(b2).unsqueeze(1).contiguous().DetachFromDisposeScope());
        }

        static (Linear, BatchNorm1d, Linear) Parts(Sequential net)
        {
            var mods = net.modules().ToList();
            var lins = mods.OfType<Linear>().ToList();
            return (lins[0], mods.OfType<BatchNorm1d>().Single(), lins[1]);
        }

        public Tensor Forward(Tensor input)
        {
            var a = input.matmul(_w1) + _b1;                                                  // [R,B,H]
            Tensor mean, var;
            if (Training)
            {
                mean = a.mean(new long[] { 1 }, keepdim: true);
                var = a.var(new long[] { 1 }, unbiased: false, keepdim: true);
                using (no_grad())
                {
                    long rows = a.shape[1];
                    _mean.mul_(0.9).add_(0.1 * mean.detach());
                    _var.mul_(0.9).add_(0.1 * var.detach() * (rows / (rows - 1.0)));
                }
            }
            else { mean = _mean; var = _var; }
            var hidden = ((a - mean) / (var + 1e-5).sqrt() * _gamma + _beta).relu();
            return hidden.matmul(_w2) + _b2;                                                  // [R,B,out]
        }

        /// <summary>Copies slice <paramref name="i"/> into <paramref name="net"/> (weights, biases, BatchNorm affine and running statistics).</summary>
        public void CopyInto(Sequential net, int i)
        {
            using var _ = no_grad();
            var (fc1, bn, fc2) = Parts(net);
            fc1.weight!.copy_(_w1[i].t()); fc1.bias!.copy_(_b1[i].squeeze(0));
            bn.weight!.copy_(_gamma[i].squeeze(0)); bn.bias!.copy_(_beta[i].squeeze(0));
            bn.running_mean!.copy_(_mean[i].squeeze(0)); bn.running_var!.copy_(_var[i].squeeze(0));
            fc2.weight!.copy_(_w2[i].t()); fc2.bias!.copy_(_b2[i].squeeze(0));
        }

        public void Dispose() { foreach (var p in Parameters) p.Dispose(); _mean.Dispose(); _var.Dispose(); }
    }
}
