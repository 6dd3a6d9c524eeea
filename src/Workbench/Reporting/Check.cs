using System.Globalization;

namespace Workbench.Reporting;

/// <summary>
/// Asserts an identity a notebook prints (conservation Σᵢ Rᵢ = f_c, Prop. 1 decisions, Thm 1 gaps…): shows the
/// measured value beside its tolerance and throws <see cref="IdentityCheckFailedException"/> when it is outside, so
/// the notebook, <c>workbench run</c> and the notebook tests all fail on a broken identity.
/// </summary>
public static class Check
{
    /// <summary>|<paramref name="value"/> − <paramref name="expected"/>| ≤ <paramref name="tolerance"/> (NaN fails).</summary>
    public static CheckResult Near(double value, double expected, double tolerance, string identity)
    {
        if (!(tolerance >= 0)) throw new ArgumentException($"tolerance must be ≥ 0; got {tolerance}.", nameof(tolerance));
        double gap = Math.Abs(value - expected);
        return Verdict(identity, gap <= tolerance,
            $"{Fmt(value)} (expected {Fmt(expected)} ± {Fmt(tolerance)}, off by {Fmt(gap)})");
    }

    /// <summary><paramref name="value"/> ≤ <paramref name="bound"/>, e.g. a largest error (NaN fails).</summary>
    public static CheckResult AtMost(double value, double bound, string identity)
        => Verdict(identity, value <= bound, $"{Fmt(value)} (≤ {Fmt(bound)})");

    /// <summary>An exact count, e.g. 0 decisions that differ.</summary>
    public static CheckResult Equal(long value, long expected, string identity)
        => Verdict(identity, value == expected, $"{value} (expected {expected})");

    /// <summary>A yes/no identity, e.g. "network assignment = k-means labels".</summary>
    public static CheckResult True(bool condition, string identity)
        => Verdict(identity, condition, condition ? "true" : "false (expected true)");

    static CheckResult Verdict(string identity, bool passed, string detail)
    {
        var result = new CheckResult(identity, passed, detail);
        if (!passed) throw new IdentityCheckFailedException(result);
        return result;
    }

    static string Fmt(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}

/// <summary>The outcome of one <see cref="Check"/>: shown in a notebook as one line.</summary>
/// <param name="Identity">what was checked, e.g. "Σ R = f_c"</param>
/// <param name="Passed">whether it held within its tolerance</param>
/// <param name="Detail">the measured value and the tolerance</param>
public sealed record CheckResult(string Identity, bool Passed, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Passed ? "✓" : "✗")} {Identity}: {Detail}";
}

/// <summary>Thrown when an identity a notebook asserts does not hold.</summary>
public sealed class IdentityCheckFailedException : Exception
{
    /// <summary>Wraps the failed <paramref name="result"/>.</summary>
    public IdentityCheckFailedException(CheckResult result) : base($"identity check failed: {result}") => Result = result;

    /// <summary>The failed check.</summary>
    public CheckResult Result { get; }
}
