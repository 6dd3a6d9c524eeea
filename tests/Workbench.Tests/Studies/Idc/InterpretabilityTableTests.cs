using TorchSharp;
using Workbench.Evaluation;
using Workbench.Studies.Idc;
using static TorchSharp.torch;

namespace Workbench.Tests.Studies.Idc;

/// <summary>Table 2's selections and scores (<see cref="InterpretabilityTable"/>) and the decision margins explained.</summary>
public class InterpretabilityTableTests
{
    [Fact]
    public void TopKSelectsTheLargestMagnitudes()
    {
        var a = tensor(new float[] { 0.1f, -3, 2, 0, 5, -0.5f, 0.2f, 0.3f }).view(2, 4);
        var s = InterpretabilityTable.TopK(a, 2);
        Assert.Equal(new float[] { 0, 1, 1, 0, 1, 1, 0, 0 }, s.data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => InterpretabilityTable.TopK(a, 5));
        var nan = a.clone(); nan[0, 0] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => InterpretabilityTable.TopK(nan, 1)).Message);
    }

    [Fact]
    public void ScoreMatchesTheMetricsOnAFixture()
    {
        // two clusters told apart by x0 + x1; selections: cluster 0 uses {0,1}, cluster 1 uses {0,2}
        var x = tensor(new float[] { 0, 0, 0, 0.1f, 0, 0, 3, 3, 0, 3.1f, 3, 0 }).view(4, 3);
        var w = tensor(new float[] { 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1 }).view(4, 3);
        long[] clusters = { 0, 0, 1, 1 }, truth = { 0, 0, 1, 1 };
        Tensor Predict(Tensor z) => (z[.., 0] + z[.., 1]).gt(2.5).to(int64);
        var row = InterpretabilityTable.Score("fixture", x, w, clusters, 2, truth, Predict, eps: 0.2);
        Assert.Equal(1.0, row.Accuracy);
        Assert.Equal(2.0, row.SelectedFeatures);
        Assert.Equal(100 * (1 - 1.0 / 3), row.DiversityPaper, 1e-9);      // J({0,1},{0,2}) = 1/3
        Assert.Equal(100 * (1 - (2 + 2.0 / 3) / 2), row.DiversityCode, 1e-9);
        Assert.Equal(2, row.NonEmptySupports);
        Assert.Equal(row.DiversityPaper - 100 * row.NonEmptySupports / 2, row.DiversityCode, 1e-9);
        Assert.Equal(0.0, row.UniquenessPaper);                              // close pairs have equal selections
        // nearest neighbours have identical selections except none: all ratios 0
        Assert.Equal(0.0, row.UniquenessCode);
        // importance 4, 2, 2: without x0 the clusters survive on x1; without x0 and x1 they are gone
        Assert.Equal(new[] { 0, 1, 2 }, row.Curves.Order);
        Assert.Equal(new[] { 1.0, 0.5, 0.5 }, row.Curves.Accuracy);
        Assert.Equal(1.0, row.Faithfulness, 1e-12);
        Assert.Equal(0.1, InterpretabilityTable.MedianNearestNeighbourDistance(x), 1e-6);
    }

    [Fact]
    public void KMeansMarginIsPositiveExactlyForTheAssignedCluster()
    {
        var mu = tensor(new double[] { 0, 0, 4, 0, 0, 4 }).view(3, 2);
        var x = tensor(new double[] { 1, 0, 3, 1, 0, 2.5 }).view(3, 2);
        var own = InterpretabilityExplainers.KMeansMargin(mu, x, tensor(new long[] { 0, 1, 2 }));
        // x0: ‖x−μ1‖² = 9, ‖x−μ2‖² = 17, ‖x−μ0‖² = 1 → 8; x1: min(10, 18) − 2 = 8; x2: min(6.25, 22.25) − 2.25 = 4
        Assert.Equal(new[] { 8.0, 8.0, 4.0 }, own.data<double>().ToArray());
        var wrong = InterpretabilityExplainers.KMeansMargin(mu, x, tensor(new long[] { 1, 0, 0 }));
        Assert.True(wrong.lt(0).all().item<bool>());
    }
}
