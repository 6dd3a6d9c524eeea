using TorchSharp;
using Workbench.Compute;
using Workbench.Neuralization;
using Workbench.Propagation;
using Workbench.Propagation.Lrp;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;

namespace Workbench.Tests.Neuralization;

/// <summary>NEON Fig. 7 machinery: per-image k-means on unit location vectors, neuralized, one explanation per cluster.</summary>
public class LocationClusteringTests
{
    static double MaxAbs(Tensor t) => t.abs().max().to_type(float64).item<double>();

    [Fact]
    public void WithTheIdentityFeatureMapEachClusterMapIsTheFlatNeonRelevanceOfItsLocations()
    {
        // Ψ = identity: the locations of a [1,C,h,w] "image" are its pixels' channel vectors. Cluster c's map must hold,
        // at each location assigned to c, the NEON relevance of that location's unit vector (Pass through the
        // normalisation), and zero elsewhere.
        var x = rand(new long[] { 1, 4, 6, 5 }, dtype: float64, generator: Seeds.Generator(2)) + 0.1;
        int k = 3;
        var neon = NeuralizedLocationClustering.Fit(nn.Identity(), x, k, seed: 0, device: CPU);
        using var e = neon.Explain(x, new Composite(), device: CPU);
        var points = UnitLocations.Points(x);                                           // [30,4]
        var flat = new NeuralizedKMeans(neon.Head.Centroids);
        Assert.Equal(neon.KMeansLabels!.data<long>().ToArray(), flat.Predict(points).data<long>().ToArray());
        Assert.Equal(neon.KMeansLabels!.data<long>().ToArray(), e.Labels.flatten().data<long>().ToArray());
        using var expected = flat.Explain(points, e.Beta);
        Assert.Equal(1.0 / flat.F(points).mean().item<double>(), e.Beta, 10);      // Eq. (3) over the image's locations
        for (int c = 0; c < k; c++)
        {
            var mine = e.Relevance[c].permute(1, 2, 0).reshape(-1, 4);                     // [30,4], row-major locations
            var want = expected.Relevance * expected.Clusters.eq(c).unsqueeze(1).to_type(float64);
            Assert.True(MaxAbs(mine - want) < 1e-9, $"cluster {c}: {MaxAbs(mine - want)}");
        }
        Assert.True(MaxAbs(e.AtLocations.flatten(1).sum(new long[] { 1 }) - e.Seeded) < 1e-9);
    }

    [Fact]
    public void OnABiasFreeCnnPixelRelevanceSumsToTheSeedAndChunkingChangesNothing()
    {
        torch.manual_seed(5);
        var psi = nn.Sequential(("0", nn.Conv2d(3, 8, 3, padding: 1, bias: false, dtype: float64)), ("1", nn.ReLU()),
                                ("2", nn.MaxPool2d(2)), ("3", nn.Conv2d(8, 6, 3, padding: 1, bias: false, dtype: float64)), ("4", nn.ReLU()));
        psi.eval();
        var x = rand(new long[] { 1, 3, 16, 16 }, dtype: float64, generator: Seeds.Generator(9));
        var neon = NeuralizedLocationClustering.Fit(psi, x, 4, seed: 1, device: CPU);
        var comp = Composites.Uniform(new Gamma(0.25, stabilizer: 0));
        using var all = neon.Explain(x, comp, device: CPU);
        using var chunked = neon.Explain(x, comp, chunk: 3, device: CPU);
        Assert.Equal(new long[] { 4, 3, 16, 16 }, all.Relevance.shape);
        Assert.True(MaxAbs(all.Relevance - chunked.Relevance) < 1e-12);
        var pixels = all.Relevance.flatten(1).sum(new long[] { 1 });
        Assert.True(MaxAbs(pixels - all.Seeded) < 1e-8 * (1 + MaxAbs(all.Seeded)), $"Σ pixels {pixels.str()} vs seed {all.Seeded.str()}");
        Assert.True(all.Seeded.gt(0).all().item<bool>());
    }

    [Fact]
    public void TooManyClustersForTheLocationsIsAClearError()
    {
        var x = rand(new long[] { 1, 2, 2, 2 }, dtype: float64);
        var err = Assert.Throws<ArgumentException>(() => NeuralizedLocationClustering.Fit(nn.Identity(), x, 5, device: CPU));
        Assert.Contains("only 4 locations", err.Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => NeuralizedLocationClustering.Fit(nn.Identity(), x, 1, device: CPU)).Message);
        Assert.Contains("one image", Assert.Throws<ArgumentException>(() => NeuralizedLocationClustering.Fit(nn.Identity(), x.expand(2, -1, -1, -1), 2, device: CPU)).Message);
    }
}
