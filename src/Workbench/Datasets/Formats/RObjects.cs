namespace Workbench.Datasets.Formats;

/// <summary>R's SEXP type codes as they appear in serialized data (R Internals §1.1, serialize.c).</summary>
internal enum RType
{
    Nil = 0, Symbol = 1, PairList = 2, Closure = 3, Environment = 4, Promise = 5, Language = 6, Special = 7, Builtin = 8,
    Char = 9, Logical = 10, Integer = 13, Double = 14, Complex = 15, String = 16, Dots = 17, Any = 18, List = 19,
    Expression = 20, ByteCode = 21, ExternalPointer = 22, WeakReference = 23, Raw = 24, S4 = 25,
}

/// <summary>A value read from R's serialization format: a vector, list, environment, S4 object… with its attributes.</summary>
internal abstract class RObject
{
    /// <summary>R's SEXP type.</summary>
    public abstract RType Type { get; }

    /// <summary>Attributes in file order (names, class, levels, row.names, dim, S4 slots…).</summary>
    public List<KeyValuePair<string, RObject>> Attributes { get; } = [];

    /// <summary>The attribute <paramref name="name"/>, or null.</summary>
    public RObject? Attribute(string name)
    {
        foreach (var a in Attributes) if (a.Key == name) return a.Value;
        return null;
    }

    /// <summary>The <c>class</c> attribute (empty when absent).</summary>
    public string?[] Classes => (Attribute("class") as RStrings)?.Values ?? [];

    /// <summary>Whether <paramref name="name"/> is among the classes.</summary>
    public bool Inherits(string name) => Array.IndexOf(Classes, name) >= 0;

    /// <summary>The <c>names</c> attribute (null when absent).</summary>
    public string?[]? Names => (Attribute("names") as RStrings)?.Values;

    /// <summary>Vector length (0 for non-vectors).</summary>
    public virtual int Length => 0;

    public override string ToString()
    {
        var cls = Classes.Length > 0 ? $" class {string.Join("/", Classes)}" : "";
        return $"R {Type} length {Length}{cls}";
    }
}

/// <summary>R's <c>NULL</c>.</summary>
internal sealed class RNull : RObject
{
    public static readonly RNull Instance = new();
    RNull() { }
    public override RType Type => RType.Nil;
}

/// <summary>A symbol (a name).</summary>
internal sealed class RSymbol(string name) : RObject
{
    public string Name { get; } = name;
    public override RType Type => RType.Symbol;
    public override string ToString() => $"R symbol {Name}";
}

/// <summary>A pair list (LISTSXP), or code (LANGSXP, closures…) kept as its parts; tags are the element names.</summary>
internal sealed class RPairList(RType type) : RObject
{
    public override RType Type { get; } = type;
    public List<KeyValuePair<string?, RObject>> Items { get; } = [];
    public override int Length => Items.Count;
}

/// <summary>An integer vector (INTSXP); <see cref="NA"/> marks missing values. A factor is an integer vector with levels.</summary>
internal sealed class RIntegers(int[] values) : RObject
{
    /// <summary>R's NA_integer_.</summary>
    public const int NA = int.MinValue;
    public int[] Values { get; } = values;
    public override RType Type => RType.Integer;
    public override int Length => Values.Length;
}

/// <summary>A logical vector (LGLSXP): 0 = FALSE, 1 = TRUE, <see cref="RIntegers.NA"/> = NA.</summary>
internal sealed class RLogicals(int[] values) : RObject
{
    public int[] Values { get; } = values;
    public override RType Type => RType.Logical;
    public override int Length => Values.Length;
}

/// <summary>A double vector (REALSXP). R's NA_real_ is a NaN with payload 1954 (<see cref="IsNA"/>); NaN is also missing.</summary>
internal sealed class RDoubles(double[] values) : RObject
{
    /// <summary>The bit pattern of R's NA_real_ (a NaN whose low word is 1954).</summary>
    public const long NABits = 0x7FF00000000007A2;
    public static readonly double NA = BitConverter.Int64BitsToDouble(NABits);
    public double[] Values { get; } = values;
    public override RType Type => RType.Double;
    public override int Length => Values.Length;

    /// <summary>Whether <paramref name="x"/> is R's NA_real_ (as opposed to a plain NaN).</summary>
    public static bool IsNA(double x) => double.IsNaN(x) && (BitConverter.DoubleToInt64Bits(x) & 0xFFFFFFFF) == 1954;
}

/// <summary>A complex vector (CPLXSXP), stored as (re, im) pairs.</summary>
internal sealed class RComplexes(double[] reIm) : RObject
{
    public double[] ReIm { get; } = reIm;
    public override RType Type => RType.Complex;
    public override int Length => ReIm.Length / 2;
}

/// <summary>A character vector (STRSXP); null marks NA_character_.</summary>
internal sealed class RStrings(string?[] values) : RObject
{
    public string?[] Values { get; } = values;
    public override RType Type => RType.String;
    public override int Length => Values.Length;
}

/// <summary>A raw vector (RAWSXP).</summary>
internal sealed class RRaw(byte[] values) : RObject
{
    public byte[] Values { get; } = values;
    public override RType Type => RType.Raw;
    public override int Length => Values.Length;
}

/// <summary>A generic vector (VECSXP: list, data.frame) or expression vector.</summary>
internal sealed class RList(RType type, RObject[] items) : RObject
{
    public override RType Type { get; } = type;
    public RObject[] Items { get; } = items;
    public override int Length => Items.Length;

    /// <summary>The element called <paramref name="name"/>, or null.</summary>
    public RObject? this[string name]
    {
        get
        {
            var names = Names;
            if (names is null) return null;
            int i = Array.IndexOf(names, name);
            return i >= 0 ? Items[i] : null;
        }
    }
}

/// <summary>An environment: its variables (from the frame list and the hash table).</summary>
internal sealed class REnvironment : RObject
{
    public override RType Type => RType.Environment;
    public bool Locked { get; internal set; }
    public Dictionary<string, RObject> Variables { get; } = [];
    /// <summary>A well-known environment (global, base, empty) or a namespace/package, by name; null for an ordinary one.</summary>
    public string? Special { get; internal set; }
}

/// <summary>An S4 object (S4SXP): its slots are its attributes.</summary>
internal sealed class RS4Object : RObject
{
    public override RType Type => RType.S4;
    /// <summary>The slot <paramref name="name"/>, or null.</summary>
    public RObject? Slot(string name) => Attribute(name);
}

/// <summary>A value the reader skips over but does not interpret (byte code, external pointers, builtins…).</summary>
internal sealed class ROpaque(RType type, string? note = null) : RObject
{
    public override RType Type { get; } = type;
    public string? Note { get; } = note;
}
