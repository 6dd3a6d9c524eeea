using TorchSharp;
using TorchSharp.Modules;
using Workbench.Additive;
using Workbench.Clustering;
using Workbench.Compute;
using static TorchSharp.torch;
using Model = Workbench.Additive.NeurCam;

namespace Workbench.Studies.NeurCam;

/// <summary>The state of a NeurCAM warm-up after one epoch, measured on all rows.</summary>
/// <param name="Epoch">epoch number, from 1</param>
/// <param name="ClusteringLoss">mean over the epoch's batches of the clustering loss (Eq. 15 as the code averages it); equals <see cref="NeurCamEpoch.ClusteringLoss"/> of the same fit</param>
/// <param name="Sizes">hard cluster sizes (argmax of w), cluster order</param>
/// <param name="MeanMaxMembership">mean over the rows of max_k w_k (1/K: uniform, 1: hard)</param>
/// <param name="CentroidMinDistance">smallest distance between two centroids z̃ in x̃</param>
/// <param name="CentroidToMean">mean distance of the centroids to the mean of x̃</param>
/// <param name="LogitDrift">largest |change| of a single-gate logit since the initialisation</param>
/// <param name="Coverage">share of rows in which at least one of the words the single gates would select now (argmax of their logits) is present (x ≠ 0)</param>
/// <param name="GateSupport">mean number of features a single gate mixes at T = 1 (non-zeros of entmax-1.5 of its logits, Eq. 9)</param>
public sealed record WarmupEpoch(int Epoch, double ClusteringLoss, int[] Sizes, double MeanMaxMembership, double CentroidMinDistance, double CentroidToMean,
    double LogitDrift, double Coverage, double GateSupport)
{
    /// <summary>Number of non-empty clusters.</summary>
    public int ClustersUsed => Sizes.Count(s => s > 0);
}

/// <summary>
/// A measuring replica of <see cref="Model"/>'s warm-up phase (NeurCAM Alg. 1 for E &lt; E_warmup: clustering loss only,
/// soft gates at T = 1): the same seeded generator, standardisation, network initialisation, centroid initialisation,
/// shuffles, Adam steps and ReduceLROnPlateau as <see cref="Model.Fit(Tensor, Tensor)"/>, so its per-epoch losses equal
/// the fit's <see cref="Model.History"/> (tested), with the cluster sizes, memberships and centroid geometry recorded
/// after every epoch. It exists to see when and how a fit collapses onto few clusters; fitting stays in <see cref="Model"/>.
/// </summary>
public static class WarmupTrace
{
    /// <summary>
    /// Runs the first <paramref name="epochs"/> warm-up epochs of <paramref name="template"/>'s configuration (its K, C, P,
    /// widths, m, batch size, learning rate, initialisation and seed) on (<paramref name="x"/> [N,D],
    /// <paramref name="representation"/> [N,R]). <paramref name="standardise"/> = false feeds x unscaled (as the official
    /// code does; the model z-scores) — a counterfactual, not what <see cref="Model"/> fits.
    /// </summary>
    public static IReadOnlyList<WarmupEpoch> Run(Model template, Tensor x, Tensor representation, int epochs, bool standardise = true)
    {
        if (x.dim() != 2 || representation.dim() != 2 || x.shape[0] != representation.shape[0])
            throw new ArgumentException($"x [N,D] and representation [N,R] must have the same rows; got {string.Join("×", x.shape)} and {string.Join("×", representation.shape)}.");
        if (epochs < 1) throw new ArgumentException($"epochs must be ≥ 1; got {epochs}.", nameof(epochs));
        var device = Devices.Resolve(template.Device);
        var gen = Seeds.Generator(template.Seed);
        long n = x.shape[0], d = x.shape[1];
        long c = template.SingleChannels < 0 ? d : template.SingleChannels, p = template.PairChannels;
        Tensor xs;
        using (var prep = NewDisposeScope())
        {
            // as NeurCam.FitCore: mean and population std in float64, applied in float32
            var x64 = x.to(ScalarType.Float64);
            var mean = x64.mean(new long[] { 0 }).to(ScalarType.Float32, device);
            var scale = x64.std(new long[] { 0 }, unbiased: false).to(ScalarType.Float32, device);
            xs = (standardise ? (x.to(ScalarType.Float32, device) - mean) / scale : x.to(ScalarType.Float32, device)).detach().MoveToOuterDisposeScope();
        }
        var rep = representation.to(ScalarType.Float32, device).detach();
        var present = x.to(device).ne(0);
        var net = NeurCamNetwork.Create(d, c, p, template.Hidden, template.Bases, template.K, gen, device);
        var initialLogits = net.SingleLogits.detach().clone();
        var centroids = new Parameter(zeros(template.K, rep.shape[1], device: device), requires_grad: true);
        using (no_grad()) centroids.copy_(InitialCentroids(template, net, xs, rep, gen));
        var opts = new List<Adam> { optim.Adam(net.FunctionParameters().Append(centroids), lr: template.LearningRate) };
        if (c > 0) opts.Add(optim.Adam(new[] { net.SingleLogits }, lr: template.LearningRate));
        if (p > 0) opts.Add(optim.Adam(new[] { net.PairLogits }, lr: template.LearningRate));
        double lr = template.LearningRate, best = double.PositiveInfinity; int bad = 0;
        var repMean = rep.mean(new long[] { 0 });
        var trace = new List<WarmupEpoch>();
        for (int e = 1; e <= epochs; e++)
        {
            using var order = randperm(n, generator: gen).to(device);
            double lossSum = 0;
            for (long start = 0; start < n; start += template.BatchSize)
            {
                foreach (var o in opts) o.zero_grad();
                using (var step = NewDisposeScope())
                {
                    long count = Math.Min(template.BatchSize, n - start);
                    var idx = order.narrow(0, start, count);
                    var g = net.Logits(xs.index_select(0, idx), 1, 1);                         // soft gates at T = 1 (Eq. 9)
                    var cl = Model.ClusteringLoss(g.softmax(1), rep.index_select(0, idx), centroids, template.M);   // Eq. 15
                    cl.backward();
                    lossSum += cl.item<float>() * count;
                }
                foreach (var o in opts) o.step();
            }
            double loss = lossSum / n;
            // ReduceLROnPlateau (factor 0.5, relative threshold 1e-4) on the epoch clustering loss, as the model
            if (loss < best * (1 - 1e-4)) { best = loss; bad = 0; }
            else if (++bad > template.LrPatience) { lr *= 0.5; bad = 0; foreach (var o in opts) foreach (var pg in o.ParamGroups) pg.LearningRate = lr; }
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var w = net.Logits(xs, 1, 1).softmax(1);
            var labels = w.argmax(1).cpu().data<long>().ToArray();
            var sizes = Enumerable.Range(0, template.K).Select(k => labels.Count(v => v == k)).ToArray();
            var z = centroids.detach();
            var cd = cdist(z, z) + eye(template.K, device: device) * 1e30;
            double drift = c > 0 ? (net.SingleLogits.detach() - initialLogits).abs().max().ToDouble() : 0;
            double coverage = c > 0 ? present.index_select(1, net.SingleLogits.detach().argmax(1)).any(1).to(ScalarType.Float64).mean().ToDouble() : 0;
            double support = c > 0 ? net.SingleGates(1).ne(0).sum(new long[] { 1 }).to(ScalarType.Float64).mean().ToDouble() : 0;
            trace.Add(new WarmupEpoch(e, loss, sizes, w.amax(new long[] { 1 }).mean().ToDouble(), template.K > 1 ? cd.min().ToDouble() : 0,
                (z - repMean).square().sum(new long[] { 1 }).sqrt().mean().ToDouble(), drift, coverage, support));
        }
        foreach (var o in opts) o.Dispose();
        return trace;
    }

    // as NeurCam.InitialCentroids
    static Tensor InitialCentroids(Model template, NeurCamNetwork net, Tensor xs, Tensor rep, Generator gen)
    {
        using var scope = NewDisposeScope();
        if (template.Init == CentroidInit.MiniBatchKMeans)
            return new MiniBatchKMeans(template.K, batchSize: 1024, maxIter: 100, nInit: 10, seed: template.Seed, device: rep.device).Fit(rep)
                .Centroids.to(ScalarType.Float32).MoveToOuterDisposeScope();
        using var _ = no_grad();
        long rows = Math.Min(xs.shape[0], 3L * template.BatchSize);
        var idx = randperm(xs.shape[0], generator: gen).narrow(0, 0, rows).to(xs.device);
        var w = net.Logits(xs.index_select(0, idx), 1, 1).softmax(1);
        return (w.T.matmul(rep.index_select(0, idx)) / w.sum(new long[] { 0 }).unsqueeze(1)).MoveToOuterDisposeScope();
    }
}
