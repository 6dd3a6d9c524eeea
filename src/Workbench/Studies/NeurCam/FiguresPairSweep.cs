using TorchSharp;
using Workbench.Clustering;
using static TorchSharp.torch;
using Model = Workbench.Additive.NeurCam;

namespace Workbench.Studies.NeurCam;

/// <summary>
/// One point of NeurCAM Fig. 2: Neur2CAM with C = 0 single channels and <see cref="P"/> pairwise channels, its hard
/// inertia in x̃ for every seed, divided by the lowest mini-batch k-means inertia of the same seeds.
/// </summary>
/// <param name="P">number of pairwise channels</param>
/// <param name="Ratios">inertia(N2CAM, seed) / min over seeds of inertia(mKMC), one per seed</param>
/// <param name="Pairs">the distinct feature pairs the kept (lowest-inertia) run selected</param>
/// <param name="KeptSeed">seed of the lowest-inertia run</param>
/// <param name="Kept">the lowest-inertia model</param>
public sealed record PairSweepPoint(int P, IReadOnlyList<double> Ratios, IReadOnlyList<(int I, int J)> Pairs, long KeptSeed, Model Kept)
{
    /// <summary>The paper's quantity: the minimum over seeds of the ratio.</summary>
    public double MinRatio => Ratios.Min();
    /// <summary>Mean of the ratio over seeds.</summary>
    public double MeanRatio => Ratios.Average();
    /// <summary>Sample standard deviation of the ratio over seeds (0 for one seed).</summary>
    public double StdRatio => Ratios.Count < 2 ? 0 : Math.Sqrt(Ratios.Sum(r => (r - MeanRatio) * (r - MeanRatio)) / (Ratios.Count - 1));
}

/// <summary>
/// NeurCAM Fig. 2 (§5.5.1): the cost ratio of Neur2CAM to mini-batch k-means as the number of pairwise shape functions
/// P grows, with C = 0 single channels "to isolate the impact of using interactions"; inertia of the hard clustering in
/// x̃ around the cluster means, the minimum over seeds for both methods.
/// </summary>
public static class FiguresPairSweep
{
    /// <summary>Lowest hard inertia per point of mini-batch k-means on <paramref name="rep"/> over <paramref name="seeds"/> (10 restarts each).</summary>
    public static double MiniBatchKMeansInertia(Tensor rep, int k, IEnumerable<long> seeds) =>
        seeds.Select(s => TabularStudy.InertiaPerPoint(rep, new MiniBatchKMeans(k, batchSize: 256, maxIter: 200, nInit: 10, seed: s).Fit(rep).Labels)).Min();

    /// <summary>
    /// Runs Neur2CAM (C = 0, P = each of <paramref name="pairCounts"/>) built by <paramref name="make"/>(P, seed) on
    /// (<paramref name="x"/>, <paramref name="rep"/>) for every seed; ratios against <paramref name="baselineInertia"/>.
    /// </summary>
    public static IReadOnlyList<PairSweepPoint> Run(Tensor x, Tensor rep, IReadOnlyList<int> pairCounts, IReadOnlyList<long> seeds,
        double baselineInertia, Func<int, long, Model> make)
    {
        if (!(baselineInertia > 0)) throw new ArgumentException($"baselineInertia must be > 0; got {baselineInertia}.");
        if (seeds.Count == 0) throw new ArgumentException("No seeds were given.", nameof(seeds));
        var points = new List<PairSweepPoint>();
        foreach (var p in pairCounts)
        {
            var ratios = new List<double>();
            Model? kept = null; long keptSeed = 0; double keptInertia = double.PositiveInfinity;
            foreach (var seed in seeds)
            {
                var model = make(p, seed);
                if (model.SingleChannels != 0 || model.PairChannels != p)
                    throw new ArgumentException($"make(P, seed) must build a model with C = 0 and P = {p}; got C = {model.SingleChannels}, P = {model.PairChannels}.");
                model.Fit(x, rep);
                double inertia = TabularStudy.InertiaPerPoint(rep, model.Labels);
                ratios.Add(inertia / baselineInertia);
                if (inertia < keptInertia) { keptInertia = inertia; kept = model; keptSeed = seed; }
            }
            points.Add(new PairSweepPoint(p, ratios, DistinctPairs(kept!), keptSeed, kept!));
        }
        return points;
    }

    /// <summary>The distinct unordered pairs selected by a fitted model's pairwise channels (Eq. 25 ignores the order).</summary>
    public static IReadOnlyList<(int I, int J)> DistinctPairs(Model model)
    {
        var pairs = model.SelectedPairs;
        if (pairs.numel() == 0) return Array.Empty<(int, int)>();
        var v = pairs.cpu().reshape(-1).data<long>().ToArray();
        return Enumerable.Range(0, v.Length / 2).Select(i => ((int)Math.Min(v[2 * i], v[2 * i + 1]), (int)Math.Max(v[2 * i], v[2 * i + 1]))).Distinct().ToList();
    }
}
