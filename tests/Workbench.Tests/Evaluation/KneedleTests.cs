using TorchSharp;
using Workbench.Evaluation;
using Xunit;

namespace Workbench.Tests.Evaluation;

/// <summary>The Kneedle elbow (Satopää et al. 2011) on curves whose elbow is known.</summary>
public class KneedleTests
{
    [Fact]
    public void PiecewiseLinearCurveHasItsElbowAtTheBreak()
    {
        // steep then flat: break at x = 4
        double[] x = { 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        double[] y = { 100, 60, 20, 18, 16, 14, 12, 10, 8 };
        Assert.Equal(2, Kneedle.Elbow(x, y));
    }

    [Fact]
    public void HyperbolaElbowMatchesTheDifferenceCurveMaximum()
    {
        // y = 1/x on 1..10: the knee is where the normalised difference curve ŷ − x̂ peaks (followed by a drop below the threshold),
        // computed here by brute force on the same grid.
        var x = Enumerable.Range(1, 10).Select(i => (double)i).ToArray();
        var y = x.Select(v => 1 / v).ToArray();
        var xn = x.Select(v => (v - 1) / 9).ToArray();
        var yn = y.Select(v => 1 - (v - 0.1) / 0.9).ToArray();
        int argmax = Enumerable.Range(0, 10).MaxBy(i => yn[i] - xn[i]);
        Assert.Equal(argmax, Kneedle.Elbow(x, y));
        Assert.Equal(2, argmax);   // x = 3 (difference 0.519 vs 0.444 at x = 2 and 0.5 at x = 4, by hand)
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Kneedle.Elbow(new double[] { 1, 2 }, new double[] { 2, 1 }));
        Assert.Throws<ArgumentException>(() => Kneedle.Elbow(new double[] { 1, 1, 2 }, new double[] { 3, 2, 1 }));
    }
}
