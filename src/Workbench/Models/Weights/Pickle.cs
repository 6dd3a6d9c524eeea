using System.Buffers.Binary;
using System.Text;

namespace Workbench.Models.Weights;

/// <summary>A Python global named in a pickle (<c>module.name</c>), e.g. <c>torch._utils._rebuild_tensor_v2</c>.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>A call <c>f(*args)</c> the unpickler could not evaluate itself, handed to the resolver.</summary>
internal sealed record PyCall(PyGlobal Function, object?[] Args);

/// <summary>Python's <c>None</c>.</summary>
internal sealed class PyNone
{
    public static readonly PyNone Value = new();
}

/// <summary>
/// The subset of Python's pickle format (protocols 2–5) that <c>torch.save</c> writes for state_dicts: globals, tuples,
/// lists, dicts, ints, floats, strings, bytes, persistent ids and REDUCE/BUILD. It never executes anything: a REDUCE is
/// passed to <c>reduce</c>, which knows the few torch and collections functions allowed, and refuses the rest.
/// </summary>
internal sealed class Unpickler
{
    readonly BinaryReader _r;
    readonly Func<PyGlobal, object?[], object?> _reduce;
    readonly Func<object?, object?> _persistent;
    readonly List<object?> _stack = new();
    readonly List<int> _marks = new();
    readonly Dictionary<long, object?> _memo = new();

    public Unpickler(Stream s, Func<PyGlobal, object?[], object?> reduce, Func<object?, object?> persistent)
    {
        _r = new BinaryReader(s, Encoding.UTF8, leaveOpen: true);
        _reduce = reduce; _persistent = persistent;
    }

    object? Pop() { var v = _stack[^1]; _stack.RemoveAt(_stack.Count - 1); return v; }
    object? Top => _stack[^1];

    List<object?> PopMark()
    {
        int m = _marks[^1]; _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    string ReadLine()
    {
        var sb = new StringBuilder();
        int c;
        while ((c = _r.ReadByte()) != '\n') sb.Append((char)c);
        return sb.ToString();
    }

    public object? Load()
    {
        while (true)
        {
            byte op = _r.ReadByte();
            switch (op)
            {
                case 0x80: _r.ReadByte(); break;                                  // PROTO
                case 0x95: _r.ReadInt64(); break;                                 // FRAME
                case (byte)'.': return Pop();                                     // STOP
                case (byte)'(': _marks.Add(_stack.Count); break;                  // MARK
                case (byte)'c':                                                   // GLOBAL
                {
                    var module = ReadLine(); var name = ReadLine();
                    _stack.Add(new PyGlobal(module, name));
                    break;
                }
                case 0x93:                                                        // STACK_GLOBAL
                {
                    var name = (string)Pop()!; var module = (string)Pop()!;
                    _stack.Add(new PyGlobal(module, name));
                    break;
                }
                case (byte)'q': _memo[_r.ReadByte()] = Top; break;                // BINPUT
                case (byte)'r': _memo[_r.ReadUInt32()] = Top; break;              // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Top; break;                       // MEMOIZE
                case (byte)'h': _stack.Add(_memo[_r.ReadByte()]); break;          // BINGET
                case (byte)'j': _stack.Add(_memo[_r.ReadUInt32()]); break;        // LONG_BINGET
                case (byte)'}': _stack.Add(new Dictionary<object, object?>()); break;   // EMPTY_DICT
                case (byte)']': _stack.Add(new List<object?>()); break;           // EMPTY_LIST
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;        // EMPTY_TUPLE
                case (byte)'t': _stack.Add(PopMark().ToArray()); break;           // TUPLE
                case 0x85: _stack.Add(new[] { Pop() }); break;                    // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; }          // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; }   // TUPLE3
                case (byte)'l': _stack.Add(PopMark()); break;                     // LIST
                case (byte)'d':                                                   // DICT
                {
                    var items = PopMark(); var d = new Dictionary<object, object?>();
                    for (int i = 0; i < items.Count; i += 2) d[Key(items[i])] = items[i + 1];
                    _stack.Add(d);
                    break;
                }
                case (byte)'a': { var v = Pop(); ((List<object?>)Top!).Add(v); break; }                  // APPEND
                case (byte)'e': { var items = PopMark(); ((List<object?>)Top!).AddRange(items); break; } // APPENDS
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItem(Top, k, v); break; }             // SETITEM
                case (byte)'u':                                                                         // SETITEMS
                {
                    var items = PopMark();
                    for (int i = 0; i < items.Count; i += 2) SetItem(Top, items[i], items[i + 1]);
                    break;
                }
                case (byte)'N': _stack.Add(PyNone.Value); break;                  // NONE
                case 0x88: _stack.Add(true); break;                               // NEWTRUE
                case 0x89: _stack.Add(false); break;                              // NEWFALSE
                case (byte)'J': _stack.Add((long)_r.ReadInt32()); break;          // BININT
                case (byte)'K': _stack.Add((long)_r.ReadByte()); break;           // BININT1
                case (byte)'M': _stack.Add((long)_r.ReadUInt16()); break;         // BININT2
                case 0x8a:                                                        // LONG1
                {
                    int n = _r.ReadByte(); var bytes = _r.ReadBytes(n);
                    long v = 0;
                    for (int i = n - 1; i >= 0; i--) v = (v << 8) | bytes[i];
                    if (n > 0 && n < 8 && (bytes[n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                    _stack.Add(v);
                    break;
                }
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(_r.ReadBytes(8))); break;   // BINFLOAT
                case (byte)'X': _stack.Add(Encoding.UTF8.GetString(_r.ReadBytes(_r.ReadInt32()))); break;   // BINUNICODE
                case 0x8c: _stack.Add(Encoding.UTF8.GetString(_r.ReadBytes(_r.ReadByte()))); break;        // SHORT_BINUNICODE
                case 0x8d: _stack.Add(Encoding.UTF8.GetString(_r.ReadBytes((int)_r.ReadInt64()))); break;  // BINUNICODE8
                case (byte)'T': _stack.Add(Encoding.Latin1.GetString(_r.ReadBytes(_r.ReadInt32()))); break; // BINSTRING
                case (byte)'U': _stack.Add(Encoding.Latin1.GetString(_r.ReadBytes(_r.ReadByte()))); break;  // SHORT_BINSTRING
                case (byte)'B': _stack.Add(_r.ReadBytes(_r.ReadInt32())); break;  // BINBYTES
                case (byte)'C': _stack.Add(_r.ReadBytes(_r.ReadByte())); break;   // SHORT_BINBYTES
                case (byte)'Q': _stack.Add(_persistent(Pop())); break;            // BINPERSID
                case (byte)'R':                                                   // REDUCE
                {
                    var args = (object?[])Pop()!; var f = Pop();
                    _stack.Add(f is PyGlobal g ? _reduce(g, args) : throw new InvalidDataException("REDUCE of something that is not a global."));
                    break;
                }
                case 0x81:                                                        // NEWOBJ
                {
                    var args = (object?[])Pop()!; var cls = (PyGlobal)Pop()!;
                    _stack.Add(_reduce(cls, args));
                    break;
                }
                case (byte)'b': Pop(); break;                                     // BUILD: object state (e.g. a state_dict's _metadata) is not needed
                default:
                    throw new InvalidDataException($"Unsupported pickle opcode 0x{op:x2} at byte {_r.BaseStream.Position - 1}; " +
                                                   "this reader understands the subset torch.save writes for state_dicts.");
            }
        }
    }

    static object Key(object? k) => k ?? throw new InvalidDataException("A None dictionary key.");

    static void SetItem(object? target, object? k, object? v)
    {
        if (target is Dictionary<object, object?> d) d[Key(k)] = v;
        else throw new InvalidDataException($"SETITEM on a {target?.GetType().Name ?? "null"}, not a dict.");
    }
}
