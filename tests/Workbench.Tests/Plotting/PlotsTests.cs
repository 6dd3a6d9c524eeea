using Workbench.Plotting;
using Workbench.Tests.Tools;
using static TorchSharp.torch;

namespace Workbench.Tests.Plotting;

public class PlotsTests
{
    [Fact]
    public void ClustersMakesOneTracePerCluster()
    {
        var pts = tensor(new double[,] { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 3 } });
        var chart = Plots.Clusters(pts, tensor(new long[] { 0, 1, 1, 2 }));
        Assert.Equal(3, Plotly.NET.GenericChart.getTraces(chart).Length);
    }

    [Fact]
    public void LabelMapsPlaceEachPanelAndLegendEachCluster()
    {
        var a = tensor(new long[,] { { 0, 1 }, { 2, 0 } });
        var b = tensor(new long[,] { { 1 } });
        var chart = Plots.LabelMaps(new[] { a, b }, 3, new[] { "a", "b" });
        Assert.Equal(1 + 3, Plotly.NET.GenericChart.getTraces(chart).Length);  // the map and one legend entry per cluster
        var json = System.Text.Json.Nodes.JsonNode.Parse(Plotly.NET.GenericChart.toFigureJson(chart))!;
        var z = json["data"]![0]!["z"]!.AsArray().Select(r => r!.AsArray().Select(v => (double?)v?.GetValue<double>()).ToArray()).ToArray();
        Assert.Equal(new double?[] { 0, 1, null, 1 }, z[0]);                 // panel a, a gap column, panel b
        Assert.Equal(new double?[] { 2, 0, null, null }, z[1]);              // b has one row: the rest stays empty
        Assert.Contains("outside 0…2", Assert.Throws<ArgumentException>(() => Plots.LabelMaps(new[] { a + 1 }, 3, new[] { "a" })).Message);
        Assert.Contains("one name per map", Assert.Throws<ArgumentException>(() => Plots.LabelMaps(new[] { a }, 3, new[] { "a", "b" })).Message);
    }

    [Fact]
    public void ClustersRejectsWrongShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Plots.Clusters(zeros(4, 3), zeros(4, dtype: int64)));
        Assert.Contains("N×2", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Plots.Clusters(zeros(4, 2), zeros(3, dtype: int64)));
        Assert.Contains("one label per point", e2.Message);
    }

    [Fact]
    public void Function2DEvaluatesOnTheGrid()
    {
        // f(x) = x1: the contour's z rows must increase along x and be constant along y.
        var chart = Plots.Function2D(g => g[.., 0], (0, 1), (0, 1), resolution: 5, showZeroLine: false);
        var json = System.Text.Json.Nodes.JsonNode.Parse(Plotly.NET.GenericChart.toFigureJson(chart))!;
        var z = json["data"]![0]!["z"]!.AsArray();
        Assert.Equal(5, z.Count);
        Assert.Equal(0.0, (double)z[0]![0]!);
        Assert.Equal(1.0, (double)z[0]![4]!);
        Assert.Equal(1.0, (double)z[4]![4]!);
    }

    [Fact]
    public void RelevanceBarsNeedOneValuePerFeature()
    {
        var e = Assert.Throws<ArgumentException>(() => Plots.RelevanceBars(new[] { "a", "b" }, new[] { 1.0 }));
        Assert.Contains("one value per feature", e.Message);
    }

    [Fact]
    public void ImageHeatmapNeedsMatchingSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Plots.ImageHeatmap(zeros(28, 28), zeros(14, 14)));
        Assert.Contains("same size", e.Message);
        Assert.Equal(2, Plotly.NET.GenericChart.getTraces(Plots.ImageHeatmap(zeros(1, 8, 8), randn(8, 8))).Length);
    }

    [RequiresToolFact(Tool.Chromium)]
    public void SavePngRendersTheChartThroughChromium()
    {
        OptionalTools.AssertPresent(Tool.Chromium);
        var path = Path.Combine(Directory.CreateTempSubdirectory("wb-png-").FullName, "clusters.png");
        var chart = Plots.Clusters(tensor(new double[,] { { 0, 0 }, { 1, 1 }, { 2, 0 } }), tensor(new long[] { 0, 1, 1 }));
        var png = Plots.SavePng(chart, path, 320, 240);
        Assert.NotNull(png);
        Assert.Equal((320, 240), (png!.Width, png.Height));
        Assert.True(new FileInfo(path).Length > 1000, "the PNG is nearly empty");
        Directory.Delete(Path.GetDirectoryName(path)!, true);
    }
}
