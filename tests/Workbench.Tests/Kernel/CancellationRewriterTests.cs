using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workbench.Notebooks;

namespace Workbench.Tests.Kernel;

[Collection("notebooks")]
public class CancellationRewriterTests
{
    const string Check = "Interrupt.ThrowIfCancellationRequested();";
    const string StackCheck = "EnsureSufficientExecutionStack();";
    const string StaticCheck = CancellationRewriter.StaticCheck;

    static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    static void AssertParses(string code) =>
        Assert.DoesNotContain(CSharpSyntaxTree.ParseText(code, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script)).GetDiagnostics(),
            d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Every original line's text is still on the same line: inserted checks never add lines.</summary>
    static void AssertLinesKept(string original, string rewritten)
    {
        var a = original.Split('\n');
        var b = rewritten.Split('\n');
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
            foreach (var word in a[i].Split([' ', '{', '}', ';'], StringSplitOptions.RemoveEmptyEntries).Where(w => w != "=>"))   // arrows become braces
                Assert.Contains(word, b[i]);
    }

    [Fact]
    public void EveryLoopBodyStartsWithTheInterruptCheckOnTheSameLines()
    {
        var code = "var s = 0;\nfor (int i = 0; i < 3; i++) s += i;\nforeach (var x in new[] { 1 })\n{\n    s += x;\n}\n" +
                   "while (s < 10) s++;\ndo { s--; } while (s > 5);\nforeach (var (a, b) in new[] { (1, 2) }) s += a + b;\ns";
        var rewritten = CancellationRewriter.Rewrite(code);
        Assert.Equal(5, Count(rewritten, Check));
        Assert.Equal(0, Count(rewritten, StackCheck));
        AssertParses(rewritten);
        AssertLinesKept(code, rewritten);
    }

    [Fact]
    public void AnArrowBodyThatThrowsBecomesAThrowStatement()
    {
        // `=> throw …` is an expression body but not a value: `return throw …;` would not compile (CS8115).
        var code = "class T\n{\n    public int Get() => throw new System.NotSupportedException();\n    public void Run() => throw new System.InvalidOperationException(\"no\");\n}\nint Local() => throw new System.Exception();";
        var rewritten = CancellationRewriter.Rewrite(code);
        Assert.DoesNotContain("return throw", rewritten);
        Assert.Equal(3, Count(rewritten, StackCheck));
        Assert.Contains("throw new System.NotSupportedException();", rewritten);
        Assert.Contains("throw new System.InvalidOperationException(\"no\");", rewritten);
        AssertParses(rewritten);
        AssertLinesKept(code, rewritten);
        var script = Microsoft.CodeAnalysis.CSharp.Scripting.CSharpScript.Create(rewritten.Replace(StaticCheck, "").Replace(Check, ""));
        Assert.DoesNotContain(script.Compile(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void FunctionsOfEveryMemberKindGetStackAndInterruptChecks()
    {
        var code = "int Twice(int n) { return 2 * n; }\nint Down(int n) => n == 0 ? 0 : Down(n - 1);\nvoid Say(string s) => Console.WriteLine(s);\n" +
                   "Func<int, int> f = n => { return n; };\nstatic int Pure(int n) { while (n > 0) n--; return n; }\n" +
                   "class Counter { public int Run() { int k = 0; while (k < 3) k++; return k; } }\n" +
                   "class Props { int _v; public int P => P + 1; public int Q { get => _v; set => _v = value; } public int this[int i] => i; public Props() => _v = 1; }\n" +
                   "Func<int, int> g = n => g(n + 1) + 1;\nAction a = () => Console.WriteLine(1);";
        var rewritten = CancellationRewriter.Rewrite(code);
        AssertParses(rewritten);
        AssertLinesKept(code, rewritten);
        var lines = rewritten.Split('\n');
        Assert.Contains(Check, lines[0]); Assert.Contains(StackCheck, lines[0]);
        Assert.Contains("return n == 0 ? 0 : Down(n - 1);", lines[1]);
        Assert.Contains(StackCheck, lines[1]);
        Assert.Contains("Console.WriteLine(s);", lines[2]);
        Assert.DoesNotContain("return Console", lines[2]);
        Assert.Contains(Check, lines[3]);
        // static functions and members of types cannot see the Interrupt global: they call CellInterrupt.Check()
        Assert.Equal(2, Count(lines[4], StaticCheck)); Assert.Contains(StackCheck, lines[4]); Assert.DoesNotContain(Check, lines[4]);
        Assert.Equal(2, Count(lines[5], StaticCheck)); Assert.Contains(StackCheck, lines[5]);
        // expression-bodied property, accessors, indexer and constructor: block bodies with both checks
        Assert.Equal(5, Count(lines[6], StackCheck)); Assert.Equal(5, Count(lines[6], StaticCheck));
        Assert.Contains("get { ", lines[6]); Assert.Contains("return P + 1;", lines[6]); Assert.Contains("_v = value;", lines[6]);
        // expression-bodied lambdas: `return E;` (the cautious rewrite leaves them alone)
        Assert.Contains(StackCheck, lines[7]); Assert.Contains("return g(n + 1) + 1;", lines[7]);
        Assert.Contains("return Console.WriteLine(1);", lines[8]);
        var cautious = CancellationRewriter.RewriteCautiously(code).Split('\n');
        Assert.DoesNotContain(StackCheck, cautious[7]); Assert.DoesNotContain(StackCheck, cautious[8]);
        Assert.Contains(StackCheck, cautious[6]);
    }

    [Fact]
    public void CodeThatDoesNotParseIsLeftAsIs()
    {
        const string broken = "for (int i = 0; i < 3; i++ {\n  x(";
        Assert.Same(broken, CancellationRewriter.Rewrite(broken));
    }

    sealed class Sink(Action? onStream = null) : IOutputSink
    {
        public void Stream(string name, string text) => onStream?.Invoke();
        public void Display(MimeBundle bundle, string displayId) { }
        public void UpdateDisplay(MimeBundle bundle, string displayId) { }
    }

    static NotebookSession Session() => new(new NotebookSessionOptions { RewriteCode = CancellationRewriter.Rewrite });

    [Fact]
    public async Task InterruptStopsAnEndlessLoopAndTheSessionGoesOn()
    {
        using var s = Session();
        using var cts = new CancellationTokenSource();
        // Interrupt once the cell is surely running (not still compiling): when it prints.
        var sink = new Sink(onStream: () => cts.CancelAfter(200));
        var r = await s.ExecuteAsync("long spins = 0;\nvoid Spin() { for (;;) spins++; }\nConsole.WriteLine(\"spinning\");\nSpin();", sink, cts.Token)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(r.Succeeded);
        Assert.Contains("Canceled", r.Error!.Name);
        var after = await s.ExecuteAsync("spins > 0", sink);
        Assert.True(after.Succeeded, after.Error?.Message);
        Assert.Equal("True", after.Value!.PlainText);
    }

    static NotebookSession KernelLikeSession(int stackSize = 64 << 20) => new(new NotebookSessionOptions
    {
        RewriteCode = CancellationRewriter.Rewrite, RewriteFallback = CancellationRewriter.RewriteCautiously, StackSize = stackSize,
    });

    [Theory]
    [InlineData("class Spinner { public static long Run() { long i = 0; while (true) { i++; } } }\nConsole.WriteLine(\"go\");\nSpinner.Run()")]
    [InlineData("static long Spin() { long i = 0; while (true) i++; }\nConsole.WriteLine(\"go\");\nSpin()")]
    [InlineData("class Ctor { public long N; public Ctor() { while (true) N++; } }\nConsole.WriteLine(\"go\");\nnew Ctor().N")]
    [InlineData("class Prop { public long N { get { long i = 0; for (;;) i++; } } }\nConsole.WriteLine(\"go\");\nnew Prop().N")]
    [InlineData("Func<long> f = static () => { long i = 0; while (true) i++; };\nConsole.WriteLine(\"go\");\nf()")]
    [InlineData("Console.WriteLine(\"go\");\nSystem.Threading.Thread.Sleep(60000);\n\"woke\"")]
    [InlineData("Console.WriteLine(\"go\");\nTask.Delay(60000).Wait();\n\"woke\"")]
    public async Task InterruptStopsLoopsInEveryMemberKindAndBlockedWaits(string code)
    {
        using var s = KernelLikeSession();
        using var cts = new CancellationTokenSource();
        var sink = new Sink(onStream: () => cts.CancelAfter(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = await s.ExecuteAsync(code, sink, cts.Token).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(r.Succeeded);
        Assert.True(r.Error!.Name is "OperationCanceledException" or "ThreadInterruptedException", r.Error.Name + ": " + r.Error.Message);
        Assert.StartsWith("The cell was interrupted", r.Error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        var next = await s.ExecuteAsync("System.Threading.Thread.Sleep(10);\n6 * 7", sink);
        Assert.True(next.Succeeded, next.Error?.Message);   // no interrupt left over for the next cell
        Assert.Equal("42", next.Value!.PlainText);
    }

    [Fact]
    public async Task ACellInterruptedInsideAnUncheckedCallEndsAsInterruptedNeverOk()
    {
        // A long library call that never checks or waits (as a native TorchSharp op): it runs to its end, then the
        // cell must still end in an error.
        using var s = KernelLikeSession();
        using var cts = new CancellationTokenSource();
        var sink = new Sink(onStream: () => cts.CancelAfter(100));
        var r = await s.ExecuteAsync("Console.WriteLine(\"go\");\nEnumerable.Repeat(1L, 600_000_000).Sum()", sink, cts.Token).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.False(r.Succeeded);
        Assert.Equal("Interrupted", r.Error!.Name);
        Assert.Null(r.Value);
        Assert.Contains("cannot be stopped midway", r.Error.Message);
    }

    [Theory]
    [InlineData("class R { public int P => P + 1; }\nnew R().P")]
    [InlineData("class R { public int this[int i] => this[i + 1]; }\nnew R()[0]")]
    [InlineData("Func<int, int> f = null!;\nf = n => f(n + 1) + 1;\nf(0)")]
    [InlineData("class R { int _v; public int Q { get => Q; set => _v = value; } }\nnew R().Q")]
    public async Task RecursionThroughPropertiesIndexersAndLambdasIsACellError(string code)
    {
        using var s = KernelLikeSession(stackSize: 1 << 20);
        var r = await s.ExecuteAsync(code, new Sink()).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(r.Succeeded);
        Assert.Equal("InsufficientExecutionStackException", r.Error!.Name);
    }

    [Fact]
    public async Task LambdasThatReturnNothingOrBuildExpressionTreesStillCompile()
    {
        // `() => Console.WriteLine(…)` is void and `Expression<…>` cannot have a block body: the session falls back
        // to the cautious rewrite for such cells.
        using var s = KernelLikeSession();
        var r = await s.ExecuteAsync("Action a = () => Console.WriteLine(\"hi\");\na();\n" +
                                     "System.Linq.Expressions.Expression<Func<int, int>> e = x => x + 1;\ne.Compile()(41)", new Sink());
        Assert.True(r.Succeeded, r.Error?.Message);
        Assert.Equal("42", r.Value!.PlainText);
    }

    [Fact]
    public async Task RunawayRecursionIsACellErrorNotACrash()
    {
        // A 1 MiB cell thread (the kernel's is 64 MiB) keeps the test fast: the stack trace of the error has one frame per call.
        using var s = new NotebookSession(new NotebookSessionOptions { RewriteCode = CancellationRewriter.Rewrite, StackSize = 1 << 20 });
        var sink = new Sink();
        var r = await s.ExecuteAsync("int Depth(int n) => n == 0 ? 0 : 1 + Depth(n - 1);\nDepth(int.MaxValue)", sink).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(r.Succeeded);
        Assert.Equal("InsufficientExecutionStackException", r.Error!.Name);
        var ok = await s.ExecuteAsync("Depth(1000)", sink);
        Assert.Equal("1000", ok.Value!.PlainText);
    }

    [Fact]
    public async Task RewrittenCellsKeepTheirErrorLinesAndRunTypesAndAsyncFunctions()
    {
        using var s = Session();
        var sink = new Sink();
        var r = await s.ExecuteAsync("class Box { public int Get() { int k = 0; while (k < 3) k++; return k; } }\n" +
                                     "async Task Wait() => await Task.Delay(1);\nawait Wait();\nnew Box().Get()", sink);
        Assert.True(r.Succeeded, r.Error?.Message);
        Assert.Equal("3", r.Value!.PlainText);
        var e = await s.ExecuteAsync("for (int k = 0; k < 2; k++)\n{\n    var z = 1 / (k - k);\n}", sink);
        Assert.Equal("DivideByZeroException", e.Error!.Name);
        Assert.Equal(3, e.Error.Line);
        Assert.Equal("    var z = 1 / (k - k);", e.Error.LineText);
    }
}
