using TorchSharp;
using TorchSharp.Modules;
using Workbench.Evaluation;
using Workbench.Explanation;
using Workbench.Neuralization;
using Workbench.Propagation.Lrp;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Studies.Neon;

/// <summary>One method's summary of one scene at one block: its K heatmaps [K,H,W] and their match with the segments.</summary>
/// <param name="Scene">index of the scene</param>
/// <param name="Block">block whose output was summarised</param>
/// <param name="Method">NEON, FM or LO</param>
/// <param name="Score">cosines, Hungarian pairs and S (<see cref="SegmentMatching"/>)</param>
/// <param name="Heatmaps">pixel relevance summed over input channels, [K,H,W]</param>
public sealed record SegmentationResult(int Scene, int Block, string Method, SegmentScore Score, Tensor Heatmaps);

/// <summary>
/// NEON Fig. 8 (§VI-C, App. J) on generated scenes: for each scene and block, NEON (k-means with K clusters on the unit
/// location vectors of the block output, neuralized and explained to the pixels, as Fig. 7), FM and LO
/// (<see cref="ActivationBaselines"/>), all with the same LRP composite; each set of K heatmaps is scored against the
/// scene's masks plus background by cosine similarity and Hungarian matching (S = mean matched cosine).
/// </summary>
public static class FigureEight
{
    /// <summary>The methods, in plotting order.</summary>
    public static readonly string[] Methods = { "NEON", "FM", "LO" };

    /// <summary>
    /// Runs every method on every scene at every block. <paramref name="blocks"/> maps a block number to the index of its
    /// last layer in <paramref name="features"/> (e.g. SmallCnn: 1 → 4, 2 → 9).
    /// </summary>
    public static IReadOnlyList<SegmentationResult> Run(Sequential features, IReadOnlyList<(int Block, int LastLayer)> blocks, IReadOnlyList<Scene> scenes,
        Composite composite, int k = 4, long seed = 0, int nInit = 4)
    {
        var results = new List<SegmentationResult>();
        using var bar = Progress.Start($"Fig. 8: {scenes.Count} scenes × {blocks.Count} blocks × {Methods.Length} methods", scenes.Count * blocks.Count);
        int done = 0;
        foreach (var (block, last) in blocks)
        {
            var psi = DeepTableOne.Slice(features, 0, last);
            for (int s = 0; s < scenes.Count; s++)
            {
                var x = scenes[s].Image.unsqueeze(0);
                Tensor neon;
                var model = NeuralizedLocationClustering.Fit(psi, x, k, seed: seed + s, nInit: nInit);
                using (var e = model.Explain(x, composite)) neon = e.Relevance.sum(new long[] { 1 }).detach().clone();
                var fm = ActivationBaselines.FeatureMaps(psi, x, k, composite).sum(new long[] { 1 });
                var lo = ActivationBaselines.Locations(psi, x, k, composite).sum(new long[] { 1 });
                foreach (var (name, heat) in new[] { ("NEON", neon), ("FM", fm), ("LO", lo) })
                    results.Add(new SegmentationResult(s, block, name, SegmentMatching.Score(scenes[s].Masks, heat), heat));
                bar.Report(++done, $"block {block}, scene {s + 1}");
            }
        }
        return results;
    }
}
