using System.Diagnostics;

namespace Workbench.Reporting;

/// <summary>What a progress bar draws on: a live bar in Jupyter (set by the kernel), text lines in <c>workbench run</c>.</summary>
public interface IProgressView
{
    /// <summary>Shows <paramref name="done"/> of <paramref name="total"/> steps, with an optional status (loss, accuracy…).</summary>
    void Update(long done, long total, string title, string? status, TimeSpan elapsed, bool finished);
}

/// <summary>Progress settings that a host keeps across the units of work it runs (e.g. a notebook session across its cells).</summary>
public sealed class ProgressSettings
{
    /// <summary>Whether bars draw; null = not set (bars draw).</summary>
    public bool? Enabled { get; set; }
}

/// <summary>
/// Progress of a long loop (training epochs, restarts, downloads):
/// <code>using var bar = Progress.Start("k-means restarts", nInit); … bar.Report(i + 1, $"inertia {inertia:F3}");</code>
/// </summary>
public static class Progress
{
    static readonly AsyncLocal<Func<IProgressView>?> LocalFactory = new();

    /// <summary>
    /// Creates the view each new bar draws on; the default writes text lines to the console. The notebook host sets it
    /// for the cell it runs. The setting flows with the current thread and its tasks (AsyncLocal), so concurrent hosts
    /// and tests don't see each other's views.
    /// </summary>
    public static Func<IProgressView> ViewFactory
    {
        get => LocalFactory.Value ?? (() => new TextProgressView(Console.Out));
        set => LocalFactory.Value = value;
    }

    static readonly AsyncLocal<bool?> LocalEnabled = new();
    static readonly AsyncLocal<ProgressSettings?> LocalSettings = new();

    /// <summary>
    /// When false, bars draw nothing (batch jobs). Flows with the current thread and its tasks, like <see cref="ViewFactory"/>;
    /// under a host that called <see cref="UseSettings"/> (the notebook session, whose cells each run in their own
    /// execution context) it is kept in the host's settings, so <c>Progress.Enabled = false</c> in one cell holds for the next.
    /// </summary>
    public static bool Enabled
    {
        get => LocalSettings.Value?.Enabled ?? LocalEnabled.Value ?? true;
        set { if (LocalSettings.Value is { } s) s.Enabled = value; else LocalEnabled.Value = value; }
    }

    /// <summary>Makes <paramref name="settings"/> the store of <see cref="Enabled"/> for this thread and its tasks (a host calls it before each cell).</summary>
    public static void UseSettings(ProgressSettings settings) => LocalSettings.Value = settings ?? throw new ArgumentNullException(nameof(settings));

    /// <summary>Starts a bar of <paramref name="total"/> steps titled <paramref name="title"/>; dispose it when the loop ends.</summary>
    public static ProgressBar Start(string title, long total) => new(title, total, Enabled ? ViewFactory() : null);

    /// <summary>Enumerates <paramref name="items"/> and reports each step.</summary>
    public static IEnumerable<T> Over<T>(IReadOnlyCollection<T> items, string title)
    {
        using var bar = Start(title, items.Count);
        long i = 0;
        foreach (var item in items)
        {
            yield return item;
            bar.Report(++i);
        }
    }
}

/// <summary>One running progress bar; dispose (or <see cref="Finish"/>) to draw its final state.</summary>
public sealed class ProgressBar : IDisposable
{
    readonly IProgressView? _view;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    bool _finished;

    internal ProgressBar(string title, long total, IProgressView? view)
    {
        Title = title; Total = total; _view = view;
        _view?.Update(0, total, title, null, TimeSpan.Zero, false);
    }

    /// <summary>What the loop does (e.g. <c>k-means restarts</c>).</summary>
    public string Title { get; }
    /// <summary>Number of steps the loop has.</summary>
    public long Total { get; }
    /// <summary>Steps done so far (the last value reported).</summary>
    public long Done { get; private set; }
    /// <summary>The last status text reported (loss, inertia…), or null.</summary>
    public string? Status { get; private set; }

    /// <summary>Records that <paramref name="done"/> steps are done; a null <paramref name="status"/> keeps the previous one.</summary>
    public void Report(long done, string? status = null)
    {
        Done = done; Status = status ?? Status;
        _view?.Update(done, Total, Title, Status, _clock.Elapsed, false);
    }

    /// <summary>Draws the final state once (later calls do nothing); a null <paramref name="status"/> keeps the previous one.</summary>
    public void Finish(string? status = null)
    {
        if (_finished) return;
        _finished = true;
        Status = status ?? Status;
        _view?.Update(Done, Total, Title, Status, _clock.Elapsed, true);
    }

    /// <summary>Same as <see cref="Finish"/> without a new status.</summary>
    public void Dispose() => Finish();
}

/// <summary>Text progress: a line at the start, about every tenth of the work (at most every 2 s), and at the end.</summary>
public sealed class TextProgressView(TextWriter writer) : IProgressView
{
    long _lastDecile = -1;
    TimeSpan _lastWrite = TimeSpan.FromSeconds(-10);

    /// <inheritdoc/>
    public void Update(long done, long total, string title, string? status, TimeSpan elapsed, bool finished)
    {
        long decile = total > 0 ? done * 10 / total : 0;
        if (!finished && done != 0 && (decile == _lastDecile || elapsed - _lastWrite < TimeSpan.FromSeconds(2))) return;
        _lastDecile = decile; _lastWrite = elapsed;
        writer.WriteLine(ProgressText.Line(done, total, title, status, elapsed, finished));
        writer.Flush();
    }
}

/// <summary>The one-line text form of a bar, shared by the text view and the notebook host.</summary>
public static class ProgressText
{
    /// <summary><c>title [####......] done/total 12.3s  status  done</c>: a 20-character bar, elapsed seconds, the status
    /// if any, and <c>done</c> when finished.</summary>
    public static string Line(long done, long total, string title, string? status, TimeSpan elapsed, bool finished)
    {
        const int width = 20;
        int filled = total > 0 ? (int)Math.Clamp(done * width / total, 0, width) : 0;
        string bar = new string('#', filled) + new string('.', width - filled);
        string s = $"{title} [{bar}] {done}/{total} {elapsed.TotalSeconds:F1}s";
        if (!string.IsNullOrEmpty(status)) s += "  " + status;
        if (finished) s += "  done";
        return s;
    }
}
