using TorchSharp;
using Workbench.Compute;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// The score of one explanation method on a dataset (NEON Table I): the AUC of Algorithm 1 averaged over all points
/// and over the repeats, with the standard error of that mean across the repeats (std of the repeat means / √R;
/// over points when R = 1).
/// </summary>
/// <param name="Method">method name</param>
/// <param name="Auc">mean AUC (0–100)</param>
/// <param name="StdErr">standard error of <paramref name="Auc"/></param>
/// <param name="PerRepeat">mean AUC of each repeat</param>
/// <param name="PerPoint">mean AUC of each point over the repeats</param>
public sealed record MethodScore(string Method, double Auc, double StdErr, double[] PerRepeat, double[] PerPoint);

/// <summary>Runs Algorithm 1 (<see cref="FeatureFlipping"/>) for several relevance methods on one model and dataset.</summary>
public static class NeonEvaluation
{
    /// <summary>
    /// Scores each of <paramref name="methods"/> on the points <paramref name="x"/> [N,d] (each explained for its own cluster),
    /// <paramref name="repeats"/> independent repeats of the KDE draws (NEON §VII; <paramref name="kde"/> null: zero imputation).
    /// Each method draws from its own generator seeded with <paramref name="seed"/>, so a rerun gives the same numbers.
    /// </summary>
    public static IReadOnlyList<MethodScore> Run(ExplainedModel model, Tensor x, IReadOnlyList<RelevanceMethod> methods, KdeImputer? kde,
        int repeats = 10, long seed = 0, int batchSize = 1024, Device? device = null)
    {
        Clustering.Distances.CheckData(x);
        if (repeats < 1) throw new ArgumentException($"repeats must be ≥ 1; got {repeats}.");
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1; got {batchSize}.");
        if (x.shape[1] != model.Dimensions) throw new ArgumentException($"x has {x.shape[1]} features but the model has {model.Dimensions}.");
        var dev = kde?.Device ?? Devices.Resolve(device);
        long n = x.shape[0];
        var results = new List<MethodScore>();
        using var bar = Progress.Start($"Algorithm 1 on {n} points ({model.Name})", methods.Count * repeats);
        int done = 0;
        foreach (var m in methods)
        {
            using var scope = NewDisposeScope();
            var xs = x.to(dev).to_type(ScalarType.Float64);
            var c = model.Predict(xs).to(dev);
            var g = Seeds.Generator(seed);
            var perPoint = zeros(n, dtype: ScalarType.Float64, device: dev);
            var perRepeat = new double[repeats];
            Tensor? fixedR = m.Stochastic ? null : Explain(m, xs, c, g, batchSize);
            for (int r = 0; r < repeats; r++)
            {
                using var repeatScope = NewDisposeScope();                 // this repeat's relevance and curves are freed here
                var rel = fixedR ?? Explain(m, xs, c, g, batchSize);
                var auc = zeros(n, dtype: ScalarType.Float64, device: dev);
                for (long s = 0; s < n; s += batchSize)
                {
                    long e = Math.Min(n, s + batchSize);
                    using var batchScope = NewDisposeScope();
                    auc.narrow(0, s, e - s).copy_(FeatureFlipping.Auc(FeatureFlipping.Curves(model.Predict, xs.narrow(0, s, e - s), c.narrow(0, s, e - s), rel.narrow(0, s, e - s), kde, g, dev)));
                }
                perRepeat[r] = auc.mean().ToDouble();
                perPoint.add_(auc);
                bar.Report(++done, $"{m.Name} repeat {r + 1}: {perRepeat[r]:F2}");
            }
            perPoint.div_(repeats);
            double mean = perRepeat.Average();
            double se = repeats > 1
                ? Math.Sqrt(perRepeat.Sum(v => (v - mean) * (v - mean)) / (repeats - 1) / repeats)
                : perPoint.std().ToDouble() / Math.Sqrt(n);
            results.Add(new MethodScore(m.Name, mean, se, perRepeat, perPoint.cpu().data<double>().ToArray()));
        }
        return results;
    }

    static Tensor Explain(RelevanceMethod m, Tensor x, Tensor c, Generator g, int batchSize)
    {
        long n = x.shape[0];
        var parts = new List<Tensor>();
        for (long s = 0; s < n; s += batchSize)
        {
            long e = Math.Min(n, s + batchSize);
            var r = m.Explain(x.narrow(0, s, e - s), c.narrow(0, s, e - s), g).to(x.device).to_type(ScalarType.Float64);
            if (!r.isfinite().all().ToBoolean()) throw new InvalidOperationException($"method '{m.Name}' returned non-finite relevance.");
            parts.Add(r);
        }
        return cat(parts, 0);
    }
}
