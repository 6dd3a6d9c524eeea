using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Models.Weights;

/// <summary>
/// Reads PyTorch state_dicts (<c>torch.save(model.state_dict(), "file.pth")</c>) without Python: the zip layout
/// (<c>…/data.pkl</c> plus one raw little-endian file per storage under <c>…/data/</c>) and the small subset of pickle it uses
/// (<c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>_rebuild_parameter</c>, typed storages of
/// float32/float16/bfloat16/float64/int64/int32/int16/int8/uint8/bool with offsets and strides). Nothing in the file is
/// executed: any other Python object is refused with an error. The legacy pre-1.6 (non-zip) format is refused with the
/// one-line Python command that converts it.
/// <code>var state = PyTorchWeights.Read("vgg16-397923af.pth");      // name → tensor, in the file's order
/// PyTorchWeights.Load(model, "vgg16-397923af.pth");                 // copy into a module with the same names</code>
/// </summary>
public static class PyTorchWeights
{
    sealed record StorageRef(ScalarType Type, string Key, long Count);

    /// <summary>Reads every tensor of a state_dict file, in the file's order, on the CPU.</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weights file at '{path}'.", path);
        using var file = File.OpenRead(path);
        var head = new byte[4];
        int got = file.Read(head, 0, 4);
        file.Position = 0;
        if (got < 4 || head[0] != 'P' || head[1] != 'K')
        {
            if (got >= 2 && head[0] == 0x80)
                throw new InvalidDataException($"'{path}' is in PyTorch's legacy (pre-1.6, non-zip) format, which this reader does not read. " +
                    "Convert it once with PyTorch: python3 -c \"import torch,sys; torch.save(torch.load(sys.argv[1], map_location='cpu'), sys.argv[2])\" old.pth new.pth");
            throw new InvalidDataException($"'{path}' is not a PyTorch weights file (expected a zip archive written by torch.save).");
        }
        ZipArchive zip;
        try { zip = new ZipArchive(file, ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a readable zip archive ({e.Message}); is the download complete?", e); }
        using (zip)
        {
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
                ?? throw new InvalidDataException($"'{path}' is a zip archive but holds no '<name>/data.pkl'; it was not written by torch.save.");
            string prefix = pkl.FullName[..^"data.pkl".Length];
            var order = zip.GetEntry(prefix + "byteorder");
            if (order is not null)
            {
                using var sr = new StreamReader(order.Open(), Encoding.ASCII);
                var bo = sr.ReadToEnd().Trim();
                if (bo != "little") throw new InvalidDataException($"'{path}' stores {bo}-endian tensors; only little-endian files are read.");
            }

            var storages = new Dictionary<string, Tensor>();
            Tensor Storage(StorageRef s)
            {
                if (storages.TryGetValue(s.Key, out var t)) return t;
                var entry = zip.GetEntry(prefix + "data/" + s.Key)
                    ?? throw new InvalidDataException($"'{path}' names storage {s.Key}, but '{prefix}data/{s.Key}' is missing from the archive.");
                var bytes = new byte[entry.Length];
                using (var es = entry.Open()) es.ReadExactly(bytes);
                long need = s.Count * ElementSize(s.Type);
                if (bytes.Length < need) throw new InvalidDataException($"Storage {s.Key} of '{path}' holds {bytes.Length} bytes; {s.Count} elements of {s.Type} need {need}.");
                t = Workbench.IO.RawTensors.FromBytes(bytes, s.Type, s.Count);
                storages[s.Key] = t;
                return t;
            }

            object? Persistent(object? pid)
            {
                if (pid is object?[] { Length: >= 5 } tup && tup[0] is "storage" && tup[1] is PyGlobal type && tup[2] is string key && tup[4] is long count)
                    return new StorageRef(StorageType(type), key, count);
                throw new InvalidDataException($"Unexpected persistent id in '{path}'; expected ('storage', type, key, location, size).");
            }

            object? Reduce(PyGlobal f, object?[] args)
            {
                switch (f.FullName)
                {
                    case "collections.OrderedDict":
                        return new Dictionary<object, object?>();
                    case "torch._utils._rebuild_tensor_v2":
                    case "torch._utils._rebuild_tensor":
                    {
                        var storage = Storage((StorageRef)args[0]!);
                        long offset = (long)args[1]!;
                        var size = ((object?[])args[2]!).Select(o => (long)o!).ToArray();
                        var stride = ((object?[])args[3]!).Select(o => (long)o!).ToArray();
                        using var view = storage.as_strided(size, stride, offset);
                        return view.clone();
                    }
                    case "torch._utils._rebuild_parameter":
                    case "torch._utils._rebuild_parameter_with_state":
                        return args[0];
                    case "torch.device":
                        return null;
                    default:
                        throw new InvalidDataException(
                            $"'{path}' holds a Python object of type {f.FullName}, not only tensors. This reader loads state_dicts: " +
                            "save them with torch.save(model.state_dict(), path) (a whole pickled model needs its Python class).");
                }
            }

            object? root;
            using (var ps = pkl.Open())
            using (var buffered = new MemoryStream())
            {
                ps.CopyTo(buffered); buffered.Position = 0;
                root = new Unpickler(buffered, Reduce, Persistent).Load();
            }
            try
            {
                if (root is Dictionary<object, object?> d && d.Count > 0 && d.Values.All(v => v is Dictionary<object, object?> || v is Tensor || v is PyNone) &&
                    !d.Values.Any(v => v is Tensor) && d.TryGetValue("state_dict", out var inner) && inner is Dictionary<object, object?>)
                    root = inner;                                   // a checkpoint {"state_dict": …, "epoch": …}
                if (root is not Dictionary<object, object?> dict)
                    throw new InvalidDataException($"'{path}' holds a {root?.GetType().Name ?? "None"}, not a state_dict (a dict of name → tensor).");
                var result = new Dictionary<string, Tensor>();
                foreach (var (k, v) in dict)
                {
                    if (k is not string name) throw new InvalidDataException($"'{path}' has a non-string key {k} in its state_dict.");
                    if (v is Tensor t) result[name] = t;
                    else if (v is Dictionary<object, object?> && name == "state_dict") continue;
                    else throw new InvalidDataException($"Entry '{name}' of '{path}' is a {v?.GetType().Name ?? "None"}, not a tensor; save model.state_dict().");
                }
                return result;
            }
            finally
            {
                foreach (var s in storages.Values) s.Dispose();
            }
        }
    }

    /// <summary>
    /// Copies a state_dict into <paramref name="module"/>: every parameter and buffer of the module must be in the file with the
    /// same shape, and (with <paramref name="strict"/>) the file may hold nothing else. Otherwise nothing is copied and the error
    /// lists the missing, unexpected and shape-mismatched names. Values are cast to each parameter's dtype and device.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> state, bool strict = true, string source = "the state_dict")
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var own = module.state_dict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = own.Where(kv => state.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
                            .Select(kv => $"{kv.Key}: model [{string.Join(", ", kv.Value.shape)}], file [{string.Join(", ", state[kv.Key].shape)}]").ToList();
        // PyTorch's BatchNorm counts its updates in num_batches_tracked; a model without that buffer ignores it.
        unexpected.RemoveAll(k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
        missing.RemoveAll(k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
        if (missing.Count > 0 || mismatched.Count > 0 || (strict && unexpected.Count > 0))
        {
            var sb = new StringBuilder($"The weights in {source} do not fit this {module.GetType().Name}; is it the right architecture?");
            void List(string what, List<string> items)
            {
                if (items.Count == 0) return;
                sb.Append($"\n  {what} ({items.Count}): {string.Join("; ", items.Take(8))}{(items.Count > 8 ? "; …" : "")}");
            }
            List("missing from the file", missing);
            List("unexpected in the file", strict ? unexpected : []);
            List("shape mismatch", mismatched);
            throw new ArgumentException(sb.ToString());
        }
        using var _ = no_grad();
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var src)) target.copy_(src.to(target.dtype, target.device));
    }

    /// <summary>Reads <paramref name="path"/> and copies it into <paramref name="module"/> (see <see cref="Load(nn.Module, IReadOnlyDictionary{string, Tensor}, bool, string)"/>).</summary>
    public static void Load(nn.Module module, string path, bool strict = true)
    {
        var state = Read(path);
        try { Load(module, state, strict, $"'{path}'"); }
        finally { foreach (var t in state.Values) t.Dispose(); }
    }

    static ScalarType StorageType(PyGlobal g) => g.Name switch
    {
        "FloatStorage" => ScalarType.Float32,
        "DoubleStorage" => ScalarType.Float64,
        "HalfStorage" => ScalarType.Float16,
        "BFloat16Storage" => ScalarType.BFloat16,
        "LongStorage" => ScalarType.Int64,
        "IntStorage" => ScalarType.Int32,
        "ShortStorage" => ScalarType.Int16,
        "CharStorage" => ScalarType.Int8,
        "ByteStorage" => ScalarType.Byte,
        "BoolStorage" => ScalarType.Bool,
        _ => throw new InvalidDataException($"Unsupported storage type {g.FullName}."),
    };

    static long ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
