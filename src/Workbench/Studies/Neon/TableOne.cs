using System.Diagnostics;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Datasets;
using Workbench.Evaluation;
using Workbench.Neuralization;
using static TorchSharp.torch;

namespace Workbench.Studies.Neon;

/// <summary>One row of NEON Table I to compute: a dataset of the catalog, the paper row it stands for, the model and its size.</summary>
/// <param name="Dataset">catalog id (App. H preprocessing is applied)</param>
/// <param name="StandsFor">the paper's dataset this row reproduces or substitutes (a key of <see cref="TableOne.Paper"/>)</param>
/// <param name="Model">"kmeans" or "kernel"</param>
/// <param name="K">number of clusters; null: elbow (Kneedle) over K = 2..16</param>
/// <param name="MaxPoints">seeded sample of at most this many rows (before preprocessing); null: all</param>
/// <param name="Why">why this substitute stands for that row</param>
public sealed record TableOneSpec(string Dataset, string StandsFor, string Model, int? K = null, int? MaxPoints = null, string Why = "");

/// <summary>A computed Table I row: data size, K (and the elbow curve when K was chosen), β, σ, the scores and the time.</summary>
public sealed record TableOneRow(TableOneSpec Spec, int N, int D, int K, double Beta, double Sigma, IReadOnlyList<MethodScore> Scores,
    double Seconds, int[] ElbowKs, double[] ElbowInertias)
{
    /// <summary>Score of <paramref name="method"/>, or null when it was not run (NCA on kernel models).</summary>
    public MethodScore? Score(string method) => Scores.FirstOrDefault(s => s.Method == method);
}

/// <summary>
/// NEON Table I (§VII) on the datasets available here: App. H preprocessing, K by the elbow rule, k-means (Lloyd,
/// k-means++) or kernel k-means (App. F, ~10 support vectors per cluster), β = 1/𝔼[f_c], the KDE of App. G, and
/// Algorithm 1 for NEON and the seven baselines.
/// </summary>
public static class TableOne
{
    /// <summary>The paper's Table I (k-means and kernel rows), columns in <see cref="RelevanceMethods.All"/> order; NaN = "—".</summary>
    public static readonly IReadOnlyDictionary<string, double[]> Paper = new Dictionary<string, double[]>
    {
        ["buddy"] = new[] { 71.77, 75.00, 70.06, 70.81, 73.32, 74.76, 76.41, 78.42 },
        ["c2000"] = new[] { 90.71, 95.12, 90.67, 90.87, 92.01, 93.82, 92.15, 95.21 },
        ["hepac"] = new[] { 61.16, 74.04, 59.67, 60.03, 76.50, 77.56, 76.20, 80.19 },
        ["seeds"] = new[] { 75.73, 78.64, 76.07, 76.09, 81.62, 79.54, 81.16, 82.81 },
        ["winer"] = new[] { 78.36, 85.04, 77.01, 78.15, 82.99, 85.87, 85.10, 87.23 },
        ["news"] = new[] { 40.07, 42.83, 51.55, double.NaN, 40.40, 40.40, double.NaN, 54.50 },
        ["trpad"] = new[] { 58.68, 71.34, 58.87, 58.32, 68.76, 71.44, double.NaN, 74.92 },
        ["sales"] = new[] { 82.30, 87.28, 82.66, 82.33, 86.72, 86.51, double.NaN, 87.21 },
        ["water"] = new[] { 79.30, 87.30, 79.13, 78.89, 85.01, 86.82, double.NaN, 87.66 },
        ["whlsl"] = new[] { 54.98, 63.91, 54.88, 55.11, 64.53, 64.93, double.NaN, 67.37 },
    };

    /// <summary>The paper's (N, D, K) of each row.</summary>
    public static readonly IReadOnlyDictionary<string, (int N, int D, int K)> PaperSize = new Dictionary<string, (int, int, int)>
    {
        ["buddy"] = (249, 6, 7), ["c2000"] = (2000, 68, 7), ["hepac"] = (615, 11, 8), ["seeds"] = (210, 7, 6), ["winer"] = (178, 13, 6),
        ["news"] = (250, 300, 20), ["trpad"] = (980, 10, 9), ["sales"] = (811, 52, 6), ["water"] = (527, 38, 5), ["whlsl"] = (440, 6, 8),
    };

    /// <summary>The k-means rows: winer exact (K = 6 as the paper), the others substitutes with K by the elbow rule.</summary>
    public static IReadOnlyList<TableOneSpec> KMeansRows(int? satellitePoints = 2000) => new[]
    {
        new TableOneSpec("wine", "winer", "kmeans", K: 6, Why: "the exact UCI Wine data (scikit-learn's copy)"),
        new TableOneSpec("bank", "buddy", "kmeans", Why: "nearest size: 200×6 vs 249×6 (BuddyMove is not shipped)"),
        new TableOneSpec("glass", "seeds", "kmeans", Why: "nearest size: 214×9 vs 210×7, physical measurements as seeds"),
        new TableOneSpec("pima", "hepac", "kmeans", Why: "medical measurements like HCV; 768×8 vs 615×11"),
        new TableOneSpec("vehicle", "hepac", "kmeans", Why: "second stand-in for a mid-size set (846×18)"),
        new TableOneSpec("satellite", "c2000", "kmeans", MaxPoints: satellitePoints, Why: "a seeded 2000-row sample, N as c2000; 36 vs 68 features"),
    };

    /// <summary>The kernel k-means rows (substitutes; K by the elbow rule).</summary>
    public static IReadOnlyList<TableOneSpec> KernelRows(int? maxPoints = null) => new[]
    {
        new TableOneSpec("vowel", "trpad", "kernel", MaxPoints: maxPoints, Why: "nearest size: 990×10 vs 980×10"),
        new TableOneSpec("ionosphere", "water", "kernel", MaxPoints: maxPoints, Why: "351×32 vs 527×38 real-valued sensor data"),
        new TableOneSpec("sonar", "sales", "kernel", MaxPoints: maxPoints, Why: "many correlated features: 208×60 vs 811×52"),
        new TableOneSpec("breast-cancer", "whlsl", "kernel", MaxPoints: maxPoints, Why: "mid-size real-valued set, 569×30 vs 440×6"),
    };

    /// <summary>The dataset as NEON App. H prepares it (after a seeded sample of <paramref name="maxPoints"/> rows), float64 [N,d].</summary>
    public static Tensor Load(string id, int? maxPoints = null, int seed = 0)
    {
        var data = Dataset.Load(id);
        if (maxPoints is int m && m < data.Count) data = data.Sample(m, seed);
        return data.PreprocessAppendixH().Features(ScalarType.Float64);
    }

    /// <summary>k-means inertia for K = <paramref name="kMin"/>..<paramref name="kMax"/> and the Kneedle elbow.</summary>
    public static (int K, int[] Ks, double[] Inertias) Elbow(Tensor x, int kMin = 2, int kMax = 16, int nInit = 10, long seed = 0)
    {
        if (kMin < 1 || kMax < kMin + 2) throw new ArgumentException($"the elbow needs at least 3 values of K; got {kMin}..{kMax}.");
        var ks = Enumerable.Range(kMin, kMax - kMin + 1).Where(k => k <= x.shape[0]).ToArray();
        var inertias = ks.Select(k => new KMeans(k, nInit: nInit, seed: seed).Fit(x).Inertia).ToArray();
        return (ks[Kneedle.Elbow(ks.Select(k => (double)k).ToArray(), inertias)], ks, inertias);
    }

    /// <summary>Fits the row's model on <paramref name="x"/> and wraps it for the evaluation.</summary>
    public static ExplainedModel FitModel(string model, Tensor x, int k, long seed = 0, int nInit = 10, int kernelRestarts = 10, int supportPerCluster = 10)
    {
        switch (model)
        {
            case "kmeans":
                return ExplainedModel.From(new NeuralizedKMeans(new KMeans(k, nInit: nInit, seed: seed).Fit(x).Centroids));
            case "kernel":
                var kk = new KernelKMeans(k, supportPerCluster: supportPerCluster, maxIter: 100, nInit: kernelRestarts, seed: seed).Fit(x);
                return ExplainedModel.From(new NeuralizedKernelKMeans(kk.Support, kk.SupportLabels, kk.Gamma));
            default:
                throw new ArgumentException($"unknown model '{model}'; use kmeans or kernel.");
        }
    }

    /// <summary>
    /// Computes one Table I row: all methods (NCA only for k-means) and, with <paramref name="extra"/>, the
    /// <see cref="RelevanceMethods.Extra"/> variants (PDA on f_c); <paramref name="repeats"/> repeats.
    /// </summary>
    public static TableOneRow Run(TableOneSpec spec, int repeats = 10, long seed = 0, int nInit = 10, int kernelRestarts = 10, bool extra = false)
    {
        var sw = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var x = Load(spec.Dataset, spec.MaxPoints, (int)seed);
        int[] ks = Array.Empty<int>(); double[] inertias = Array.Empty<double>();
        int k;
        if (spec.K is int given) k = given;
        else (k, ks, inertias) = Elbow(x, nInit: nInit, seed: seed);
        var model = FitModel(spec.Model, x, k, seed, nInit, kernelRestarts);
        double beta = model.HeuristicBeta(x);
        var kde = new KdeImputer(x);
        var names = RelevanceMethods.All.Where(m => m != "nca" || model.Centroids is not null).Concat(extra ? RelevanceMethods.Extra : []);
        var scores = NeonEvaluation.Run(model, x, RelevanceMethods.Create(model, kde, beta, names), kde, repeats, seed);
        return new TableOneRow(spec, (int)x.shape[0], (int)x.shape[1], k, beta, kde.Sigma, scores, sw.Elapsed.TotalSeconds, ks, inertias);
    }
}
