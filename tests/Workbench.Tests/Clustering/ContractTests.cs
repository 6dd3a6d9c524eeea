using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Models;
using Workbench.Neuralization;
using Workbench.Propagation;
using static TorchSharp.torch;
using static Workbench.Tests.Fixtures.NeonTestData;

namespace Workbench.Tests.Clustering;

/// <summary>The estimator contracts (IClusterer, Clusterer base, INeuralizedClustering, Neuralize) for every method.</summary>
public class ContractTests
{
    static readonly (Tensor X, Tensor Labels, Tensor Means) Data = Blobs(3, 20, 2, 3);

    public static IEnumerable<object[]> Clusterers() => new[]
    {
        new object[] { "kmeans" }, new object[] { "soft" }, new object[] { "kernel" }, new object[] { "activation" },
        new object[] { "minibatch" }, new object[] { "imm" }, new object[] { "cart" },
    };

    static IClusterer Make(string name) => name switch
    {
        "kmeans" => new KMeans(3, nInit: 3, seed: 1),
        "soft" => new SoftKMeans(3, stiffness: 1.0, nInit: 3, seed: 1),
        "kernel" => new KernelKMeans(3, supportPerCluster: 2, maxIter: 5, nInit: 3, seed: 1),
        "minibatch" => new MiniBatchKMeans(3, batchSize: 16, maxIter: 20, nInit: 2, seed: 1),
        "imm" => new Workbench.Clustering.Trees.ImmTree(3, nInit: 2, seed: 1),
        "cart" => new Workbench.Clustering.Trees.CartTree(3, maxDepth: 3, nInit: 2, seed: 1),
        _ => new ActivationClustering(AbsNetwork()),
    };

    /// <summary>|u₁| as a ReLU stack in float64: relu(u₁) + relu(−u₁).</summary>
    static PiecewiseLinearNetwork AbsNetwork()
    {
        var l1 = nn.Linear(2, 2, dtype: float64); var l2 = nn.Linear(2, 1, dtype: float64);
        using (no_grad())
        {
            l1.weight!.copy_(tensor(new double[,] { { 1, 0 }, { -1, 0 } })); l1.bias!.zero_();
            l2.weight!.copy_(tensor(new double[,] { { 1, 1 } })); l2.bias!.zero_();
        }
        var seq = nn.Sequential(("l1", l1), ("relu", nn.ReLU()), ("l2", l2));
        seq.eval();
        return PiecewiseLinearNetwork.From(seq);
    }

    [Theory, MemberData(nameof(Clusterers))]
    public void PredictBeforeFitSaysNotFitted(string name)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Make(name).Predict(Data.X));
        Assert.Contains("not fitted", e.Message);
    }

    [Theory, MemberData(nameof(Clusterers))]
    public void FitReturnsItselfWithInt64LabelsAndChecksTheFeatureCount(string name)
    {
        var c = Make(name);
        Assert.Same(c, c.Fit(Data.X));
        Assert.True(c.IsFitted);
        Assert.Equal(2, c.NFeaturesIn);
        Assert.Equal(ScalarType.Int64, c.Labels.dtype);
        Assert.Equal(new long[] { Data.X.shape[0] }, c.Labels.shape);
        Assert.Equal(Longs(c.Labels), Longs(c.Predict(Data.X)));
        var e = Assert.Throws<ArgumentException>(() => c.Predict(zeros(4, 3, dtype: float64)));
        Assert.Contains("fitted on 2", e.Message);
        Assert.Throws<ArgumentException>(() => c.Fit(full(5, 2, double.NaN, dtype: float64)));
    }

    [Fact]
    public void RestartsShareOneLoopAndKeepTheSmallestObjective()
    {
        var km = new KMeans(3, nInit: 4, seed: 2).Fit(Data.X);
        Assert.Equal(4, km.RestartObjectives.Count);
        Assert.Equal(km.RestartObjectives.Min(), km.Inertia);
        var sk = new SoftKMeans(3, stiffness: 0.5, nInit: 4, seed: 2).Fit(Data.X);
        Assert.Equal(4, sk.RestartObjectives.Count);
        Assert.Equal(sk.RestartObjectives.Min(), sk.Objective);
        var again = new SoftKMeans(3, stiffness: 0.5, nInit: 4, seed: 2).Fit(Data.X);
        Assert.Equal(sk.RestartObjectives, again.RestartObjectives);                // same seed, same numbers
        Assert.Empty(new ActivationClustering(AbsNetwork()).Fit(Data.X).RestartObjectives);
    }

    [Fact]
    public void MeanVarianceIsTheMeanPerFeatureVariance()
    {
        var (x, _) = Instance(5, 1000, 7, 3);
        double expected = x.var(new long[] { 0 }, unbiased: false).mean().item<double>();
        Assert.Equal(expected, Distances.MeanVariance(x, rowsPerBlock: 64), 1e-12);
    }

    [Fact]
    public void NeuralizeGivesTheNetworkOfTheFittedModel()
    {
        var x = Data.X;
        var km = new KMeans(3, nInit: 2, seed: 0).Fit(x);
        INeuralizedClustering net = km.Neuralize();
        Assert.Equal(Longs(km.Labels), Longs(net.Predict(x)));
        Assert.True(net.F(x).gt(0).all().item<bool>());                            // Prop. 1: f_c(x) > 0 in cluster c

        var sk = new SoftKMeans(3, stiffness: 0.5, nInit: 2, seed: 0).Fit(x);
        Assert.Equal(Longs(sk.Predict(x)), Longs(sk.Neuralize().Predict(x)));
        Assert.True(sk.Neuralize(theta: 0.5).IsAbsolute);

        var kk = new KernelKMeans(3, supportPerCluster: 2, maxIter: 5, nInit: 2, seed: 0).Fit(x);
        var kn = kk.Neuralize();
        Assert.Equal(Longs(kk.Predict(x)), Longs(kn.Predict(x)));
        Assert.Equal(Vec(kk.Transform(x)), Vec(kn.ClusterDistances(x)));

        Assert.Throws<InvalidOperationException>(() => new KMeans(3).Neuralize());
    }

    [Fact]
    public void AutoencoderKMeansNeuralizesToItsEncoderFollowedByTheKMeansHead()
    {
        // NEON §VI, Prop. 1 on Ψ = the encoder: the network decides as the fitted clusterer and explains through Ψ
        var g = Seeds.Generator(5);
        var images = rand(new long[] { 30, 1, 8, 8 }, generator: g);
        var x = images.flatten(1);                                                 // the clusterer's rows
        var ak = new AutoencoderKMeans(() => new ConvAutoencoder2D(1, 8, 8, filters: [2, 3], kernels: [3, 3], strides: [2, 2], latentDim: 4, seed: 2),
                                       k: 3, epochs: 0, nInit: 2).Fit(x);
        var cae = (ConvAutoencoder2D)ak.Model;
        using (no_grad()) Assert.Equal(Vec(cae.Encode(images)), Vec(cae.EncoderNetwork().call(images)));
        INeuralizedClustering net = ak.Neuralize();
        Assert.Equal(3, net.K);
        Assert.Equal(Longs(ak.Predict(x)), Longs(net.Predict(x)));
        Assert.True(net.F(x).gt(0).all().item<bool>());                            // f_c(x) > 0 in its own cluster
        using var e = net.Explain(x);
        Assert.Equal(x.shape, e.Relevance.shape);                                  // relevance per pixel, as the rows
        var own = e.NeuronRelevance.gather(1, e.Clusters.unsqueeze(1));
        Assert.Equal(0.0, own.abs().max().item<float>());                          // no relevance on h_cc
        var sum = Vec(e.NeuronRelevance.sum(new long[] { 1 }));                    // Eq. (2) conserves f_c at the pool
        var f = Vec(e.F);
        for (int i = 0; i < f.Length; i++) Assert.True(Math.Abs(sum[i] - f[i]) <= 1e-4 * (1 + Math.Abs(f[i])), $"Σ_k R_k = f_c at {i}: {sum[i]} vs {f[i]}");

        var series = new AutoencoderKMeans(() => new ResNetAutoencoder1D(16, filters: [2, 2, 2]), k: 2, epochs: 0, nInit: 1)
            .Fit(rand(new long[] { 6, 16 }, generator: g));
        var err = Assert.Throws<NotSupportedException>(() => series.Neuralize());
        Assert.Contains("Grad-CeAM", err.Message);
    }

    [Fact]
    public void ExplainWithoutBetaUsesTheHeuristicOfEq3()
    {
        var x = Data.X;
        var nets = new INeuralizedClustering[]
        {
            new KMeans(3, nInit: 2, seed: 0).Fit(x).Neuralize(),
            new SoftKMeans(3, stiffness: 0.5, nInit: 2, seed: 0).Fit(x).Neuralize(),
            new KernelKMeans(3, supportPerCluster: 2, maxIter: 5, nInit: 2, seed: 0).Fit(x).Neuralize(),
        };
        foreach (var net in nets)
        {
            double beta = Stiffness.Heuristic(net.F(x));
            using var byDefault = net.Explain(x);
            using var explicitBeta = net.Explain(x, beta);
            Assert.Equal(Vec(explicitBeta.Relevance), Vec(byDefault.Relevance));
            using var other = net.Explain(x, beta * 3);
            Assert.NotEqual(Vec(other.Relevance), Vec(byDefault.Relevance));          // β really reaches Eq. (2)
        }
    }
}
