using Workbench.Datasets;
using static TorchSharp.torch;

namespace Workbench.Studies.Idc;

/// <summary>A gene-expression set of IDC Table 5 as rows: samples [N,D] z-scored per gene, labels, class names and counts,
/// the gene names [D], the number of imputed values and what was done to it.</summary>
public sealed record BiologySet(string Name, Tensor X, long[] Labels, string[] ClassNames, int[] ClassCounts, string[] Genes, int Imputed, string Note);

/// <summary>
/// The biological datasets of IDC §6.4.4 (Table 5) that ship here: ALLAML (Golub et al. 1999, catalog <c>golub</c>, 7129
/// genes × 72 samples, ALL 47 / AML 25) and SRBCT (Khan et al. 2001, catalog <c>srbct</c>: only the 63-sample training
/// part with 1282 missing values, where the paper has 83 samples).
/// </summary>
public static class BiologyData
{
    /// <summary>ALLAML class counts (ALL, AML).</summary>
    public static readonly int[] AllamlCounts = { 47, 25 };
    /// <summary>SRBCT training-part class counts (BL, EWS, NB, RMS).</summary>
    public static readonly int[] SrbctCounts = { 8, 23, 12, 20 };

    /// <summary>
    /// ALLAML: the 7129 expression values of each of the 72 samples, z-scored per gene (population s.d.; the code does not
    /// say which scaler, the digest suggests z-score); labels ALL = 0, AML = 1. Throws if the shape or counts differ.
    /// </summary>
    public static BiologySet Allaml()
    {
        var ds = Dataset.Load("golub").WithLabel("ALL.AML");
        var x = ds.Features(ScalarType.Float64);
        Check("golub", x, 72, 7129);
        var set = Build("ALLAML", x, ds.Labels, ds.LabelNames, ds.FeatureNames, 0, "7129 genes × 72 samples (train + test merged), z-scored per gene");
        Expect(set, AllamlCounts);
        return set;
    }

    /// <summary>
    /// SRBCT as shipped here: 63 samples × 2308 genes, each missing value replaced by its gene's mean over the samples
    /// where it is present (1282 values), then z-scored per gene. Not comparable with the paper's 83 samples.
    /// </summary>
    public static BiologySet Srbct()
    {
        var ds = Dataset.Load("srbct");
        var names = ds.FeatureNames;
        var cols = names.Select(ds.Column).ToArray();
        int n = ds.Count, d = names.Length, imputed = 0;
        var data = new double[n * d];
        for (int j = 0; j < d; j++)
        {
            var c = cols[j];
            var present = c.Where(v => !double.IsNaN(v)).ToArray();
            if (present.Length == 0) throw new InvalidDataException($"srbct: gene {names[j]} has no value; fetch it again: workbench datasets fetch srbct --force");
            double mean = present.Average();
            for (int i = 0; i < n; i++)
            {
                bool miss = double.IsNaN(c[i]);
                if (miss) imputed++;
                data[i * d + j] = miss ? mean : c[i];
            }
        }
        var x = tensor(data, new long[] { n, d }, ScalarType.Float64);
        Check("srbct", x, 63, 2308);
        var set = Build("SRBCT (63 of 83)", x, ds.Labels, ds.LabelNames, names, imputed,
            $"2308 genes × 63 samples (Khan training part; the paper has 83), {imputed} missing values mean-imputed per gene, z-scored per gene");
        Expect(set, SrbctCounts);
        return set;
    }

    /// <summary>Z-scores the columns of <paramref name="x"/> [N,D] (population s.d.); constant columns are refused.</summary>
    public static Tensor ZScore(Tensor x)
    {
        using var scope = NewDisposeScope();
        var sd = x.std(new long[] { 0 }, unbiased: false, keepdim: true);
        if (sd.le(0).any().item<bool>())
            throw new ArgumentException($"{sd.le(0).sum().item<long>()} column(s) are constant; drop them before z-scoring.");
        return ((x - x.mean(new long[] { 0 }, keepdim: true)) / sd).MoveToOuterDisposeScope();
    }

    static BiologySet Build(string name, Tensor x, long[] labels, string[] classNames, string[] genes, int imputed, string note)
    {
        var z = ZScore(x).to(ScalarType.Float32);
        var counts = Enumerable.Range(0, classNames.Length).Select(c => labels.Count(v => v == c)).ToArray();
        return new BiologySet(name, z, labels, classNames, counts, genes.ToArray(), imputed, note);
    }

    static void Check(string id, Tensor x, long n, long d)
    {
        if (x.shape[0] != n || x.shape[1] != d)
            throw new InvalidDataException($"{id}: expected {n} samples × {d} genes, got [{x.shape[0]}, {x.shape[1]}]; fetch it again: workbench datasets fetch {id} --force");
        if (!x.isfinite().all().item<bool>()) throw new InvalidDataException($"{id}: non-finite values after loading.");
    }

    static void Expect(BiologySet set, int[] counts)
    {
        if (!set.ClassCounts.SequenceEqual(counts))
            throw new InvalidDataException($"{set.Name}: class counts {string.Join(", ", set.ClassCounts)}, expected {string.Join(", ", counts)}.");
    }
}
