using System.IO.Compression;
using System.Text;
using Workbench.Datasets;
using Workbench.Datasets.Formats;

namespace Workbench.Tests.Datasets;

/// <summary>The one CSV reader: lenient (notebooks) and strict (command line) read a file the same way and differ only in
/// strictness; the writer never writes a non-finite number; <see cref="OutputFiles"/> writes all or nothing.</summary>
public class CsvTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("wb-csv-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }
    string P(string name) => Path.Combine(_dir, name);

    static byte[] Gzip(string text)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(Encoding.UTF8.GetBytes(text));
        return ms.ToArray();
    }

    [Fact]
    public void StrictAndLenientReadTheSameNumbers()
    {
        // BOM, spaces around names, a quoted field, a blank line, CRLF, gzip: read alike by both modes.
        const string text = "\uFEFF a ,\"b\"\r\n1.5, 2\r\n\r\n\"-3e2\",4\r\n";
        File.WriteAllBytes(P("x.csv.gz"), Gzip(text));
        File.WriteAllText(P("x.csv"), text);
        foreach (var f in new[] { "x.csv", "x.csv.gz" })
        {
            var strict = CsvReader.ReadNumeric(P(f));
            var lenient = Dataset.ReadCsv(P(f));
            Assert.Equal(new[] { "a", "b" }, strict.Columns);
            Assert.Equal(new[] { "a", "b" }, lenient.ColumnNames);
            Assert.Equal(new[] { 1.5, -300 }, new[] { strict.Values[0, 0], strict.Values[1, 0] });
            Assert.Equal(new[] { 1.5, -300 }, lenient.Column("a"));
            Assert.Equal(new[] { 2.0, 4 }, lenient.Column("b"));
        }
    }

    [Fact]
    public void StreamingMatchesWholeTextAcrossBufferBoundaries()
    {
        // The reader streams in 64 Ki-character chunks: put a doubled quote, a quoted newline and a CRLF on every
        // offset around the boundary; the records must equal those of a tiny-buffer reader (one character per read).
        for (int pad = 65_530; pad < 65_540; pad++)
        {
            string text = "h1,h2\n" + new string('x', pad) + ",\"a\"\"b\nc\"\r\n1,2\n";
            var streamed = CsvReader.Parse(text, "t");
            var byChar = CsvReader.Enumerate(new OneCharReader(text), "t").ToList();
            Assert.Equal(3, streamed.Count);
            Assert.Equal("a\"b\nc", streamed[1].Fields[1]);
            Assert.Equal(new[] { 1, 2, 4 }, streamed.Select(r => r.Line));
            Assert.Equal(streamed.Select(r => string.Join("|", r.Fields)), byChar.Select(r => string.Join("|", r.Fields)));
        }
    }

    /// <summary>A reader that hands out one character per <c>Read</c>, so every character is a buffer boundary.</summary>
    sealed class OneCharReader(string text) : TextReader
    {
        int _at;
        public override int Read(char[] buffer, int index, int count)
        {
            if (_at >= text.Length || count == 0) return 0;
            buffer[index] = text[_at++];
            return 1;
        }
    }

    [Fact]
    public void MissingValuesAreMissingWhenLenientAndAnErrorWhenStrict()
    {
        File.WriteAllText(P("na.csv"), "a,b\n1,2\nNA,4\n");
        Assert.True(double.IsNaN(Dataset.ReadCsv(P("na.csv")).Column("a")[1]));
        var e = Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(P("na.csv")));
        Assert.Contains("row 1 (line 3), column 'a': 'NA' is a missing value", e.Message);
    }

    [Fact]
    public void BothModesRefuseTheSameBrokenFiles()
    {
        File.WriteAllText(P("dup.csv"), "a,a\n1,2\n");
        File.WriteAllText(P("short.csv"), "a,b\n1,2\n3\n");
        File.WriteAllText(P("quote.csv"), "a,b\n1,\"2\n");
        foreach (var (f, msg) in new[] { ("dup.csv", "names column 'a' twice"), ("short.csv", "row 1 (line 3) has 1 fields"), ("quote.csv", "not closed") })
        {
            Assert.Contains(msg, Assert.Throws<DataFormatException>(() => Dataset.ReadCsv(P(f))).Message);
            Assert.Contains(msg, Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(P(f))).Message);
        }
    }

    [Fact]
    public void AnIntegerTooLargeIsOutOfRange()
    {
        File.WriteAllText(P("l.csv"), "cluster\n0\n99999999999999999999\n");
        Assert.Contains("row 1 (line 3), column 'cluster': '99999999999999999999' is out of range",
            Assert.Throws<DataFormatException>(() => CsvReader.ReadIntegerColumn(P("l.csv"), "cluster")).Message);
    }

    [Fact]
    public void TheWriterRefusesNonFiniteNumbersAndWritesNothing()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvWriter.Write(P("o.csv"), ["x", "y"],
            [[1.0, 2.0], [3.0, double.PositiveInfinity]], "rescale the input"));
        Assert.Contains("row 1, column 'y' is Infinity", e.Message);
        Assert.Contains("rescale the input", e.Message);
        Assert.False(File.Exists(P("o.csv")));
        Assert.Empty(Directory.GetFiles(_dir));                        // no temporary file left either
        CsvWriter.Write(P("o.csv"), ["x", "name"], [[0.1, "a, \"b\""]]);
        var back = CsvReader.ReadLines(P("o.csv"));
        Assert.Equal("a, \"b\"", back[1].Fields[1]);
        Assert.Equal("0.1", back[1].Fields[0]);
    }

    [Fact]
    public void OutputsAreAllOrNothingAndNeverAnInput()
    {
        File.WriteAllText(P("in.csv"), "a\n1\n");
        File.WriteAllText(P("keep.csv"), "old\n");
        using (var o = new OutputFiles([(P("in.csv"), "--input")]))
        {
            Assert.Contains("is also the input --input", Assert.Throws<ArgumentException>(() => o.Add(P("in.csv"), "--out")).Message);
            o.Add(P("keep.csv"), "--out-centroids");
            Assert.Contains("are the same file", Assert.Throws<ArgumentException>(() => o.Add(P("./keep.csv"), "--out-labels")).Message);
            Assert.Contains("is a folder", Assert.Throws<ArgumentException>(() => o.Add(_dir, "--out-labels")).Message);
            Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => o.Add(P("no/such/x.csv"), "--out-labels")).Message);
            o.Add(P("labels.csv"), "--out-labels");
            o.Write(P("keep.csv"), ["c"], [[1.0]]);
            Assert.Throws<DataFormatException>(() => o.Write(P("labels.csv"), ["c"], [[double.NaN]]));
            // no Commit: the job failed
        }
        Assert.Equal("old\n", File.ReadAllText(P("keep.csv")));          // untouched
        Assert.False(File.Exists(P("labels.csv")));
        Assert.Equal(new[] { "in.csv", "keep.csv" }, Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
    }
}
