// One file (~410 lines): one recursive-descent reader over one cursor, mirroring serialize.c's ReadItem switch.
using System.Buffers.Binary;
using System.Text;

namespace Workbench.Datasets.Formats;

/// <summary>
/// Reads R's serialization format (versions 2 and 3, XDR big-endian): <c>.rda</c>/<c>.RData</c> files written by
/// <c>save()</c> (magic <c>RDX2</c>/<c>RDX3</c>) and <c>.rds</c> files written by <c>saveRDS()</c>, compressed with
/// gzip, xz or bzip2 or not at all. Follows R's <c>src/main/serialize.c</c> (<c>ReadItem</c>); byte code and
/// memory-mapped ALTREP objects are refused with a clear error.
/// </summary>
internal sealed class RDataReader
{
    // serialize.c pseudo-SEXP types
    const int REFSXP = 255, NILVALUE_SXP = 254, GLOBALENV_SXP = 253, UNBOUNDVALUE_SXP = 252, MISSINGARG_SXP = 251,
        BASENAMESPACE_SXP = 250, NAMESPACESXP = 249, PACKAGESXP = 248, PERSISTSXP = 247, CLASSREFSXP = 246,
        GENERICREFSXP = 245, BCREPDEF = 244, EMPTYENV_SXP = 242, BASEENV_SXP = 241, ATTRLANGSXP = 240,
        ATTRLISTSXP = 239, ALTREP_SXP = 238;
    const int IS_OBJECT_BIT = 1 << 8, HAS_ATTR_BIT = 1 << 9, HAS_TAG_BIT = 1 << 10;
    const int LATIN1_MASK = 1 << 2;

    readonly byte[] _data;
    readonly string _name;
    readonly List<RObject> _refs = [];
    int _pos;

    RDataReader(byte[] data, string name) { _data = data; _name = name; }

    /// <summary>The serialization format version of the last stream read (2 or 3).</summary>
    public int Version { get; private set; }

    /// <summary>Reads the objects saved in an <c>.rda</c>/<c>.RData</c> file, by name, in file order.</summary>
    public static IReadOnlyDictionary<string, RObject> ReadRData(string path)
        => ReadRData(Compression.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Reads the objects of a <c>save()</c> stream (compressed or not); <paramref name="name"/> is used in errors.</summary>
    public static IReadOnlyDictionary<string, RObject> ReadRData(byte[] data, string name)
    {
        var decompressed = Compression.Decompress(data, name);
        var r = new RDataReader(decompressed, name);
        if (!r.StartsWith("RDX2\n") && !r.StartsWith("RDX3\n"))
        {
            string head = Encoding.ASCII.GetString(decompressed, 0, Math.Min(5, decompressed.Length)).Replace("\n", "\\n");
            if (r.StartsWith("RDA2\n") || r.StartsWith("RDA3\n") || r.StartsWith("RDB2\n") || r.StartsWith("RDB3\n"))
                throw new DataFormatException($"{name}: saved in R's ASCII or native-binary format ('{head}'); only the default XDR format (RDX2/RDX3) is read. Re-save it in R with save(..., ascii = FALSE).");
            throw new DataFormatException($"{name}: not an R data file: expected the magic 'RDX2\\n' or 'RDX3\\n' at offset 0, found '{head}' (after undoing any gzip/xz/bzip2 compression).");
        }
        r._pos = 5;
        var top = r.ReadStream();
        var result = new Dictionary<string, RObject>();
        if (top is RPairList list)
        {
            foreach (var (tag, value) in list.Items)
                result[tag ?? $"<unnamed {result.Count}>"] = value;
        }
        else if (top is not RNull)
            throw new DataFormatException($"{name}: expected a pair list of named objects at the top level of a save() file, found {top}.");
        return result;
    }

    /// <summary>Reads the single object of an <c>.rds</c> file.</summary>
    public static RObject ReadRds(string path) => ReadRds(Compression.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Reads the single object of a <c>saveRDS()</c> stream (compressed or not).</summary>
    public static RObject ReadRds(byte[] data, string name)
    {
        var r = new RDataReader(Compression.Decompress(data, name), name);
        return r.ReadStream();
    }

    bool StartsWith(string ascii) => _data.AsSpan().StartsWith(Encoding.ASCII.GetBytes(ascii));

    RObject ReadStream()
    {
        Need(2, "the format tag 'X\\n'");
        if (_data[_pos] != (byte)'X' || _data[_pos + 1] != (byte)'\n')
        {
            char c = (char)_data[_pos];
            string what = c switch { 'A' => "ASCII", 'B' => "native binary", _ => $"unknown ('{c}')" };
            throw Error($"format {what}: only XDR ('X\\n') serialization is read. Re-save the data in R with the default (xdr) format");
        }
        _pos += 2;
        Version = ReadInt("the serialization version");
        if (Version is not (2 or 3))
            throw Error($"serialization version {Version}: only versions 2 and 3 are read");
        ReadInt("the writer's R version");
        ReadInt("the minimal reader's R version");
        if (Version == 3)
        {
            int n = ReadInt("the length of the native encoding name");
            Need(n, "the native encoding name");
            _pos += n;
        }
        var value = ReadItem();
        return value;
    }

    DataFormatException Error(string what, int? at = null)
        => new($"{_name}: corrupt R data at byte {at ?? _pos} (of {_data.Length}, decompressed): {what}.");

    void Need(long n, string what)
    {
        if (n < 0 || _pos + n > _data.Length)
            throw new DataFormatException(
                $"{_name}: truncated R data: needed {n} byte(s) for {what} at byte {_pos}, but the (decompressed) data ends at byte {_data.Length}. " +
                "The file is incomplete: fetch it again (`workbench datasets fetch <id> --force`).");
    }

    int ReadInt(string what)
    {
        Need(4, what);
        int v = BinaryPrimitives.ReadInt32BigEndian(_data.AsSpan(_pos, 4));
        _pos += 4;
        return v;
    }

    int ReadLength(string what)
    {
        int at = _pos;
        int len = ReadInt($"the length of {what}");
        if (len >= 0) return len;
        if (len != -1) throw Error($"negative length {len} for {what}", at);
        long hi = ReadInt($"the long length of {what}"), lo = (uint)ReadInt($"the long length of {what}");
        long xlen = (hi << 32) + lo;
        if (xlen > Array.MaxLength) throw Error($"{what} has {xlen} elements, more than .NET arrays hold", at);
        return (int)xlen;
    }

    string ReadCharBytes(int length, int levels)
    {
        Need(length, $"a string of {length} bytes");
        var enc = (levels & LATIN1_MASK) != 0 ? Encoding.Latin1 : Encoding.UTF8;
        string s = enc.GetString(_data, _pos, length);
        _pos += length;
        return s;
    }

    RObject ReadItem()
    {
        int at = _pos;
        int flags = ReadInt("an item header (SEXP flags)");
        return ReadItem(flags, at);
    }

    RObject ReadItem(int flags, int at)
    {
        int type = flags & 0xFF;
        int levels = flags >> 12;
        bool hasAttr = (flags & HAS_ATTR_BIT) != 0, hasTag = (flags & HAS_TAG_BIT) != 0;
        switch (type)
        {
            case NILVALUE_SXP: return RNull.Instance;
            case EMPTYENV_SXP: return new REnvironment { Special = "emptyenv" };
            case BASEENV_SXP: return new REnvironment { Special = "baseenv" };
            case GLOBALENV_SXP: return new REnvironment { Special = "globalenv" };
            case BASENAMESPACE_SXP: return new REnvironment { Special = "namespace:base" };
            case UNBOUNDVALUE_SXP: return new ROpaque(RType.Symbol, "unbound value");
            case MISSINGARG_SXP: return new ROpaque(RType.Symbol, "missing argument");
            case REFSXP:
            {
                int index = flags >> 8;
                if (index == 0) index = ReadInt("a reference index");
                if (index < 1 || index > _refs.Count)
                    throw Error($"reference #{index} points outside the {_refs.Count} objects read so far", at);
                return _refs[index - 1];
            }
            case PERSISTSXP:
            {
                var names = ReadStringVec("a persistent name");
                var s = new ROpaque(RType.Environment, "persistent: " + string.Join(",", names));
                _refs.Add(s);
                return s;
            }
            case NAMESPACESXP:
            case PACKAGESXP:
            {
                var names = ReadStringVec(type == NAMESPACESXP ? "a namespace name" : "a package name");
                var env = new REnvironment { Special = (type == NAMESPACESXP ? "namespace:" : "package:") + string.Join(" ", names) };
                _refs.Add(env);
                return env;
            }
            case (int)RType.Symbol:
            {
                var printName = ReadItem();
                string name = printName is RStrings { Length: 1 } ps ? ps.Values[0] ?? "NA" : "";
                var sym = new RSymbol(name);
                _refs.Add(sym);
                return sym;
            }
            case (int)RType.Environment:
            {
                var env = new REnvironment { Locked = ReadInt("an environment's lock flag") != 0 };
                _refs.Add(env);
                ReadItem(); // enclosing environment
                var frame = ReadItem();
                var hashtab = ReadItem();
                var attrib = ReadItem();
                AddVariables(env, frame);
                if (hashtab is RList table) foreach (var bucket in table.Items) AddVariables(env, bucket);
                SetAttributes(env, attrib);
                return env;
            }
            case (int)RType.PairList:
            case (int)RType.Language:
            case (int)RType.Closure:
            case (int)RType.Promise:
            case (int)RType.Dots:
                return ReadPairList(flags);
            case ALTREP_SXP:
                return ReadAltrep(at);
            case CLASSREFSXP:
            case GENERICREFSXP:
            case BCREPDEF:
            case ATTRLANGSXP:
            case ATTRLISTSXP:
            case (int)RType.ByteCode:
                throw Error($"byte-compiled code (SEXP type {type}) is not read: save data objects only", at);
        }

        RObject result;
        switch (type)
        {
            case (int)RType.ExternalPointer:
            {
                var p = new ROpaque(RType.ExternalPointer);
                _refs.Add(p);
                ReadItem(); ReadItem(); // protected value, tag
                result = p;
                break;
            }
            case (int)RType.WeakReference:
                result = new ROpaque(RType.WeakReference);
                _refs.Add(result);
                break;
            case (int)RType.Special:
            case (int)RType.Builtin:
            {
                int n = ReadInt("a builtin's name length");
                result = new ROpaque((RType)type, ReadCharBytes(n, 0));
                break;
            }
            case (int)RType.Char:
            {
                int n = ReadInt("a string length");
                if (n < -1) throw Error($"string length {n}", at);
                // A CHARSXP on its own (only inside STRSXP/SYMSXP in practice): return it as a length-1 character vector.
                result = new RStrings([n == -1 ? null : ReadCharBytes(n, levels)]);
                if (hasAttr) ReadItem(); // old files: attribute of a CHARSXP, ignored as R does
                return result;
            }
            case (int)RType.Logical:
            case (int)RType.Integer:
            {
                int n = ReadLength(type == (int)RType.Logical ? "a logical vector" : "an integer vector");
                Need(4L * n, $"{n} integers");
                var v = new int[n];
                for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadInt32BigEndian(_data.AsSpan(_pos + 4 * i, 4));
                _pos += 4 * n;
                result = type == (int)RType.Logical ? new RLogicals(v) : new RIntegers(v);
                break;
            }
            case (int)RType.Double:
            case (int)RType.Complex:
            {
                int n = ReadLength(type == (int)RType.Double ? "a double vector" : "a complex vector");
                int m = type == (int)RType.Complex ? 2 * n : n;
                Need(8L * m, $"{m} doubles");
                var v = new double[m];
                for (int i = 0; i < m; i++) v[i] = BinaryPrimitives.ReadDoubleBigEndian(_data.AsSpan(_pos + 8 * i, 8));
                _pos += 8 * m;
                result = type == (int)RType.Double ? new RDoubles(v) : new RComplexes(v);
                break;
            }
            case (int)RType.String:
            {
                int n = ReadLength("a character vector");
                Need(4L * n, $"{n} string headers"); // each element takes at least 4 bytes
                var v = new string?[n];
                for (int i = 0; i < n; i++)
                {
                    int eat = _pos;
                    int ef = ReadInt("a string element header");
                    if ((ef & 0xFF) != (int)RType.Char)
                        throw Error($"element {i + 1} of a character vector has SEXP type {ef & 0xFF}, expected CHARSXP (9)", eat);
                    int len = ReadInt("a string length");
                    if (len < -1) throw Error($"string length {len}", eat + 4);
                    v[i] = len == -1 ? null : ReadCharBytes(len, ef >> 12);
                    if ((ef & HAS_ATTR_BIT) != 0) ReadItem();
                }
                result = new RStrings(v);
                break;
            }
            case (int)RType.List:
            case (int)RType.Expression:
            {
                int n = ReadLength("a list");
                Need(4L * n, $"{n} list elements");
                var items = new RObject[n];
                for (int i = 0; i < n; i++) items[i] = ReadItem();
                result = new RList((RType)type, items);
                break;
            }
            case (int)RType.Raw:
            {
                int n = ReadLength("a raw vector");
                Need(n, $"{n} raw bytes");
                result = new RRaw(_data.AsSpan(_pos, n).ToArray());
                _pos += n;
                break;
            }
            case (int)RType.S4:
                result = new RS4Object();
                break;
            default:
                throw Error($"unknown SEXP type {type} (flags 0x{flags:X8}); the file is corrupt or was written by a newer R", at);
        }
        if (hasAttr) SetAttributes(result, ReadItem());
        return result;
    }

    /// <summary>LISTSXP-like cells, read iteratively along the CDR chain (long pair lists would overflow the stack).</summary>
    RObject ReadPairList(int flags)
    {
        var list = new RPairList((RType)(flags & 0xFF));
        bool first = true;
        while (true)
        {
            bool hasAttr = (flags & HAS_ATTR_BIT) != 0, hasTag = (flags & HAS_TAG_BIT) != 0;
            RObject? attrib = hasAttr ? ReadItem() : null;
            string? tag = null;
            if (hasTag)
            {
                var t = ReadItem();
                tag = t switch { RSymbol s => s.Name, RStrings { Length: 1 } s => s.Values[0], _ => null };
            }
            var car = ReadItem();
            list.Items.Add(new(tag, car));
            if (first && attrib is not null) SetAttributes(list, attrib);
            first = false;

            int at = _pos;
            int next = ReadInt("the rest of a pair list");
            int type = next & 0xFF;
            if (type == NILVALUE_SXP) return list;
            if (type == (int)RType.PairList || (type == (int)list.Type && type != (int)RType.Closure)) { flags = next; continue; }
            // An improper tail (a closure's body, a promise's value…): keep it as a last, untagged item.
            list.Items.Add(new(null, ReadItem(next, at)));
            return list;
        }
    }

    RObject ReadAltrep(int at)
    {
        var info = ReadItem();
        var state = ReadItem();
        var attr = ReadItem();
        string cls = info is RPairList { Length: > 0 } p && p.Items[0].Value is RSymbol s ? s.Name : "?";
        RObject result = cls switch
        {
            "compact_intseq" when state is RDoubles { Length: 3 } d => new RIntegers(Seq(d.Values, x => (int)x)),
            "compact_realseq" when state is RDoubles { Length: 3 } d => new RDoubles(Seq(d.Values, x => x)),
            "deferred_string" when state is RPairList { Length: > 0 } ds => DeferredStrings(ds.Items[0].Value),
            _ when cls.StartsWith("wrap_") && state is RPairList { Length: > 0 } w => w.Items[0].Value,
            _ when cls.StartsWith("wrap_") && state is RList { Length: > 0 } w => w.Items[0],
            _ => throw Error($"ALTREP class '{cls}' is not supported (only compact sequences, deferred strings and wrappers)", at),
        };
        SetAttributes(result, attr);
        return result;
    }

    static T[] Seq<T>(double[] s, Func<double, T> cast)
    {
        long n = (long)s[0];
        var v = new T[n];
        for (long i = 0; i < n; i++) v[i] = cast(s[1] + i * s[2]);
        return v;
    }

    static RStrings DeferredStrings(RObject arg) => arg switch
    {
        RIntegers iv => new RStrings(iv.Values.Select(x => x == RIntegers.NA ? null : x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
        RDoubles dv => new RStrings(dv.Values.Select(x => double.IsNaN(x) ? null : x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
        RStrings sv => sv,
        _ => new RStrings([]),
    };

    string[] ReadStringVec(string what)
    {
        int at = _pos;
        if (ReadInt(what) != 0) throw Error($"expected 0 before {what}", at);
        int n = ReadInt($"the length of {what}");
        Need(4L * n, what);
        var names = new string[n];
        for (int i = 0; i < n; i++) names[i] = ReadItem() is RStrings { Length: 1 } s ? s.Values[0] ?? "NA" : "?";
        return names;
    }

    static void AddVariables(REnvironment env, RObject frame)
    {
        if (frame is not RPairList list) return;
        foreach (var (tag, value) in list.Items)
            if (tag is not null) env.Variables[tag] = value;
    }

    static void SetAttributes(RObject target, RObject attrib)
    {
        if (attrib is not RPairList list) return;
        foreach (var (tag, value) in list.Items)
            target.Attributes.Add(new(tag ?? "", value));
    }
}
