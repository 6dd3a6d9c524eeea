using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Workbench.Kernel;

/// <summary>
/// XML documentation for symbols from referenced assemblies. Script references carry no documentation provider, so the
/// doc files are found beside the loaded assemblies (Workbench.Core.xml, NuGet packages') or in the .NET SDK's reference
/// pack (System.Runtime.xml …), read once and cached.
/// </summary>
static class XmlDocs
{
    static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Files = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The symbol's documentation as plain text (summary, parameters, returns), or "" when none is found.</summary>
    public static string For(ISymbol symbol)
    {
        var target = symbol is IMethodSymbol { ReducedFrom: { } unreduced } ? unreduced : symbol;
        target = target.OriginalDefinition;
        string xml = target.GetDocumentationCommentXml() ?? "";
        if (xml.Length == 0 && target.GetDocumentationCommentId() is { } id && target.ContainingAssembly is { } assembly)
            foreach (var file in CandidateFiles(assembly.Name))
                if (Load(file).TryGetValue(id, out var found)) { xml = found; break; }
        return xml.Length == 0 ? "" : Format(xml);
    }

    static IEnumerable<string> CandidateFiles(string assemblyName)
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => string.Equals(a.GetName().Name, assemblyName, StringComparison.OrdinalIgnoreCase));
        if (loaded is { IsDynamic: false, Location.Length: > 0 })
            yield return Path.ChangeExtension(loaded.Location, ".xml");
        if (ReferencePack() is not { } pack) yield break;
        yield return Path.Combine(pack, assemblyName + ".xml");
        // CoreLib's public surface is documented under the reference assemblies that forward to it.
        if (assemblyName is "System.Private.CoreLib" or "netstandard" or "mscorlib")
            foreach (var name in new[] { "System.Runtime", "System.Collections", "System.Threading", "System.Memory", "System.Console" })
                yield return Path.Combine(pack, name + ".xml");
    }

    static string? _pack;
    static bool _packSearched;

    /// <summary>…/dotnet/packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/net&lt;major.minor&gt;, when an SDK is installed.</summary>
    static string? ReferencePack()
    {
        if (_packSearched) return _pack;
        _packSearched = true;
        try
        {
            var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();   // …/dotnet/shared/Microsoft.NETCore.App/10.0.x/
            var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
            var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
            if (!Directory.Exists(packs)) return null;
            var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
            _pack = Directory.GetDirectories(packs)
                .Select(d => Path.Combine(d, "ref", tfm))
                .Where(Directory.Exists)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(d))), out var v) ? v : new Version())
                .FirstOrDefault();
        }
        catch (Exception) { _pack = null; }
        return _pack;
    }

    static IReadOnlyDictionary<string, string> Load(string path) => Files.GetOrAdd(path, p =>
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(p)) return members;
        try
        {
            using var reader = XmlReader.Create(p, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            while (reader.ReadToFollowing("member"))
            {
                var name = reader.GetAttribute("name");
                var xml = reader.ReadOuterXml();
                if (name is not null) members[name] = xml;
            }
        }
        catch (XmlException) { }
        return members;
    });

    /// <summary>Summary, parameters, returns and exceptions of one &lt;member&gt; element as readable text.</summary>
    internal static string Format(string memberXml)
    {
        XElement root;
        try { root = XElement.Parse(memberXml.Contains("<member", StringComparison.Ordinal) ? memberXml : $"<member>{memberXml}</member>"); }
        catch (XmlException) { return ""; }
        var sb = new StringBuilder();
        if (root.Element("summary") is { } summary) sb.AppendLine(Text(summary));
        var parameters = root.Elements("param").ToList();
        if (parameters.Count > 0)
        {
            sb.AppendLine().AppendLine("Parameters:");
            foreach (var p in parameters) sb.AppendLine($"  {p.Attribute("name")?.Value}: {Text(p)}");
        }
        if (root.Element("returns") is { } returns) sb.AppendLine().AppendLine("Returns: " + Text(returns));
        var exceptions = root.Elements("exception").ToList();
        if (exceptions.Count > 0)
        {
            sb.AppendLine().AppendLine("Exceptions:");
            foreach (var e in exceptions) sb.AppendLine($"  {Cref(e.Attribute("cref")?.Value)}: {Text(e)}");
        }
        if (root.Element("remarks") is { } remarks && Text(remarks) is { Length: > 0 } r) sb.AppendLine().AppendLine("Remarks: " + r);
        return sb.ToString().TrimEnd();
    }

    static string Text(XElement element)
    {
        var sb = new StringBuilder();
        foreach (var node in element.Nodes())
            sb.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" or "seealso" } e => Cref(e.Attribute("cref")?.Value) ?? e.Attribute("langword")?.Value ?? e.Value,
                XElement { Name.LocalName: "paramref" or "typeparamref" } e => e.Attribute("name")?.Value,
                XElement { Name.LocalName: "para" } e => "\n" + Text(e) + "\n",
                XElement e => Text(e),
                _ => "",
            });
        return string.Join(" ", sb.ToString().Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }

    static string? Cref(string? cref)
    {
        if (cref is null) return null;
        var name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        int dot = name.LastIndexOf('.');
        return dot >= 0 && cref.StartsWith("T:", StringComparison.Ordinal) ? name[(dot + 1)..] : name.Split('.').TakeLast(2).Aggregate((a, b) => a + "." + b);
    }
}
