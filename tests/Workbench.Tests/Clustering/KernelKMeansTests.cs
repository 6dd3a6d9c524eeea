using TorchSharp;
using Workbench.Clustering;
using Workbench.Neuralization;
using Workbench.Reporting;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Clustering;

public class KernelKMeansTests
{
    public KernelKMeansTests() { Progress.Enabled = false; }

    [Fact]
    public void AppendixFTrainingRecoversBlobsAndReportsItsObjective()
    {
        var (x, truth, _) = Blobs(21, 30, 3, 3, separation: 8);
        var kk = new KernelKMeans(3, supportPerCluster: 4, seed: 2).Fit(x);   // App. F defaults: 100 iterations, 10 restarts
        Assert.Equal(10, kk.RestartObjectives.Count);
        Assert.Equal(kk.RestartObjectives.Min(), kk.Objective);
        Assert.True(SamePartition(Longs(truth), Longs(kk.Labels)));
        Assert.Equal(Longs(kk.Labels), Longs(kk.Predict(x)));
        Assert.Equal(new long[] { 12, 3 }, kk.Support.shape);
        // Eq. (36) recomputed from the learned state
        long n = x.shape[0], d = x.shape[1];
        var lme = kk.Transform(x).gather(1, kk.Labels.unsqueeze(1));
        double obj = kk.Gamma * lme.sum().item<double>() - n * d / 2.0 * Math.Log(kk.Gamma);
        Assert.Equal(obj, kk.Objective, 1e-8 * Math.Abs(obj) + 1e-8);
        Assert.True(kk.Gamma > 0);
    }

    [Fact]
    public void InitialisationFromLabelsKeepsAGoodPartition()
    {
        var (x, truth, _) = Blobs(22, 25, 2, 4, separation: 8);
        var kk = new KernelKMeans(4, supportPerCluster: 3, maxIter: 30, nInit: 2, seed: 1).Fit(x, truth);
        Assert.Equal(Longs(truth), Longs(kk.Labels));    // starting from the truth, the labels keep their ids
    }

    [Fact]
    public void GammaUpdateIsEquation38()
    {
        // With one support vector per cluster, K_nj = δ_nk and Eq. (38) is 1/(2/(Nd) Σ‖x − u_k(n)‖² + ε) at the fixed point.
        var (x, truth, _) = Blobs(23, 40, 2, 2, separation: 12);
        var kk = new KernelKMeans(2, supportPerCluster: 1, maxIter: 50, nInit: 1, noise: 0, seed: 0).Fit(x, truth);
        long n = x.shape[0], d = x.shape[1];
        double spread = (x - kk.Support.index_select(0, kk.Labels)).pow(2).sum().item<double>();
        Assert.Equal(1.0 / (2.0 / (n * d) * spread + 1e-9), kk.Gamma, 1e-9);
        // and u_k is the cluster mean (Eq. 37)
        for (int k = 0; k < 2; k++)
        {
            var idx = tensor(Enumerable.Range(0, (int)n).Where(i => Longs(kk.Labels)[i] == k).Select(i => (long)i).ToArray());
            Assert.True(MaxAbs(x.index_select(0, idx).mean(new long[] { 0 }) - kk.Support[k]) < 1e-10);
        }
    }
}
