using Workbench.Evaluation;
using static TorchSharp.torch;

namespace Workbench.Tests.Evaluation;

public class ImagePatchesTests
{
    [Fact]
    public void SplitTakesRowMajorPatchesAndMergeInvertsIt()
    {
        var x = arange(2 * 3 * 4 * 6, dtype: float64).reshape(2, 3, 4, 6);   // N=2, C=3, 4×6
        var p = ImagePatches.Split(x, 2);
        Assert.Equal(new long[] { 2, 6, 12 }, p.shape);                      // (4/2)·(6/2) patches of 3·2·2 values
        // patch 1 of image 0 (row 0, column 1): channel 0 pixels (0,2),(0,3),(1,2),(1,3) = 2, 3, 8, 9
        Assert.Equal(new double[] { 2, 3, 8, 9 }, p[0, 1, TensorIndex.Slice(0, 4)].data<double>().ToArray());
        Assert.True(ImagePatches.Merge(p, 3, 4, 6, 2).eq(x).all().item<bool>());
        var s = ImagePatches.Sum(x, 2);
        Assert.Equal(p.sum(new long[] { 2 }).data<double>().ToArray(), s.data<double>().ToArray());
        Assert.Equal(x.sum().item<double>(), s.sum().item<double>(), 9);     // relevance is conserved by the pooling
    }

    [Fact]
    public void SizesThatDoNotDivideTheImageAreRejected()
    {
        Assert.Contains("must divide", Assert.Throws<ArgumentException>(() => ImagePatches.Split(zeros(1, 1, 28, 28), 5)).Message);
        Assert.Contains("[N,C,H,W]", Assert.Throws<ArgumentException>(() => ImagePatches.Split(zeros(28, 28), 4)).Message);
        Assert.Contains("patches must be", Assert.Throws<ArgumentException>(() => ImagePatches.Merge(zeros(1, 49, 15), 1, 28, 28, 4)).Message);
    }
}
