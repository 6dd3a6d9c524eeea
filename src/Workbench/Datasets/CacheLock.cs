using System.Collections.Concurrent;
using System.Diagnostics;

namespace Workbench.Datasets;

/// <summary>
/// One writer per dataset at a time, across threads and processes: an in-process semaphore per cache folder and id,
/// then an exclusive lock on <c>&lt;cache&gt;/.locks/&lt;id&gt;.lock</c> (an OS file lock, released by the OS when the
/// process dies, so a crashed fetch never blocks the next one). Whoever waits re-checks the cache afterwards and reuses
/// what the first one fetched.
/// </summary>
internal static class CacheLock
{
    static readonly ConcurrentDictionary<string, SemaphoreSlim> InProcess = new(StringComparer.Ordinal);

    /// <summary>Blocks until this caller holds the lock of <paramref name="id"/>; <paramref name="onWait"/> is called once
    /// if someone else holds it. Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static IDisposable Acquire(string id, TimeSpan timeout, Action? onWait = null)
    {
        var dir = Path.Combine(DatasetCache.Root, ".locks");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, id + ".lock");
        var clock = Stopwatch.StartNew();
        var gate = InProcess.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        bool told = false;
        if (!gate.Wait(0))
        {
            onWait?.Invoke(); told = true;
            if (!gate.Wait(timeout)) throw Timeout(id, path, timeout);
        }
        try
        {
            while (true)
            {
                try
                {
                    // FileShare.None takes an exclusive OS lock (flock on Unix): another process opening it fails here.
                    var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new Held(stream, gate);
                }
                catch (IOException) when (clock.Elapsed < timeout)
                {
                    if (!told) { onWait?.Invoke(); told = true; }
                    Thread.Sleep(200);
                }
                catch (IOException) { throw Timeout(id, path, timeout); }
            }
        }
        catch { gate.Release(); throw; }
    }

    static TimeoutException Timeout(string id, string path, TimeSpan timeout) => new(
        $"Dataset '{id}': another fetch has held {path} for more than {timeout.TotalMinutes:0} min. " +
        "If no other workbench process is running, delete that file and try again.");

    sealed class Held(FileStream stream, SemaphoreSlim gate) : IDisposable
    {
        int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            stream.Dispose();
            gate.Release();
        }
    }
}
