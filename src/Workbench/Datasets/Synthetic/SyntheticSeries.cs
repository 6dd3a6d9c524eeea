using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Datasets.Synthetic;

/// <summary>
/// Generators of the UCR time-series sets Grad-CeAM uses or substitutes (digest §4), seeded and z-normalised per
/// series (mean 0, population s.d. 1, as the UCR files). Classes are balanced (label i % K) and shuffled.
/// <code>var cbf = SyntheticSeries.Generate("cbf", nTrain: 30, nTest: 900, seed: 0);</code>
/// The real UCR 2018 files (for users with the internet; not reachable from CI) are <c>archives/UCRArchive_2018/&lt;D&gt;/</c> of
/// the authors' repository blafabregue/gradCeAM, npy v1 &lt;f8, with SHA-256:
/// CBF x_train 8c0860f4d08db39d90766272a2c7fa30fb99a0785c585b1a1206e67b308a2ad8, x_test 7ba7c7480b08365da5429f7b2c217f51bf3f699561ee4a2cb3ce4d028e744717,
/// y_train 8dda804aa99f0d2fa368227bc38bd7674272634d3023efa95a427844ed8806df, y_test 9b490deb25d29a8e2499a6b73d54f280d8c90a7ad9e6d6b67195484ce8fc27d1;
/// Coffee x_train 9d3314f9b02bd701a65711b62f274344e1785510c40cc5c5eb12a4fbe5f7ed1c, x_test a341cb256d03765d8a0affbd00ae1e629c612c79434a17759dfcf9c6e2d866df,
/// y_train 6370858bb92bb551385f4fe8f475d14ef6350c79af4e28bbe24151cbb3dba8e7, y_test 212ee8b9076e4238c90c5b0ee8eef4a6c3de93566d5b244190666659ae40d83a;
/// Trace x_train 933450cff0ffbae1696e63542b939cf7cc1998687b1210bc00c81354d6cb2248, x_test 12385b50c383633ab864053d3e68e2123d48955fddbefee70fc04bd897cd59d4,
/// y_train 376374a0b1d1db1e708e06c3f701ecb7801892a54c33f6d9835d15518422301e, y_test 906fd8183217062b7899c6167e99af331f5d561018a7ccbb42819b1d4ae55016.
/// </summary>
public static class SyntheticSeries
{
    /// <summary>The generator ids.</summary>
    public static readonly string[] Ids = ["cbf", "synthetic-control", "two-patterns"];

    /// <summary>Generates <paramref name="id"/> (one of <see cref="Ids"/>) with its default class set.</summary>
    public static SeriesSplit Generate(string id, int nTrain, int nTest, long seed = 0) => id switch
    {
        "cbf" => Cbf(nTrain, nTest, seed),
        "synthetic-control" => SyntheticControl(nTrain, nTest, seed: seed),
        "two-patterns" => TwoPatterns(nTrain, nTest, seed),
        _ => throw new ArgumentException($"Unknown series generator '{id}'; use one of {string.Join(", ", Ids)}."),
    };

    static void CheckSizes(int nTrain, int nTest, int k)
    {
        if (nTrain < 1 || nTest < 1) throw new ArgumentException($"nTrain and nTest must be ≥ 1; got {nTrain}, {nTest}.");
        _ = k;
    }

    /// <summary>Balanced shuffled labels: i % K, permuted.</summary>
    static Tensor Labels(int n, int k, Generator g)
    {
        using var lab = arange(n, dtype: ScalarType.Int64).remainder(k);
        using var perm = randperm(n, generator: g);
        return lab.index_select(0, perm);
    }

    /// <summary>Z-normalises each row: (x − mean)/s.d. (population s.d.).</summary>
    public static Tensor ZNormalize(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mean = x.mean([1], keepdim: true);
        var sd = x.std(1, unbiased: false, keepdim: true);
        if (sd.le(0).any().item<bool>()) throw new ArgumentException("A constant series cannot be z-normalised.");
        return ((x - mean) / sd).MoveToOuterDisposeScope();
    }

    static SeriesSplit Split(string id, Func<int, Generator, (Tensor X, Tensor Y)> make, int nTrain, int nTest, long seed, string[] names)
    {
        var g = Seeds.Generator(seed);
        var (xtr, ytr) = make(nTrain, g);
        var (xte, yte) = make(nTest, g);
        return new SeriesSplit(id, xtr, ytr, xte, yte, names);
    }

    /// <summary>
    /// Cylinder-Bell-Funnel (Saito 1994), T = 128, t = 1..128, per series a ~ U{16..32}, b − a ~ U{32..96}, η ~ N(0,1),
    /// noise ε(t) ~ N(0,1) per point, χ = 1 on [a, b] (ends included):
    /// cylinder (6+η)χ + ε; bell (6+η)χ(t−a)/(b−a) + ε; funnel (6+η)χ(b−t)/(b−a) + ε. Labels 0, 1, 2 (UCR 1, 2, 3).
    /// Then z-normalised. UCR sizes are 30 / 900. When <paramref name="normalize"/> is false the raw series are returned;
    /// <paramref name="noise"/> scales ε (1 as defined; 0 exposes the class shapes, for checks).
    /// </summary>
    public static SeriesSplit Cbf(int nTrain = 30, int nTest = 900, long seed = 0, bool normalize = true, double noise = 1.0)
    {
        CheckSizes(nTrain, nTest, 3);
        return Split("cbf", (n, g) => CbfRaw(n, g, normalize, noise), nTrain, nTest, seed, ["cylinder", "bell", "funnel"]);
    }

    static (Tensor, Tensor) CbfRaw(int n, Generator g, bool normalize, double noise)
    {
        using var scope = NewDisposeScope();
        var y = Labels(n, 3, g);
        var a = randint(16, 33, [n, 1], generator: g, dtype: ScalarType.Float64);
        var b = a + randint(32, 97, [n, 1], generator: g, dtype: ScalarType.Float64);
        var eta = randn([n, 1], generator: g, dtype: ScalarType.Float64);
        var eps = randn([n, 128], generator: g, dtype: ScalarType.Float64);
        var t = arange(1, 129, dtype: ScalarType.Float64).unsqueeze(0);
        var chi = t.ge(a).logical_and(t.le(b)).to_type(ScalarType.Float64);
        var amp = (6 + eta) * chi;
        var yc = y.unsqueeze(1);
        var shape = where(yc.eq(0), ones_like(t), where(yc.eq(1), (t - a) / (b - a), (b - t) / (b - a)));
        var x = amp * shape + noise * eps;
        if (normalize) x = ZNormalize(x);
        return (x.to_type(ScalarType.Float32).MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>UCI Synthetic Control class names, in label order 0..5.</summary>
    public static readonly string[] SyntheticControlClasses = ["normal", "cyclic", "increasing trend", "decreasing trend", "upward shift", "downward shift"];

    /// <summary>
    /// Synthetic Control (Alcock &amp; Manolopoulos 1999, UCI layout), n = 60, t = 1..60, m = 30, s = 2, r(t) ~ U(−3, 3) per point:
    /// normal m + rs; cyclic + a·sin(2πt/T), a, T ~ U(10, 15); increasing/decreasing trend ± g·t, g ~ U(0.2, 0.5);
    /// upward/downward shift ± x·[t ≥ t₃], x ~ U(7.5, 20), t₃ ~ U(20, 40). Then z-normalised.
    /// <paramref name="classes"/> picks a subset (indices into <see cref="SyntheticControlClasses"/>), relabelled 0..K−1;
    /// the default is all six. The Coffee substitute is classes [2, 4] (increasing trend vs upward shift).
    /// </summary>
    public static SeriesSplit SyntheticControl(int nTrain = 300, int nTest = 300, int[]? classes = null, long seed = 0)
    {
        classes ??= [0, 1, 2, 3, 4, 5];
        if (classes.Length < 2 || classes.Any(c => c < 0 || c > 5) || classes.Distinct().Count() != classes.Length)
            throw new ArgumentException($"classes must be ≥ 2 distinct indices in 0..5 ({string.Join(", ", SyntheticControlClasses)}); got [{string.Join(", ", classes)}].");
        CheckSizes(nTrain, nTest, classes.Length);
        return Split("synthetic-control", (n, g) => SyntheticControlRaw(n, g, classes), nTrain, nTest, seed,
            classes.Select(c => SyntheticControlClasses[c]).ToArray());
    }

    static (Tensor, Tensor) SyntheticControlRaw(int n, Generator g, int[] classes)
    {
        using var scope = NewDisposeScope();
        var y = Labels(n, classes.Length, g);
        var cls = tensor(classes.Select(c => (long)c).ToArray()).index_select(0, y).unsqueeze(1); // original class 0..5
        var t = arange(1, 61, dtype: ScalarType.Float64).unsqueeze(0);
        Tensor U(double lo, double hi) => rand([n, 1], generator: g, dtype: ScalarType.Float64) * (hi - lo) + lo;
        var r = rand([n, 60], generator: g, dtype: ScalarType.Float64) * 6 - 3;
        var amp = U(10, 15); var period = U(10, 15); var slope = U(0.2, 0.5); var jump = U(7.5, 20); var t3 = U(20, 40);
        var baseSeries = 30 + 2 * r;
        var cyclic = amp * sin(2 * Math.PI * t / period);
        var trend = slope * t;
        var shift = jump * t.ge(t3).to_type(ScalarType.Float64);
        var zero = zeros_like(baseSeries);
        var extra = where(cls.eq(1), cyclic, where(cls.eq(2), trend, where(cls.eq(3), -trend, where(cls.eq(4), shift, where(cls.eq(5), -shift, zero)))));
        var x = ZNormalize(baseSeries + extra);
        return (x.to_type(ScalarType.Float32).MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>Smallest and largest half-length h of a Two Patterns step (each pattern lasts 2h steps); our choice (the UCR ranges are not documented).</summary>
    public const int TwoPatternsMinHalf = 8, TwoPatternsMaxHalf = 16;

    /// <summary>
    /// Two Patterns (Geurts 2001), T = 128, background N(0, 1) replaced by two non-overlapping noiseless steps, the first
    /// before the second: "up" = −5 for h steps then +5 for h steps, "down" = +5 then −5. Our choices (not verified
    /// against UCR): half-lengths h₁, h₂ ~ U{8..16} per pattern; first start p₁ ~ U{0..T − 2h₁ − 2h₂}, second start
    /// p₂ ~ U{p₁ + 2h₁..T − 2h₂}. Labels 0 down-down, 1 up-down, 2 down-up, 3 up-up (UCR 1..4). Then z-normalised.
    /// </summary>
    public static SeriesSplit TwoPatterns(int nTrain = 100, int nTest = 400, long seed = 0)
    {
        CheckSizes(nTrain, nTest, 4);
        return Split("two-patterns", TwoPatternsRaw, nTrain, nTest, seed, ["down-down", "up-down", "down-up", "up-up"]);
    }

    static (Tensor, Tensor) TwoPatternsRaw(int n, Generator g)
    {
        using var scope = NewDisposeScope();
        const int T = 128;
        var y = Labels(n, 4, g);
        var h1 = randint(TwoPatternsMinHalf, TwoPatternsMaxHalf + 1, [n, 1], generator: g, dtype: ScalarType.Float64);
        var h2 = randint(TwoPatternsMinHalf, TwoPatternsMaxHalf + 1, [n, 1], generator: g, dtype: ScalarType.Float64);
        // uniform integers in [lo, hi] per row: lo + ⌊u·(hi − lo + 1)⌋
        Tensor UInt(Tensor lo, Tensor hi) => lo + (rand([n, 1], generator: g, dtype: ScalarType.Float64) * (hi - lo + 1)).floor();
        var p1 = UInt(zeros_like(h1), T - 2 * h1 - 2 * h2);
        var p2 = UInt(p1 + 2 * h1, T - 2 * h2);
        var x = randn([n, T], generator: g, dtype: ScalarType.Float64);
        var t = arange(0, T, dtype: ScalarType.Float64).unsqueeze(0);
        var yc = y.unsqueeze(1);
        var firstUp = yc.eq(1).logical_or(yc.eq(3)).to_type(ScalarType.Float64) * 2 - 1;  // +1 up, −1 down
        var secondUp = yc.ge(2).to_type(ScalarType.Float64) * 2 - 1;
        Tensor Pattern(Tensor p, Tensor h, Tensor up) // up: −5 then +5; down: +5 then −5
            => where(t.ge(p).logical_and(t.lt(p + h)), -5 * up, 5 * up);
        var in1 = t.ge(p1).logical_and(t.lt(p1 + 2 * h1));
        var in2 = t.ge(p2).logical_and(t.lt(p2 + 2 * h2));
        x = where(in1, Pattern(p1, h1, firstUp), x);
        x = where(in2, Pattern(p2, h2, secondUp), x);
        x = ZNormalize(x);
        return (x.to_type(ScalarType.Float32).MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
