using Workbench.IO;

namespace Workbench.Tests.FileWriting;

/// <summary>AtomicFile: the target is replaced only by a complete file; a failing write leaves it and no temporary behind.</summary>
public class AtomicFileTests
{
    [Fact]
    public void WritesIntoANewFolderAndReplacesTheTarget()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"atomic-{Guid.NewGuid():N}");
        var path = Path.Combine(dir, "sub", "a.txt");
        AtomicFile.WriteAllText(path, "first");
        Assert.Equal("first", File.ReadAllText(path));
        AtomicFile.Write(path, tmp => { Assert.NotEqual(Path.GetFullPath(path), tmp); File.WriteAllText(tmp, "second"); });
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void AFailingWriteLeavesTheOldFileAndNoTemporary()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"atomic-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "model.bin");
        File.WriteAllText(path, "the user's file");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, tmp =>
        {
            File.WriteAllText(tmp, "half");
            throw new InvalidOperationException("stopped halfway");
        }));
        Assert.Equal("stopped halfway", e.Message);
        Assert.Equal("the user's file", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }
}
