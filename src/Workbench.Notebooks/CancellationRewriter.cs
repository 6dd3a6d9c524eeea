using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workbench.Notebooks;

/// <summary>
/// Makes a cell interruptible and its runaway recursion recoverable, by rewriting its code before it is compiled:
/// <list type="bullet">
/// <item>every loop body (for, foreach, while, do) and every function body of every member kind (methods, local
/// functions, lambdas and anonymous methods, property/indexer/event accessors, constructors, destructors, operators)
/// starts with an interrupt check, so Kernel › Interrupt stops an endless loop wherever it is and the session lives on.
/// Top-level code checks the script's <c>Interrupt</c> global; code that cannot see it (inside type declarations,
/// static local functions and static lambdas) calls <see cref="CellInterrupt.Check"/>;</item>
/// <item>every function body also starts with <c>RuntimeHelpers.EnsureSufficientExecutionStack();</c>, so unbounded
/// recursion throws <see cref="InsufficientExecutionStackException"/> (a normal cell error) instead of overflowing the
/// stack, which .NET cannot catch and which would end the process. Expression bodies (<c>int F(int n) =&gt; …;</c>,
/// <c>int P =&gt; …;</c>, <c>get =&gt; …;</c>, <c>n =&gt; …</c>) are turned into block bodies for this.</item>
/// </list>
/// Whether an expression-bodied lambda returns a value is not known from syntax when its body is a call, assignment,
/// increment, <c>await</c> or <c>new</c>: <see cref="Rewrite(string)"/> assumes it does (<c>return E;</c>); when that does not
/// compile, the session tries <see cref="RewriteCautiously"/>, which leaves expression-bodied lambdas as they are
/// (and is the only choice for expression trees, whose lambdas cannot have block bodies).
/// Inserted statements take no new lines, so compiler errors and tracebacks keep the cell's line numbers.
/// Code that does not parse is returned unchanged (the compiler then reports the errors on the original text).
/// </summary>
public sealed class CancellationRewriter : CSharpSyntaxRewriter
{
    /// <summary>The name of the script global holding the running cell's cancellation token.</summary>
    public const string InterruptName = "Interrupt";

    static readonly CSharpParseOptions ScriptParse =
        CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest);

    /// <summary>The check inserted where the <see cref="InterruptName"/> global cannot be seen.</summary>
    public const string StaticCheck = "global::Workbench.Notebooks.CellInterrupt.Check();";

    readonly bool _expressionLambdas;
    int _typeDepth;   // inside class/struct/record/interface declarations
    int _staticDepth; // inside static local functions, lambdas or methods

    CancellationRewriter(bool expressionLambdas) => _expressionLambdas = expressionLambdas;

    bool CanSeeInterrupt => _typeDepth == 0 && _staticDepth == 0;

    /// <summary>Rewrites a cell's code, expression-bodied lambdas included (usable as <c>NotebookSessionOptions.RewriteCode</c>).</summary>
    public static string Rewrite(string code) => Rewrite(code, expressionLambdas: true);

    /// <summary>As <see cref="Rewrite(string)"/>, but expression-bodied lambdas are left alone (<c>NotebookSessionOptions.RewriteFallback</c>).</summary>
    public static string RewriteCautiously(string code) => Rewrite(code, expressionLambdas: false);

    static string Rewrite(string code, bool expressionLambdas)
    {
        var tree = CSharpSyntaxTree.ParseText(code, ScriptParse);
        if (tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) return code;
        return new CancellationRewriter(expressionLambdas).Visit(tree.GetRoot()).ToFullString();
    }

    // ---- scopes -------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public override SyntaxNode? VisitClassDeclaration(ClassDeclarationSyntax node) => InType(() => base.VisitClassDeclaration(node));
    /// <inheritdoc/>
    public override SyntaxNode? VisitStructDeclaration(StructDeclarationSyntax node) => InType(() => base.VisitStructDeclaration(node));
    /// <inheritdoc/>
    public override SyntaxNode? VisitRecordDeclaration(RecordDeclarationSyntax node) => InType(() => base.VisitRecordDeclaration(node));
    /// <inheritdoc/>
    public override SyntaxNode? VisitInterfaceDeclaration(InterfaceDeclarationSyntax node) => InType(() => base.VisitInterfaceDeclaration(node));

    SyntaxNode? InType(Func<SyntaxNode?> visit)
    {
        _typeDepth++;
        try { return visit(); } finally { _typeDepth--; }
    }

    SyntaxNode? InFunction(SyntaxTokenList modifiers, Func<SyntaxNode?> visit)
    {
        bool isStatic = modifiers.Any(SyntaxKind.StaticKeyword);
        if (isStatic) _staticDepth++;
        try { return visit(); } finally { if (isStatic) _staticDepth--; }
    }

    // ---- loops --------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, InterruptCheck()));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, InterruptCheck()));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, InterruptCheck()));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, InterruptCheck()));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, InterruptCheck()));
    }

    // ---- method-like bodies -------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        if (visited.Body is not null) return visited.WithBody(Prepend(visited.Body, FunctionChecks()));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFromArrow(arrow, visited.SemicolonToken, ReturnsNothing(visited.ReturnType, visited.Modifiers), FunctionChecks()));
    });

    /// <inheritdoc/>
    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        if (visited.Body is not null) return visited.WithBody(Prepend(visited.Body, FunctionChecks()));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFromArrow(arrow, visited.SemicolonToken, ReturnsNothing(visited.ReturnType, visited.Modifiers), FunctionChecks()));
    });

    /// <inheritdoc/>
    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!;
        if (visited.Body is not null) return visited.WithBody(Prepend(visited.Body, FunctionChecks()));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFromArrow(arrow, visited.SemicolonToken, returnsNothing: true, FunctionChecks()));
    });

    /// <inheritdoc/>
    public override SyntaxNode? VisitDestructorDeclaration(DestructorDeclarationSyntax node)
    {
        var visited = (DestructorDeclarationSyntax)base.VisitDestructorDeclaration(node)!;
        if (visited.Body is not null) return visited.WithBody(Prepend(visited.Body, FunctionChecks()));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFromArrow(arrow, visited.SemicolonToken, returnsNothing: true, FunctionChecks()));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node)
    {
        var visited = (OperatorDeclarationSyntax)base.VisitOperatorDeclaration(node)!;
        if (visited.Body is not null) return visited.WithBody(Prepend(visited.Body, FunctionChecks()));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFromArrow(arrow, visited.SemicolonToken, ReturnsNothing(visited.ReturnType, visited.Modifiers), FunctionChecks()));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node)
    {
        var visited = (ConversionOperatorDeclarationSyntax)base.VisitConversionOperatorDeclaration(node)!;
        if (visited.Body is not null) return visited.WithBody(Prepend(visited.Body, FunctionChecks()));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFromArrow(arrow, visited.SemicolonToken, returnsNothing: false, FunctionChecks()));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var visited = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        if (visited.Body is not null) return visited.WithBody(Prepend(visited.Body, FunctionChecks()));
        if (visited.ExpressionBody is not { } arrow) return visited;
        bool returnsNothing = !visited.Keyword.IsKind(SyntaxKind.GetKeyword);   // set, init, add, remove
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFromArrow(arrow, visited.SemicolonToken, returnsNothing, FunctionChecks()));
    }

    /// <summary><c>T P =&gt; E;</c> becomes <c>T P { get { checks; return E; } }</c>, on the same line.</summary>
    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithAccessorList(GetterFromArrow(arrow, visited.SemicolonToken));
    });

    /// <summary><c>T this[…] =&gt; E;</c> becomes <c>T this[…] { get { checks; return E; } }</c>, on the same line.</summary>
    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithAccessorList(GetterFromArrow(arrow, visited.SemicolonToken));
    });

    AccessorListSyntax GetterFromArrow(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon)
    {
        var body = BlockFromArrow(arrow, semicolon, returnsNothing: false, FunctionChecks());
        var getter = SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration,
            body.WithOpenBraceToken(body.OpenBraceToken.WithLeadingTrivia(SyntaxFactory.Space)).WithCloseBraceToken(body.CloseBraceToken.WithTrailingTrivia()))
            .WithKeyword(SyntaxFactory.Token(SyntaxKind.GetKeyword).WithLeadingTrivia(SyntaxFactory.Space));
        return SyntaxFactory.AccessorList(
            SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia),
            SyntaxFactory.SingletonList(getter),
            SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(semicolon.TrailingTrivia));
    }

    /// <inheritdoc/>
    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        if (visited.Block is not null) return visited.WithBlock(Prepend(visited.Block, FunctionChecks()));
        return LambdaBlock(visited.ExpressionBody) is { } block ? visited.WithExpressionBody(null).WithBlock(block) : visited;
    });

    /// <inheritdoc/>
    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        if (visited.Block is not null) return visited.WithBlock(Prepend(visited.Block, FunctionChecks()));
        return LambdaBlock(visited.ExpressionBody) is { } block ? visited.WithExpressionBody(null).WithBlock(block) : visited;
    });

    /// <inheritdoc/>
    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) => InFunction(node.Modifiers, () =>
    {
        var visited = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return visited.WithBlock(Prepend(visited.Block, FunctionChecks()));
    });

    /// <summary>
    /// <c>=&gt; E</c> of a lambda as <c>{ checks; return E; }</c> (<c>{ checks; throw X; }</c> for a throw expression), or null
    /// when it stays as it is: in the cautious rewrite, and in lambdas that are not rewritten (<c>ref</c> bodies).
    /// </summary>
    BlockSyntax? LambdaBlock(ExpressionSyntax? body)
    {
        if (!_expressionLambdas || body is null || body is RefExpressionSyntax) return null;
        var arrowLike = SyntaxFactory.ArrowExpressionClause(body.WithoutTrivia())
            .WithArrowToken(SyntaxFactory.Token(SyntaxKind.EqualsGreaterThanToken).WithLeadingTrivia(body.GetLeadingTrivia()));
        return BlockFromArrow(arrowLike, SyntaxFactory.Token(SyntaxKind.SemicolonToken).WithTrailingTrivia(body.GetTrailingTrivia()),
            returnsNothing: false, FunctionChecks());
    }

    // ---- inserted statements ------------------------------------------------------------------------------------

    StatementSyntax InterruptCheck() =>
        SyntaxFactory.ParseStatement(CanSeeInterrupt ? $"{InterruptName}.ThrowIfCancellationRequested();" : StaticCheck);

    static StatementSyntax StackCheck() =>
        SyntaxFactory.ParseStatement("global::System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();");

    StatementSyntax[] FunctionChecks() => [StackCheck(), InterruptCheck()];

    /// <summary>Puts <paramref name="checks"/> first in <paramref name="body"/>, on the line of its opening brace.</summary>
    static BlockSyntax Prepend(BlockSyntax body, params StatementSyntax[] checks)
    {
        var open = body.OpenBraceToken;
        var spaced = checks.Select((c, i) => c.WithLeadingTrivia(SyntaxFactory.Space)
            .WithTrailingTrivia(i == checks.Length - 1 ? open.TrailingTrivia : SyntaxFactory.TriviaList())).ToArray();
        return body.WithOpenBraceToken(open.WithTrailingTrivia()).WithStatements(body.Statements.InsertRange(0, spaced));
    }

    /// <summary>
    /// <c>=&gt; E;</c> as <c>{ checks; return E; }</c> (or <c>{ checks; E; }</c> for void, <c>{ checks; throw X; }</c> for
    /// <c>=&gt; throw X;</c>), so recursive one-liners get the
    /// stack check too. The arrow becomes the opening brace and the semicolon the closing one: no new lines.
    /// </summary>
    static BlockSyntax BlockFromArrow(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon, bool returnsNothing, StatementSyntax[] checks)
    {
        var expression = arrow.Expression;
        StatementSyntax statement = expression is ThrowExpressionSyntax thrown   // `=> throw E;` becomes `throw E;` (`return throw` is CS8115)
            ? SyntaxFactory.ThrowStatement(thrown.ThrowKeyword.WithLeadingTrivia(SyntaxFactory.Space), thrown.Expression, SyntaxFactory.Token(SyntaxKind.SemicolonToken))
            : returnsNothing
            ? SyntaxFactory.ExpressionStatement(expression, SyntaxFactory.Token(SyntaxKind.SemicolonToken))
            : SyntaxFactory.ReturnStatement(
                SyntaxFactory.Token(SyntaxKind.ReturnKeyword).WithLeadingTrivia(SyntaxFactory.Space),
                expression.WithLeadingTrivia(expression.GetLeadingTrivia().Insert(0, SyntaxFactory.Space)),
                SyntaxFactory.Token(SyntaxKind.SemicolonToken));
        var open = SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia);
        var close = SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space)
            .WithTrailingTrivia(semicolon.TrailingTrivia);
        var statements = checks.Select(c => c.WithLeadingTrivia(SyntaxFactory.Space)).Append(statement);
        return SyntaxFactory.Block(open, SyntaxFactory.List(statements), close);
    }

    /// <summary>void, or async Task / ValueTask: the expression body is a statement, not a returned value.</summary>
    static bool ReturnsNothing(TypeSyntax returnType, SyntaxTokenList modifiers) =>
        returnType is PredefinedTypeSyntax p && p.Keyword.IsKind(SyntaxKind.VoidKeyword)
        || modifiers.Any(SyntaxKind.AsyncKeyword) && (returnType is IdentifierNameSyntax { Identifier.ValueText: "Task" or "ValueTask" }
                                                     || returnType is QualifiedNameSyntax { Right: IdentifierNameSyntax { Identifier.ValueText: "Task" or "ValueTask" } });

    /// <summary>A loop's body: a block gets the checks first; a single statement is wrapped in a block without new lines.</summary>
    static StatementSyntax Prepend(StatementSyntax body, params StatementSyntax[] checks)
    {
        if (body is BlockSyntax block) return Prepend(block, checks);
        var open = SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(body.GetLeadingTrivia());
        var close = SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(body.GetTrailingTrivia());
        var inner = body.WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia();
        var statements = checks.Select(c => c.WithLeadingTrivia(SyntaxFactory.Space)).Append(inner);
        return SyntaxFactory.Block(open, SyntaxFactory.List(statements), close);
    }
}
