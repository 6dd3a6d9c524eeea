using TorchSharp;
using Workbench.Representation;
using static TorchSharp.torch;

namespace Workbench.Tests.Representation;

/// <summary>The denoising autoencoder: learns a low-dimensional structure, is seeded, caches its weights, rejects bad input.</summary>
[Collection("torch global state")]   // trains through Trainer, which seeds torch's global generator (dropout, initialisation): runs alone
public class DenoisingAutoencoderTests
{
    // 10 features that are noisy linear mixtures of 3 latent factors: an 8-d code reconstructs them well, a mean does not
    static Tensor Data(int n = 600)
    {
        var g = new Generator(4);
        var z = randn(new long[] { n, 3 }, dtype: ScalarType.Float64, generator: g);
        var a = randn(new long[] { 3, 10 }, dtype: ScalarType.Float64, generator: g);
        return z.matmul(a) + 0.05 * randn(new long[] { n, 10 }, dtype: ScalarType.Float64, generator: g);
    }

    static DenoisingAutoencoder Small(long seed = 0, bool cache = false) =>
        new(latentDims: 8, hidden: new[] { 32 }, noise: 0.1, epochs: 60, batchSize: 64, learningRate: 3e-3, seed: seed, cache: cache);

    [Fact]
    public void LearnsTheStructureAndIsSeeded()
    {
        var x = Data();
        var dae = Small().Fit(x);
        var code = dae.Transform(x);
        Assert.Equal(new long[] { 600, 8 }, code.shape);
        Assert.True(code.isfinite().all().item<bool>());
        // z-scored features have variance 1, so predicting the mean scores 1; the code must do far better
        double err = dae.ReconstructionError(x);
        Assert.True(err < 0.1, $"reconstruction MSE {err}");
        Assert.True(dae.History[^1] < dae.History[0], "the training loss must fall");
        var again = Small().Fit(x).Transform(x);
        Assert.Equal(0.0, (again - code).abs().max().ToDouble());
        var other = Small(seed: 1).Fit(x).Transform(x);
        Assert.True((other - code).abs().max().ToDouble() > 1e-3, "another seed gives other weights");
    }

    [Fact]
    public void CachedWeightsAreReloadedBitExactly()
    {
        var x = Data(300);
        var first = Small(seed: 7, cache: true);
        var code = first.FitTransform(x);
        Assert.True(File.Exists(first.CacheFile));
        var second = Small(seed: 7, cache: true).Fit(x);
        Assert.True(second.LoadedFromCache || !first.LoadedFromCache && second.LoadedFromCache);
        Assert.Equal(0.0, (second.Transform(x) - code).abs().max().ToDouble());
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var x = Data(50);
        var nan = x.clone(); nan[3, 2] = double.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Small().Fit(nan)).Message);
        var constant = x.clone(); constant[.., 4] = 1.0;
        Assert.Contains("constant", Assert.Throws<ArgumentException>(() => Small().Fit(constant)).Message);
        Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => Small().Transform(x)).Message);
        Assert.Contains("features", Assert.Throws<ArgumentException>(() => Small().Fit(x).Transform(x[.., TensorIndex.Slice(0, 5)])).Message);
        Assert.Contains("latentDims", Assert.Throws<ArgumentException>(() => new DenoisingAutoencoder(latentDims: 0)).Message);
    }
}
