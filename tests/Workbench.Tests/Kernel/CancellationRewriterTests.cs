using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workbench.Notebooks;

namespace Workbench.Tests.Kernel;

[Collection("notebooks")]
public class CancellationRewriterTests
{
    const string Check = "Interrupt.ThrowIfCancellationRequested();";
    const string StackCheck = "EnsureSufficientExecutionStack();";

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
        var script = Microsoft.CodeAnalysis.CSharp.Scripting.CSharpScript.Create(rewritten.Replace("Interrupt.ThrowIfCancellationRequested();", ""));
        Assert.DoesNotContain(script.Compile(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void FunctionsGetStackAndInterruptChecksTypesAndStaticFunctionsOnlyTheStackCheck()
    {
        var code = "int Twice(int n) { return 2 * n; }\nint Down(int n) => n == 0 ? 0 : Down(n - 1);\nvoid Say(string s) => Console.WriteLine(s);\n" +
                   "Func<int, int> f = n => { return n; };\nstatic int Pure(int n) { while (n > 0) n--; return n; }\n" +
                   "class Counter { public int Run() { int k = 0; while (k < 3) k++; return k; } }";
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
        Assert.Contains(StackCheck, lines[4]); Assert.DoesNotContain(Check, lines[4]);   // static: cannot see the Interrupt global
        Assert.Contains(StackCheck, lines[5]); Assert.DoesNotContain(Check, lines[5]);   // nested type: same
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
