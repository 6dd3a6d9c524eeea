using Workbench.Clustering;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Tests.ClusteringMethods;

/// <summary>IDC Eq. (6): temperature limits, argmax frequencies equal softmax(logits), Gumbel moments.</summary>
public class GumbelSoftmaxTests
{
    [Fact]
    public void TemperatureLimits()
    {
        var logits = randn(new long[] { 200, 5 }, dtype: ScalarType.Float64, generator: Seeds.Generator(1));
        var cold = GumbelSoftmax.Sample(logits, 1e-3, Seeds.Generator(2));
        var perturbed = nn.functional.log_softmax(logits, 1) + GumbelSoftmax.Noise(logits.shape, ScalarType.Float64, Seeds.Generator(2));
        var top2 = perturbed.topk(2, 1).values;
        var clear = (top2[.., 0] - top2[.., 1]).gt(0.03);                  // rows whose top two differ by > 30τ
        Assert.True(clear.sum().item<long>() > 150);
        var oneHot = nn.functional.one_hot(perturbed.argmax(1), 5).to(ScalarType.Float64);
        Assert.True((cold - oneHot).abs().amax(new long[] { 1 }).masked_select(clear).max().item<double>() < 1e-9);
        var hot = GumbelSoftmax.Sample(logits, 1e6, Seeds.Generator(3));
        Assert.True((hot - 0.2).abs().max().item<double>() < 1e-5);
        Assert.True((hot.sum(1) - 1).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void ArgmaxFrequenciesAreTheSoftmax()
    {
        var logits = tensor(new double[] { 1, 0, -1 }).unsqueeze(0).expand(100_000, 3);
        var y = GumbelSoftmax.Sample(logits, 1.0, Seeds.Generator(4));
        var freq = nn.functional.one_hot(y.argmax(1), 3).to(ScalarType.Float64).mean(new long[] { 0 }).data<double>().ToArray();
        var expected = new[] { 0.665241, 0.244728, 0.090031 };
        for (int k = 0; k < 3; k++) Assert.InRange(freq[k], expected[k] - 0.005, expected[k] + 0.005);
    }

    [Fact]
    public void GumbelNoiseMoments()
    {
        var g = GumbelSoftmax.Noise(new long[] { 1_000_000 }, ScalarType.Float64, Seeds.Generator(5));
        Assert.InRange(g.mean().item<double>(), 0.5772157 - 0.005, 0.5772157 + 0.005);
        Assert.InRange(g.var().item<double>(), 1.644934 - 0.02, 1.644934 + 0.02);
    }
}
