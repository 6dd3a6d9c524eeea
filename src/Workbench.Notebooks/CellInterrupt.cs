namespace Workbench.Notebooks;

/// <summary>
/// The interrupt check for code that cannot see the script's <c>Interrupt</c> global: methods, accessors and
/// constructors of types declared in a cell, and static local functions and lambdas. <see cref="CancellationRewriter"/>
/// inserts <c>global::Workbench.Notebooks.CellInterrupt.Check();</c> there. The running cell's token flows to that
/// code through an <see cref="AsyncLocal{T}"/> (so also into tasks and <c>Parallel.For</c> bodies the cell starts), and
/// the fast path is one volatile read while no interrupt is pending anywhere in the process.
/// </summary>
public static class CellInterrupt
{
    static readonly AsyncLocal<CancellationToken> Current = new();
    static int _pending;   // cells in this process whose token is cancelled and which are still running

    /// <summary>Throws <see cref="OperationCanceledException"/> when the cell this code runs for was interrupted.</summary>
    public static void Check()
    {
        if (Volatile.Read(ref _pending) != 0) Current.Value.ThrowIfCancellationRequested();
    }

    /// <summary>Makes <paramref name="token"/> the running cell's token for this thread and what it starts; dispose when the cell ends.</summary>
    internal static IDisposable Enter(CancellationToken token)
    {
        Current.Value = token;
        return new Scope(token);
    }

    sealed class Scope : IDisposable
    {
        readonly CancellationTokenRegistration _registration;
        int _state;   // 0 running, 1 counted as pending, 2 ended

        public Scope(CancellationToken token) =>
            _registration = token.Register(() => { if (Interlocked.CompareExchange(ref _state, 1, 0) == 0) Interlocked.Increment(ref _pending); });

        public void Dispose()
        {
            _registration.Dispose();   // waits for a callback that is running
            if (Interlocked.Exchange(ref _state, 2) == 1) Interlocked.Decrement(ref _pending);
            Current.Value = default;
        }
    }
}
