using System.Diagnostics;
using TorchSharp.Modules;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Additive;

public sealed partial class NeurCam
{
    /// <summary>
    /// Times <paramref name="epochs"/> warm-up epochs (soft gates at T = 1, clustering loss only) of this configuration on
    /// z-scored <paramref name="xs"/> [N,D] and <paramref name="rep"/> [N,R], after one untimed epoch, exactly as
    /// <see cref="Fit(Tensor, Tensor)"/> runs them (for <c>workbench bench neurcam</c>). Returns wall and process CPU seconds of the timed epochs and the last epoch's loss.
    /// </summary>
    internal (double Seconds, double CpuSeconds, double Loss) TimeWarmupEpochs(Tensor xs, Tensor rep, int epochs)
    {
        var device = Devices.Resolve(Device);
        var gen = Seeds.Generator(Seed);
        xs = xs.to(ScalarType.Float32, device); rep = rep.to(ScalarType.Float32, device);
        long d = xs.shape[1], c = SingleChannels < 0 ? d : SingleChannels;
        var net = NeurCamNetwork.Create(d, c, PairChannels, Hidden, Bases, K, gen, device);
        var centroids = new Parameter(rep.index_select(0, randperm(xs.shape[0], generator: gen).narrow(0, 0, K).to(device)).clone(), requires_grad: true);
        var opts = new List<Adam> { optim.Adam(net.FunctionParameters().Append(centroids).Append(net.SingleLogits), lr: LearningRate) };
        if (PairChannels > 0) opts.Add(optim.Adam(new[] { net.PairLogits }, lr: LearningRate));
        TrainEpoch(net, centroids, xs, rep, 1, 1, null, null, null, NeurCamPhase.Warmup, opts, gen);
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        double loss = 0;
        for (int e = 0; e < epochs; e++) loss = TrainEpoch(net, centroids, xs, rep, 1, 1, null, null, null, NeurCamPhase.Warmup, opts, gen).Loss;
        sw.Stop();
        proc.Refresh();
        double cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
        foreach (var o in opts) o.Dispose();
        return (sw.Elapsed.TotalSeconds, cpu, loss);
    }
}
