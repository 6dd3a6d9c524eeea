using System.IO.Compression;
using Workbench.Datasets;
using Workbench.Datasets.Formats;
using static Workbench.Tests.Datasets.RdxWriter;

namespace Workbench.Tests.Datasets;

/// <summary>R serialization format 2 on small hand-made files: every column type, NA, references, each compression,
/// and clear errors for truncated and corrupt input.</summary>
public class RDataReaderTests
{
    /// <summary>A made-up 4-row data.frame with one column of each kind, each holding an NA. Fixtures/tiny-frame.rda.xz
    /// and .bz2 are these 491 bytes compressed with `xz -9` and `bzip2 -9` (ReadsEachCompression checks they still are).</summary>
    internal static byte[] TinyFrame() => new RdxWriter().Save(
        ("tiny", DataFrame(4,
            ("x", Doubles([1.5, NaReal, double.NaN, -2.0])),
            ("n", Ints([1, NaInt, 3, 4])),
            ("f", Factor([1, 2, NaInt, 1], ["lo", "hi"])),
            ("s", Strings(["a", null, "ü", "d"])),
            ("b", Logicals([1, 0, NaInt, 1])))),
        ("answer", Ints([42])));

    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Datasets", "Fixtures", name);

    static string Temp(byte[] bytes, string suffix = ".rda")
    {
        var path = Path.Combine(Path.GetTempPath(), $"wb-rda-{Guid.NewGuid():N}{suffix}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal)) gz.Write(raw);
        return ms.ToArray();
    }

    [Fact]
    public void ReadsEveryColumnKindWithNA()
    {
        var objects = RDataReader.ReadRData(TinyFrame(), "tiny.rda");
        Assert.Equal(new[] { "tiny", "answer" }, objects.Keys.ToArray());
        Assert.Equal([42], ((RIntegers)objects["answer"]).Values);
        var df = (RList)objects["tiny"];
        Assert.True(df.Inherits("data.frame"));
        Assert.Equal(new string?[] { "x", "n", "f", "s", "b" }, df.Names!);
        var x = ((RDoubles)df["x"]!).Values;
        Assert.True(RDoubles.IsNA(x[1]));          // NA_real_: NaN with payload 1954
        Assert.True(double.IsNaN(x[2]) && !RDoubles.IsNA(x[2])); // a plain NaN is not NA
        Assert.Equal(RIntegers.NA, ((RIntegers)df["n"]!).Values[1]);
        Assert.Equal(new string?[] { "lo", "hi" }, ((RStrings)df["f"]!.Attribute("levels")!).Values);
        Assert.Null(((RStrings)df["s"]!).Values[1]);
        Assert.Equal("ü", ((RStrings)df["s"]!).Values[2]);
    }

    [Fact]
    public void DataFrameBecomesDatasetWithMissingValues()
    {
        var path = Temp(TinyFrame());
        try
        {
            var d = Dataset.ReadRData(path, "tiny", label: "f");
            Assert.Equal(4, d.Count);
            Assert.Equal(["x", "n", "s", "b"], d.FeatureNames);
            Assert.Equal(ColumnKind.Double, d.ColumnKinds["x"]);
            Assert.Equal(ColumnKind.Integer, d.ColumnKinds["n"]);
            Assert.Equal(ColumnKind.Factor, d.ColumnKinds["f"]);
            Assert.Equal(ColumnKind.Text, d.ColumnKinds["s"]);
            Assert.Equal(ColumnKind.Logical, d.ColumnKinds["b"]);
            // factor → level names, codes in level order, NA → -1
            Assert.Equal(["lo", "hi"], d.LabelNames);
            Assert.Equal([0L, 1, -1, 0], d.Labels);
            var frame = d.Frame;
            Assert.Equal(5, frame.ColumnCount);
            Assert.Equal(4, frame.RowCount);
            // every NA (and the NaN) is missing in the frame; the other values are as written
            Assert.Equal(2, frame.GetColumn<double>("x").ValueCount);
            Assert.Equal(3, frame.GetColumn<int>("n").ValueCount);
            Assert.Equal(4, frame.GetColumn<int>("n").Get(3));
            Assert.Equal(3, frame.GetColumn<string>("f").ValueCount);
            Assert.Equal("hi", frame.GetColumn<string>("f").Get(1));
            Assert.Equal(3, frame.GetColumn<string>("s").ValueCount);
            Assert.Equal(3, frame.GetColumn<bool>("b").ValueCount);
            Assert.False(frame.GetColumn<bool>("b").Get(1));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("bzip2")]
    public void ReadsEachCompression(string compression)
    {
        byte[] raw = TinyFrame();
        byte[] file = compression switch
        {
            "none" => raw,
            "gzip" => Gzip(raw),
            // made with `xz -k` / `bzip2 -k` from TinyFrame()'s bytes (our own data, 300 bytes)
            "xz" => File.ReadAllBytes(Fixture("tiny-frame.rda.xz")),
            _ => File.ReadAllBytes(Fixture("tiny-frame.rda.bz2")),
        };
        Assert.Equal(compression switch { "none" => CompressionKind.None, "gzip" => CompressionKind.Gzip, "xz" => CompressionKind.Xz, _ => CompressionKind.Bzip2 },
            Compression.Detect(file));
        Assert.Equal(raw, Compression.Decompress(file, compression));
        var objects = RDataReader.ReadRData(file, "tiny." + compression);
        var df = (RList)objects["tiny"];
        Assert.Equal(5, df.Length);
        Assert.Equal([1.5, -2.0], new[] { ((RDoubles)df["x"]!).Values[0], ((RDoubles)df["x"]!).Values[3] });
    }

    [Fact]
    public void TruncatedDataSaysWhereAndWhat()
    {
        byte[] raw = TinyFrame();
        foreach (int cut in new[] { 3, 12, 40, raw.Length / 2, raw.Length - 1 })
        {
            var e = Assert.Throws<DataFormatException>(() => RDataReader.ReadRData(raw[..cut], "cut.rda"));
            Assert.Contains("cut.rda", e.Message);
            Assert.True(e.Message.Contains("truncated") || e.Message.Contains("not an R data file"), e.Message);
            if (cut > 5) Assert.Contains($"ends at byte {cut}", e.Message);
        }
    }

    [Fact]
    public void TruncatedCompressedFileIsAClearError()
    {
        byte[] gz = Gzip(TinyFrame());
        var e = Assert.Throws<DataFormatException>(() => RDataReader.ReadRData(gz[..(gz.Length / 2)], "half.rda.gz"));
        Assert.Contains("half.rda.gz", e.Message);
        byte[] xz = File.ReadAllBytes(Fixture("tiny-frame.rda.xz"));
        var e2 = Assert.Throws<DataFormatException>(() => RDataReader.ReadRData(xz[..(xz.Length - 20)], "cut.rda.xz"));
        Assert.Contains("cut.rda.xz", e2.Message);
        // the decompressors themselves notice a missing end, whatever the payload
        byte[] bz2 = File.ReadAllBytes(Fixture("tiny-frame.rda.bz2"));
        foreach (var (bytes, kind) in new[] { (gz, "gzip"), (xz, "xz"), (bz2, "bzip2") })
            foreach (int cut in new[] { 1, 8, bytes.Length / 2 })
            {
                var e3 = Assert.Throws<DataFormatException>(() => Compression.Decompress(bytes[..^cut], $"cut-{cut}.{kind}"));
                Assert.Contains($"the {kind} stream", e3.Message);
            }
    }

    [Fact]
    public void CorruptTypeByteNamesTheOffset()
    {
        byte[] raw = TinyFrame();
        // the first item header after the 19-byte header is the top pair list (LISTSXP | HAS_TAG = 0x402); break its type
        raw[5 + 2 + 12 + 3] = 0x63; // SEXP type 99
        var e = Assert.Throws<DataFormatException>(() => RDataReader.ReadRData(raw, "bad.rda"));
        Assert.Contains("unknown SEXP type 99", e.Message);
        Assert.Contains("byte 19", e.Message);
    }

    [Fact]
    public void WrongMagicIsRefused()
    {
        var e = Assert.Throws<DataFormatException>(() => RDataReader.ReadRData("PK\u0003\u0004 not R"u8.ToArray(), "zip.rda"));
        Assert.Contains("not an R data file", e.Message);
        Assert.Contains("RDX2", e.Message);
    }

    [Fact]
    public void BadReferenceIsRefused()
    {
        var w = new RdxWriter();
        w.Int(2 | (1 << 10)); // LISTSXP with tag
        w.Int((7 << 8) | 255); // REFSXP #7 before anything was read
        var e = Assert.Throws<DataFormatException>(() => RDataReader.ReadRData(w.ToArray(), "ref.rda"));
        Assert.Contains("reference #7", e.Message);
    }

    [Fact]
    public void FactorCodeOutsideLevelsIsRefused()
    {
        var bytes = new RdxWriter().Save(("d", DataFrame(2, ("f", Factor([1, 3], ["a", "b"])))));
        var path = Temp(bytes);
        try
        {
            var e = Assert.Throws<DataFormatException>(() => Dataset.ReadRData(path));
            Assert.Contains("factor code 3 at row 2", e.Message);
        }
        finally { File.Delete(path); }
    }
}
