namespace Workbench.Compute;

/// <summary>How much work a notebook does: <see cref="Quick"/> for tests and CI, <see cref="Full"/> for the paper-scale run.</summary>
public enum RunProfile
{
    /// <summary>Small sizes: a notebook runs in about a minute on two CPU cores.</summary>
    Quick,
    /// <summary>The paper's sizes.</summary>
    Full,
}

/// <summary>
/// The profile a notebook runs in. <c>workbench run --profile</c> and the kernel set it; otherwise the
/// environment variable <c>WORKBENCH_PROFILE</c> (quick|full) decides, and the default is <see cref="RunProfile.Quick"/>.
/// </summary>
public static class Profile
{
    static RunProfile? _current;

    /// <summary>The profile in force; setting it overrides <c>WORKBENCH_PROFILE</c> for the rest of the process.</summary>
    public static RunProfile Current
    {
        get => _current ??= Parse(Environment.GetEnvironmentVariable("WORKBENCH_PROFILE") ?? "quick");
        set => _current = value;
    }

    /// <summary>Whether <see cref="Current"/> is <see cref="RunProfile.Quick"/>.</summary>
    public static bool IsQuick => Current == RunProfile.Quick;
    /// <summary>Whether <see cref="Current"/> is <see cref="RunProfile.Full"/>.</summary>
    public static bool IsFull => Current == RunProfile.Full;

    /// <summary>Picks a size by profile, e.g. <c>Profile.Pick(quick: 2, full: 100)</c> epochs.</summary>
    public static T Pick<T>(T quick, T full) => Current == RunProfile.Full ? full : quick;

    /// <summary>Parses <c>quick</c> or <c>full</c> (case-insensitive); anything else throws, naming the two choices.</summary>
    public static RunProfile Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "quick" => RunProfile.Quick,
        "full" => RunProfile.Full,
        _ => throw new ArgumentException($"Unknown profile '{text}': use 'quick' (tests, CI) or 'full' (paper scale)."),
    };
}
