using TorchSharp;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// Algorithm 1 for the deep rows of NEON Table I: each method scores the feature maps of every point, the maps are added in
/// that order with the removed ones at zero (<see cref="ChannelFlipping"/>), and the AUC is averaged over the points.
/// Zero imputation draws nothing, so only stochastic methods (random) are repeated; the standard error is that of the mean
/// over points (std of the per-point AUC, averaged over repeats, / √N).
/// </summary>
public static class DeepEvaluation
{
    /// <summary>
    /// Scores each of <paramref name="methods"/> on activations <paramref name="a"/> [N,C,h,w], every point explained for its own
    /// cluster; stochastic methods are averaged over <paramref name="repeats"/> draws from a generator seeded with <paramref name="seed"/>.
    /// <paramref name="meanCurves"/>, when given, receives each method's curve averaged over points and repeats ([C] values:
    /// the share of points still in their cluster after j maps).
    /// </summary>
    public static IReadOnlyList<MethodScore> Run(DeepUnitModel model, Tensor a, IReadOnlyList<RelevanceMethod> methods, int repeats = 3,
        long seed = 0, int batchSize = 100, int maxBatch = 2048, IDictionary<string, double[]>? meanCurves = null)
    {
        if (a.dim() < 3) throw new ArgumentException($"activations must be [N,C,h,w] (or [N,C,L]); got [{string.Join(",", a.shape)}].");
        if (!a.isfinite().all().ToBoolean()) throw new ArgumentException("the activations hold NaN or infinity.");
        if (repeats < 1) throw new ArgumentException($"repeats must be ≥ 1; got {repeats}.");
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1; got {batchSize}.");
        long n = a.shape[0];
        var results = new List<MethodScore>();
        using var bar = Progress.Start($"Algorithm 1 (maps zeroed) on {n} points ({model.Name}, K = {model.K})", methods.Count);
        using var clusters = model.Predict(a);
        int done = 0;
        foreach (var m in methods)
        {
            using var scope = NewDisposeScope();
            var g = Seeds.Generator(seed);
            int runs = m.Stochastic ? repeats : 1;
            var perPoint = zeros(n, dtype: ScalarType.Float64);
            var curveSum = zeros(a.shape[1], dtype: ScalarType.Float64);
            var perRepeat = new double[runs];
            for (int r = 0; r < runs; r++)
            {
                var auc = zeros(n, dtype: ScalarType.Float64);
                for (long s = 0; s < n; s += batchSize)
                {
                    using var inner = NewDisposeScope();
                    long e = Math.Min(n, s + batchSize);
                    var ab = a.narrow(0, s, e - s); var cb = clusters.narrow(0, s, e - s);
                    var rel = m.Explain(ab, cb, g).to_type(ScalarType.Float64);
                    if (!rel.isfinite().all().ToBoolean()) throw new InvalidOperationException($"method '{m.Name}' returned non-finite relevance.");
                    var curves = ChannelFlipping.Curves(model.Predict, ab, cb, rel, maxBatch, a.device).cpu();
                    auc.narrow(0, s, e - s).copy_(FeatureFlipping.Auc(curves));
                    curveSum.add_(curves.sum(new long[] { 0 }));
                }
                perRepeat[r] = auc.mean().ToDouble();
                perPoint.add_(auc);
            }
            perPoint.div_(runs);
            if (meanCurves is not null) meanCurves[m.Name] = curveSum.div(runs * n).data<double>().ToArray();
            double se = n > 1 ? perPoint.std().ToDouble() / Math.Sqrt(n) : 0;
            results.Add(new MethodScore(m.Name, perRepeat.Average(), se, perRepeat, perPoint.data<double>().ToArray()));
            bar.Report(++done, $"{m.Name}: {results[^1].Auc:F2}");
        }
        return results;
    }
}
