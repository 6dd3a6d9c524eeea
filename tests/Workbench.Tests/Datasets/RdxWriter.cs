using System.Buffers.Binary;
using System.Text;

namespace Workbench.Tests.Datasets;

/// <summary>
/// Writes small R save() files (RDX2, XDR) by hand for the reader's edge-case tests, the way R's serialize.c does:
/// symbols go into a reference table and are written as REFSXP the second time, data.frames carry names, class and
/// compact row.names c(NA, -n), factors are integer vectors with levels and class.
/// </summary>
sealed class RdxWriter
{
    public const int NaInt = int.MinValue;
    public static readonly double NaReal = BitConverter.Int64BitsToDouble(0x7FF00000000007A2);

    const int LISTSXP = 2, SYMSXP = 1, CHARSXP = 9, LGLSXP = 10, INTSXP = 13, REALSXP = 14, STRSXP = 16, VECSXP = 19, NILVALUE = 254, REFSXP = 255;
    const int IS_OBJ = 1 << 8, HAS_ATTR = 1 << 9, HAS_TAG = 1 << 10;
    const int ASCII_LEVEL = 64 << 12, UTF8_LEVEL = 8 << 12;

    readonly MemoryStream _out = new();
    readonly List<string> _symbols = [];

    public RdxWriter() { Ascii("RDX2\nX\n"); Int(2); Int(0x040201); Int(0x020300); }

    /// <summary>A column: a writer of one R vector (with its attributes).</summary>
    public delegate void Item(RdxWriter w);

    public byte[] ToArray() => _out.ToArray();

    /// <summary>The whole save() payload: a pair list of named objects.</summary>
    public byte[] Save(params (string Name, Item Value)[] objects)
    {
        foreach (var (name, value) in objects)
        {
            Int(LISTSXP | HAS_TAG);
            Symbol(name);
            value(this);
        }
        Int(NILVALUE);
        return ToArray();
    }

    public void Ascii(string s) => _out.Write(Encoding.ASCII.GetBytes(s));
    public void Int(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); _out.Write(b); }
    public void Double(double v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, BitConverter.DoubleToInt64Bits(v)); _out.Write(b); }

    public void Symbol(string name)
    {
        int i = _symbols.IndexOf(name);
        if (i >= 0) { Int(((i + 1) << 8) | REFSXP); return; }
        _symbols.Add(name);
        Int(SYMSXP);
        Char(name);
    }

    public void Char(string? s)
    {
        if (s is null) { Int(CHARSXP); Int(-1); return; }
        var bytes = Encoding.UTF8.GetBytes(s);
        Int(CHARSXP | (bytes.All(b => b < 128) ? ASCII_LEVEL : UTF8_LEVEL));
        Int(bytes.Length);
        _out.Write(bytes);
    }

    void Attributes((string Name, Item Value)[] attrs)
    {
        foreach (var (name, value) in attrs)
        {
            Int(LISTSXP | HAS_TAG);
            Symbol(name);
            value(this);
        }
        Int(NILVALUE);
    }

    static int Flags(int type, (string, Item)[] attrs)
        => type | (attrs.Length > 0 ? HAS_ATTR : 0) | (attrs.Any(a => a.Item1 == "class") ? IS_OBJ : 0);

    public static Item Strings(string?[] v, params (string, Item)[] attrs) => w =>
    {
        w.Int(Flags(STRSXP, attrs)); w.Int(v.Length);
        foreach (var s in v) w.Char(s);
        if (attrs.Length > 0) w.Attributes(attrs);
    };

    public static Item Ints(int[] v, params (string, Item)[] attrs) => w =>
    {
        w.Int(Flags(INTSXP, attrs)); w.Int(v.Length);
        foreach (var x in v) w.Int(x);
        if (attrs.Length > 0) w.Attributes(attrs);
    };

    public static Item Logicals(int[] v) => w => { w.Int(LGLSXP); w.Int(v.Length); foreach (var x in v) w.Int(x); };

    public static Item Doubles(double[] v, params (string, Item)[] attrs) => w =>
    {
        w.Int(Flags(REALSXP, attrs)); w.Int(v.Length);
        foreach (var x in v) w.Double(x);
        if (attrs.Length > 0) w.Attributes(attrs);
    };

    public static Item Factor(int[] codes, string[] levels)
        => Ints(codes, ("levels", Strings(levels)), ("class", Strings(["factor"])));

    public static Item List(Item[] items, params (string, Item)[] attrs) => w =>
    {
        w.Int(Flags(VECSXP, attrs)); w.Int(items.Length);
        foreach (var it in items) it(w);
        if (attrs.Length > 0) w.Attributes(attrs);
    };

    /// <summary>A data.frame with automatic row names (stored compactly as c(NA, -n)).</summary>
    public static Item DataFrame(int rows, params (string Name, Item Column)[] columns)
        => List(columns.Select(c => c.Column).ToArray(),
            ("names", Strings(columns.Select(c => c.Name).ToArray())),
            ("class", Strings(["data.frame"])),
            ("row.names", Ints([NaInt, -rows])));
}
