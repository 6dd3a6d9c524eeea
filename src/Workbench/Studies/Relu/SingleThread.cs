using TorchSharp;

namespace Workbench.Studies.Relu;

/// <summary>
/// Runs the studies' training on one torch thread. Their networks (7-3-2-1, 10-4-2-1) on batches of 32–100 samples gain
/// nothing from intra-op threads, and on a machine shared with other processes the threads' waiting costs far more CPU
/// than the work. The previous thread count is restored afterwards; concurrent calls are serialised so the restore is
/// not interleaved. Results do not depend on it (tensors this small are never split across threads).
/// </summary>
static class SingleThread
{
    static readonly object Gate = new();

    public static T Run<T>(Func<T> work)
    {
        lock (Gate)
        {
            int before = torch.get_num_threads();
            torch.set_num_threads(1);
            try { return work(); }
            finally { torch.set_num_threads(before); }
        }
    }
}
