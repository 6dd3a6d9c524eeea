using TorchSharp;
using Workbench.Studies.Neon;

namespace Workbench.Tests.Studies.Neon;

/// <summary>STL-10's binary layout (96×96 RGB, channel by channel, column-major), read for the paper's configuration of NEON Table I.</summary>
public class Stl10Tests
{
    [Fact]
    public void Stl10ImagesAreReadColumnMajorPerChannel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stl10-{Guid.NewGuid():N}.bin");
        var bytes = new byte[2 * 3 * 96 * 96];
        // image 1, channel 2, row 5, column 7 = 200: stored at column 7, row 5 (column-major)
        bytes[1 * 3 * 96 * 96 + 2 * 96 * 96 + 7 * 96 + 5] = 200;
        File.WriteAllBytes(path, bytes);
        try
        {
            var x = Stl10.ReadImages(path);
            Assert.Equal(new long[] { 2, 3, 96, 96 }, x.shape);
            Assert.Equal(200 / 255.0, x[1, 2, 5, 7].ToDouble(), 6);
            Assert.Equal(200 / 255.0, x.sum().ToDouble(), 6);
            Assert.Equal(1, Stl10.ReadImages(path, limit: 1).shape[0]);
            File.WriteAllBytes(path, new byte[100]);
            Assert.Contains("whole number", Assert.Throws<InvalidDataException>(() => Stl10.ReadImages(path)).Message);
        }
        finally { File.Delete(path); }
    }
}
