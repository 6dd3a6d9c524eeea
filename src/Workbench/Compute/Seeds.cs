using TorchSharp;

namespace Workbench.Compute;

/// <summary>Explicit seeding: every random method takes a seed and draws from its own generator.</summary>
public static class Seeds
{
    /// <summary>A torch generator on the CPU seeded with <paramref name="seed"/> (CPU draws are the same on every machine).</summary>
    public static torch.Generator Generator(long seed) => new torch.Generator((ulong)seed);

    /// <summary>Seeds torch's global generator and returns <paramref name="seed"/>; for code that cannot take a generator.</summary>
    public static long Manual(long seed) { torch.manual_seed(seed); return seed; }
}
