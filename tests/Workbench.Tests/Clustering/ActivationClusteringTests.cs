using TorchSharp;
using TorchSharp.Modules;
using Workbench.Clustering;
using Workbench.Models;
using Workbench.Studies.Relu;
using static TorchSharp.torch;

namespace Workbench.Tests.Clustering;

/// <summary>ReLU §3: the partition by activation pattern and the cluster table, on a network whose regions are known.</summary>
public class ActivationClusteringTests
{
    /// <summary>f(u) = relu(u) + relu(−u) − 0.5 = |u| − 0.5 with hidden units h1 = relu(u), h2 = relu(−u); sigmoid output.</summary>
    static Sequential AbsNetwork()
    {
        var fc1 = nn.Linear(1, 2, dtype: ScalarType.Float64);
        var out_ = nn.Linear(2, 1, dtype: ScalarType.Float64);
        using (no_grad())
        {
            fc1.weight!.copy_(tensor(new double[,] { { 1 }, { -1 } }));
            fc1.bias!.zero_();
            out_.weight!.copy_(tensor(new double[,] { { 1, 1 } }));
            out_.bias!.fill_(-0.5);
        }
        var seq = nn.Sequential(("fc1", fc1), ("relu1", nn.ReLU()), ("out", out_), ("sigmoid", nn.Sigmoid()));
        seq.eval();
        return seq;
    }

    [Fact]
    public void PartitionsByPatternWithTheRegionsAffineMaps()
    {
        using var net = AbsNetwork();
        var x = tensor(new double[] { -2, -1, -0.25, 0.1, 0.3, 0.7, 1.5 }).reshape(-1, 1);
        var c = new ActivationClustering(net).Fit(x);
        Assert.Equal(2, c.Count);
        Assert.Equal("10", c.Clusters[0].Pattern);            // u > 0: 4 samples, the larger cluster first
        Assert.Equal("01", c.Clusters[1].Pattern);
        Assert.Equal(new long[] { 1, 1, 1, 0, 0, 0, 0 }, c.Labels.data<long>().ToArray());
        Assert.Equal(ScalarType.Int64, c.Labels.dtype);
        Assert.Equal(2, c.K);
        Assert.Equal(4.0 / 7, c.Clusters[0].Share, 12);
        Assert.Equal(new[] { 1.0 }, c.Clusters[0].Importance);  // ω = +1 where u > 0
        Assert.Equal(new[] { -1.0 }, c.Clusters[1].Importance); // ω = −1 where u < 0
        Assert.Equal(-0.5, c.Clusters[0].Bias[0], 12);
        // new inputs: u = 3 falls in "10"; u = 0 activates nothing, a pattern never seen in Fit
        Assert.Equal(new long[] { 0, 1, -1 }, c.Predict(tensor(new double[] { 3, -3, 0 }).reshape(-1, 1)).data<long>().ToArray());
    }

    [Fact]
    public void ClusterTableCountsSharesPredictionsAndAccuracy()
    {
        using var net = AbsNetwork();
        var x = tensor(new double[] { -2, -1, -0.25, 0.1, 0.3, 0.7, 1.5 }).reshape(-1, 1);
        var y = tensor(new double[] { 1, 0, 0, 0, 1, 1, 1 });
        var c = new ActivationClustering(net).Fit(x);
        var table = ClusterTable.Build(c, x, y, ["u"]);
        var pos = table.Rows[0];   // u ∈ {0.1, 0.3, 0.7, 1.5}: predicted (|u| > 0.5) 0, 0, 1, 1; truth 0, 1, 1, 1
        Assert.Equal(4, pos.Size);
        Assert.Equal(0.5, pos.PredictedPositive, 12);
        Assert.Equal(0.75, pos.PositiveRate!.Value, 12);
        Assert.Equal(0.75, pos.Accuracy!.Value, 12);
        Assert.Equal((0.1 + 0.3 + 0.7 + 1.5) / 4, pos.AverageInstance[0], 12);
        var neg = table.Rows[1];   // u ∈ {−2, −1, −0.25}: predicted 1, 1, 0; truth 1, 0, 0
        Assert.Equal(2.0 / 3, neg.PredictedPositive, 12);
        Assert.Equal(1.0 / 3, neg.PositiveRate!.Value, 12);
        Assert.Equal(2.0 / 3, neg.Accuracy!.Value, 12);
        var frame = table.ToFrame();
        Assert.Equal(2, frame.RowCount);
        Assert.Contains("avg u", frame.ColumnKeys);
        Assert.Contains("10", table.ToString());
    }

    [Fact]
    public void BooleanTruthTableListsEachClustersRows()
    {
        var (x, y) = BooleanStudy.Generate(4000, seed: 5);
        var xs = x.data<float>().ToArray(); var ys = y.data<float>().ToArray();
        for (int i = 0; i < 4000; i++)
            Assert.Equal(BooleanStudy.Target((int)xs[10 * i], (int)xs[10 * i + 1], (int)xs[10 * i + 2]), (int)ys[i]);
        using var mlp = new Mlp(10, [4, 2], seed: 5);
        mlp.Train(x, y, epochs: 1, seed: 5);
        var c = new ActivationClustering(mlp).Fit(x);
        var rows = BooleanStudy.TruthTable(c, x);
        Assert.Equal(4000, rows.Sum(r => r.Count));
        foreach (var cluster in c.Clusters)
            Assert.Equal(cluster.Size, rows.Where(r => r.Cluster == cluster.Id).Sum(r => r.Count));
        Assert.All(rows, r => Assert.Equal(BooleanStudy.Target(r.V1, r.V2, r.V3), r.Target));
    }
}
