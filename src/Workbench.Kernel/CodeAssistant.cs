using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workbench.Kernel;

/// <summary>
/// is_complete, complete and inspect from Roslyn: the cell is compiled (not run) as the next submission of the session,
/// so earlier cells' variables, the preloaded usings and the Workbench library are all in scope.
/// Jupyter counts cursor positions in Unicode code points; C# strings index UTF-16 units, hence the conversions.
/// </summary>
public static class CodeAssistant
{
    static readonly CSharpParseOptions ScriptParse =
        CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest);

    // ---- is_complete --------------------------------------------------------------------------------------------

    /// <summary>is_complete_reply content: whether the code is a complete submission, with an indent when not.</summary>
    public static JsonObject IsComplete(string code)
    {
        var tree = SyntaxFactory.ParseSyntaxTree(code, ScriptParse);
        if (SyntaxFactory.IsCompleteSubmission(tree)) return new JsonObject { ["status"] = "complete" };
        return new JsonObject { ["status"] = "incomplete", ["indent"] = Indent(code) };
    }

    static string Indent(string code)
    {
        var last = code.Split('\n').LastOrDefault(l => l.Trim().Length > 0) ?? "";
        var indent = last[..(last.Length - last.TrimStart().Length)];
        return last.TrimEnd().EndsWith('{') ? indent + "    " : indent;
    }

    // ---- complete -----------------------------------------------------------------------------------------------

    /// <summary>complete_reply content: the completions at the cursor (a code-point offset), from the session's semantic model.</summary>
    public static JsonObject Complete(IKernelEngine? engine, string code, int cursorCodePoints)
    {
        int cursor = ToUtf16(code, cursorCodePoints);
        int start = cursor;
        while (start > 0 && IsIdentifierChar(code[start - 1])) start--;
        string prefix = code[start..cursor];

        var items = new List<(string Name, string Kind)>();
        var compilation = engine?.CompileForAnalysis(code);
        bool memberAccess = false;
        if (compilation?.SyntaxTrees.LastOrDefault() is { } tree)
        {
            var model = compilation.GetSemanticModel(tree);
            var symbols = MemberCandidates(model, tree, code, start, out memberAccess) ?? model.LookupSymbols(start);
            foreach (var s in symbols)
                if (s.CanBeReferencedByName && !s.IsImplicitlyDeclared && s.Name.Length > 0 && Matches(s.Name, prefix))
                    items.Add((s.Name, KindOf(s)));
        }
        if (!memberAccess)
            items.AddRange(Keywords.Where(k => Matches(k, prefix)).Select(k => (k, "keyword")));

        var matches = items
            .GroupBy(i => i.Name, StringComparer.Ordinal).Select(g => g.First())
            .OrderBy(i => i.Name.StartsWith(prefix, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase)
            .Take(500)
            .ToList();
        int startCp = ToCodePoints(code, start), endCp = ToCodePoints(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(matches.Select(m => (JsonNode?)JsonValue.Create(m.Name)).ToArray()),
            ["cursor_start"] = startCp,
            ["cursor_end"] = endCp,
            ["metadata"] = new JsonObject
            {
                ["_jupyter_types_experimental"] = new JsonArray(matches.Select(m => (JsonNode?)new JsonObject
                {
                    ["start"] = startCp, ["end"] = endCp, ["text"] = m.Name, ["type"] = m.Kind,
                }).ToArray()),
            },
        };
    }

    /// <summary>After "expr." the members of expr's type (or of the namespace/type named); null when not after a dot.</summary>
    static IEnumerable<ISymbol>? MemberCandidates(SemanticModel model, SyntaxTree tree, string code, int start, out bool memberAccess)
    {
        memberAccess = false;
        int dot = start - 1;
        while (dot >= 0 && char.IsWhiteSpace(code[dot])) dot--;
        if (dot < 0 || code[dot] != '.') return null;
        memberAccess = true;
        var token = tree.GetRoot().FindToken(dot);
        ExpressionSyntax? left = token.Parent switch
        {
            MemberAccessExpressionSyntax ma => ma.Expression,
            QualifiedNameSyntax qn => qn.Left,
            MemberBindingExpressionSyntax mb => mb.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression,
            _ => null,
        };
        if (left is null) return [];
        var named = model.GetSymbolInfo(left).Symbol;
        if (named is INamespaceSymbol ns) return model.LookupNamespacesAndTypes(start, ns);
        var type = model.GetTypeInfo(left).Type;
        if (named is ITypeSymbol typeName && (type is null || SymbolEqualityComparer.Default.Equals(type, typeName)) &&
            !(left is IdentifierNameSyntax id && IsValueNamedLikeType(model, id)))
            return model.LookupStaticMembers(start, typeName).Concat(model.LookupNamespacesAndTypes(start, typeName));
        if (type is null || type.TypeKind == TypeKind.Error) return [];
        return model.LookupSymbols(start, type, includeReducedExtensionMethods: true).Where(s => !s.IsStatic || s is IMethodSymbol { ReducedFrom: not null });
    }

    // "Color Color": a variable whose name is also a type's name.
    static bool IsValueNamedLikeType(SemanticModel model, IdentifierNameSyntax id) =>
        model.LookupSymbols(id.SpanStart, name: id.Identifier.ValueText).Any(s => s is ILocalSymbol or IFieldSymbol or IPropertySymbol or IParameterSymbol);

    static bool Matches(string name, string prefix) => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    static string KindOf(ISymbol s) => s switch
    {
        IMethodSymbol => "method",
        IPropertySymbol => "property",
        IFieldSymbol { IsConst: true } => "constant",
        IFieldSymbol f when f.ContainingType?.Name.StartsWith("Submission#", StringComparison.Ordinal) == true => "variable",
        IFieldSymbol => "field",
        IEventSymbol => "event",
        ILocalSymbol or IParameterSymbol or IRangeVariableSymbol => "variable",
        INamespaceSymbol => "module",
        INamedTypeSymbol { TypeKind: TypeKind.Interface } => "interface",
        INamedTypeSymbol { TypeKind: TypeKind.Enum } => "enum",
        INamedTypeSymbol { TypeKind: TypeKind.Struct } => "struct",
        INamedTypeSymbol => "class",
        _ => "text",
    };

    static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '@';

    static readonly string[] Keywords =
    [
        "abstract", "as", "async", "await", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float",
        "for", "foreach", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "nameof", "namespace", "new", "null",
        "object", "operator", "out", "override", "params", "private", "protected", "public", "readonly", "record", "ref", "return", "sbyte",
        "sealed", "short", "sizeof", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong",
        "unchecked", "unsafe", "ushort", "using", "var", "virtual", "void", "volatile", "when", "while", "with", "yield",
    ];

    // ---- inspect ------------------------------------------------------------------------------------------------

    /// <summary>inspect_reply content: signatures and XML docs of the symbol at the cursor (a code-point offset).</summary>
    public static JsonObject Inspect(IKernelEngine? engine, string code, int cursorCodePoints, int detailLevel)
    {
        int cursor = ToUtf16(code, cursorCodePoints);
        var notFound = new JsonObject { ["status"] = "ok", ["found"] = false, ["data"] = new JsonObject(), ["metadata"] = new JsonObject() };
        var compilation = engine?.CompileForAnalysis(code);
        if (compilation?.SyntaxTrees.LastOrDefault() is not { } tree) return notFound;
        var model = compilation.GetSemanticModel(tree);
        var symbols = SymbolsAt(model, tree, cursor);
        if (symbols.Count == 0) return notFound;

        var text = new StringBuilder();
        foreach (var symbol in symbols.Take(12))
        {
            if (text.Length > 0) text.AppendLine().AppendLine();
            text.AppendLine(Signature(symbol));
            var docs = XmlDocs.For(symbol);
            if (docs.Length > 0) text.AppendLine().AppendLine(docs);
        }
        if (symbols.Count > 12) text.AppendLine().AppendLine($"… and {symbols.Count - 12} more overloads");
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = true,
            ["data"] = new JsonObject { ["text/plain"] = text.ToString().TrimEnd() },
            ["metadata"] = new JsonObject(),
        };
    }

    /// <summary>The symbol under (or just before) the cursor; inside a call's parentheses, the called method's overloads.</summary>
    static List<ISymbol> SymbolsAt(SemanticModel model, SyntaxTree tree, int cursor)
    {
        var root = tree.GetRoot();
        var token = root.FindToken(Math.Clamp(cursor, 0, Math.Max(0, root.FullSpan.End - 1)));
        if (!token.IsKind(SyntaxKind.IdentifierToken) && cursor > 0)
        {
            var before = root.FindToken(cursor - 1);
            if (before.IsKind(SyntaxKind.IdentifierToken) || before.Parent is ArgumentListSyntax) token = before;
        }

        SyntaxNode? node = token.Parent;
        if (!token.IsKind(SyntaxKind.IdentifierToken))
        {
            // In an argument list (e.g. "Math.Max(|"): the invocation's method group.
            var args = token.Parent?.FirstAncestorOrSelf<ArgumentListSyntax>();
            node = args?.Parent switch
            {
                InvocationExpressionSyntax inv => inv.Expression,
                BaseObjectCreationExpressionSyntax oc => oc,
                _ => null,
            };
            if (node is null) return [];
        }

        var info = model.GetSymbolInfo(node!);
        var list = new List<ISymbol>();
        if (info.Symbol is { } s) list.Add(s);
        list.AddRange(info.CandidateSymbols);
        if (list.Count == 0 && model.GetDeclaredSymbol(node!) is { } declared) list.Add(declared);
        if (list.Count == 0 && model.GetMemberGroup(node!) is { Length: > 0 } group) list.AddRange(group);
        if (list.Count == 0 && model.GetTypeInfo(node!).Type is { TypeKind: not TypeKind.Error } type) list.Add(type);
        // A lone method name: show all its overloads.
        if (list.Count == 1 && list[0] is IMethodSymbol m && model.GetMemberGroup(node!) is { Length: > 1 } overloads)
            list = [m, .. overloads.Where(o => !SymbolEqualityComparer.Default.Equals(o, m))];
        return list.Distinct(SymbolEqualityComparer.Default).ToList();
    }

    static readonly SymbolDisplayFormat SignatureFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .WithMemberOptions(SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType |
                           SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeRef |
                           SymbolDisplayMemberOptions.IncludeConstantValue)
        .WithParameterOptions(SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName |
                              SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut |
                              SymbolDisplayParameterOptions.IncludeOptionalBrackets)
        .WithKindOptions(SymbolDisplayKindOptions.IncludeTypeKeyword | SymbolDisplayKindOptions.IncludeNamespaceKeyword);

    static string Signature(ISymbol symbol)
    {
        string kind = symbol switch
        {
            ILocalSymbol => "(local variable) ",
            IParameterSymbol => "(parameter) ",
            IFieldSymbol f when f.ContainingType?.Name.StartsWith("Submission#", StringComparison.Ordinal) == true => "(variable) ",
            IMethodSymbol { ReducedFrom: not null } => "(extension) ",
            _ => "",
        };
        string display = symbol.ToDisplayString(SignatureFormat);
        if (symbol is IFieldSymbol sf && sf.ContainingType?.Name.StartsWith("Submission#", StringComparison.Ordinal) == true)
            display = sf.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + sf.Name;
        return kind + display;
    }

    // ---- Unicode code points (Jupyter) ↔ UTF-16 indices (C#) ----------------------------------------------------

    internal static int ToUtf16(string text, int codePoints)
    {
        if (codePoints < 0) return text.Length;
        int i = 0;
        for (int cp = 0; cp < codePoints && i < text.Length; cp++)
            i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
        return Math.Min(i, text.Length);
    }

    internal static int ToCodePoints(string text, int utf16Index)
    {
        int cp = 0;
        for (int i = 0; i < utf16Index && i < text.Length; i++, cp++)
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
        return cp;
    }
}
