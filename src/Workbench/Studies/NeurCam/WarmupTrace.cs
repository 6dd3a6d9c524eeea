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
/// Records a <see cref="Model"/> warm-up (NeurCAM Alg. 1 for E &lt; E_warmup: clustering loss only, soft gates at T = 1)
/// epoch by epoch: the fit itself runs (same seeded initialisation, shuffles, Adam steps and ReduceLROnPlateau), watched
/// through the model's warm-up observer, and cluster sizes, memberships and centroid geometry are measured after every
/// epoch. It exists to see when and how a fit collapses onto few clusters.
/// </summary>
public static class WarmupTrace
{
    /// <summary>
    /// Runs the first <paramref name="epochs"/> warm-up epochs (at most the warm-up, which may stop early on its patience)
    /// of <paramref name="template"/>'s configuration (its K, C, P, widths, m, batch size, learning rate, initialisation and
    /// seed; the template itself is not fitted) on (<paramref name="x"/> [N,D], <paramref name="representation"/> [N,R]).
    /// <paramref name="standardise"/> = false feeds x unscaled (as the official code does; the model z-scores) — a
    /// counterfactual, not what <see cref="Model"/> fits.
    /// </summary>
    public static IReadOnlyList<WarmupEpoch> Run(Model template, Tensor x, Tensor representation, int epochs, bool standardise = true)
    {
        if (x.dim() != 2 || representation.dim() != 2 || x.shape[0] != representation.shape[0])
            throw new ArgumentException($"x [N,D] and representation [N,R] must have the same rows; got {string.Join("×", x.shape)} and {string.Join("×", representation.shape)}.");
        if (epochs < 1) throw new ArgumentException($"epochs must be ≥ 1; got {epochs}.", nameof(epochs));
        var model = new Model(template.K, template.SingleChannels, template.PairChannels, template.Hidden, template.Bases, template.M,
            template.Epochs, template.BatchSize, template.LearningRate, template.WarmupRatio, template.SingleAnnealRatio,
            template.PairAnnealRatio, template.MinTemperature, template.Epsilon, template.KlWeight, template.ClusteringLossAfterWarmup,
            template.Schedule, template.Init, template.Patience, template.LrPatience, template.Seed, template.Device) { StandardiseInput = standardise };
        var trace = new List<WarmupEpoch>();
        Tensor? initialLogits = null, present = null, repMean = null;
        model.WarmupObserver = state =>
        {
            var net = state.Network;
            long c = net.SingleLogits.shape[0];
            if (state.Epoch == 0)
            {
                initialLogits = net.SingleLogits.detach().clone();
                present = x.to(state.Input.device).ne(0);
                repMean = state.Representation.mean(new long[] { 0 });
                return true;
            }
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            int k = template.K;
            var w = net.Logits(state.Input, 1, 1).softmax(1);
            var labels = w.argmax(1).cpu().data<long>().ToArray();
            var sizes = Enumerable.Range(0, k).Select(j => labels.Count(v => v == j)).ToArray();
            var z = state.Centroids.detach();
            var cd = cdist(z, z) + eye(k, device: z.device) * 1e30;
            double drift = c > 0 ? (net.SingleLogits.detach() - initialLogits!).abs().max().ToDouble() : 0;
            double coverage = c > 0 ? present!.index_select(1, net.SingleLogits.detach().argmax(1)).any(1).to(ScalarType.Float64).mean().ToDouble() : 0;
            double support = c > 0 ? net.SingleGates(1).ne(0).sum(new long[] { 1 }).to(ScalarType.Float64).mean().ToDouble() : 0;
            trace.Add(new WarmupEpoch(state.Epoch, state.ClusteringLoss, sizes, w.amax(new long[] { 1 }).mean().ToDouble(), k > 1 ? cd.min().ToDouble() : 0,
                (z - repMean!).square().sum(new long[] { 1 }).sqrt().mean().ToDouble(), drift, coverage, support));
            return state.Epoch < epochs;
        };
        try { model.Fit(x, representation); }
        catch (WarmupObserved) { }
        finally { initialLogits?.Dispose(); present?.Dispose(); repMean?.Dispose(); }
        return trace;
    }
}
