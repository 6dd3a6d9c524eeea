using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Studies.Neon;

/// <summary>
/// One generated scene for NEON Fig. 8 (§VI-C): a grey image [1,H,W] in [0,1] and its exact segment masks [M,H,W]
/// (bool): one per pasted object, then the background segment (every pixel no object covers), as App. J adds to PASCAL VOC.
/// </summary>
/// <param name="Image">the scene, [1,H,W] float32 in [0,1]</param>
/// <param name="Masks">object masks then the background mask, [M,H,W] bool; they partition the pixels</param>
/// <param name="Items">the indices of the pasted items in the item pool</param>
public sealed record Scene(Tensor Image, Tensor Masks, int[] Items);

/// <summary>
/// Seeded scenes with exact masks, the stand-in for PASCAL VOC 2007 segmentations (not available here): 2–4 objects
/// (Fashion-MNIST items, 28×28) pasted without overlap at random cells of a <c>cells</c>×<c>cells</c> grid (with a random
/// offset inside the cell) onto a textured background (oriented sine stripes of random frequency and angle plus noise).
/// An object's mask is the set of pixels where its item is brighter than <c>threshold</c>; there the scene takes the item's
/// value, elsewhere the texture's. The masks are therefore exact by construction.
/// </summary>
public static class SegmentationScenes
{
    /// <summary>
    /// <paramref name="count"/> scenes of (28·<paramref name="cells"/>)² pixels from <paramref name="items"/> [P,1,28,28] (values in
    /// [0,1]), each with <paramref name="minObjects"/>…<paramref name="maxObjects"/> objects; deterministic for <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<Scene> Generate(Tensor items, int count, long seed = 0, int cells = 3, int minObjects = 2, int maxObjects = 4, double threshold = 0.15)
    {
        if (items.dim() != 4 || items.shape[1] != 1 || items.shape[2] != 28 || items.shape[3] != 28)
            throw new ArgumentException($"items must be grey 28×28 images [P,1,28,28]; got [{string.Join(",", items.shape)}].");
        if (count < 1) throw new ArgumentException($"count must be ≥ 1; got {count}.");
        if (minObjects < 1 || maxObjects < minObjects || maxObjects > cells * cells)
            throw new ArgumentException($"need 1 ≤ minObjects ≤ maxObjects ≤ cells² = {cells * cells}; got {minObjects}…{maxObjects}.");
        var g = Seeds.Generator(seed);
        var rng = new Random((int)seed);
        int side = 28 * cells, pool = (int)items.shape[0];
        var scenes = new List<Scene>(count);
        var yy = arange(side, dtype: ScalarType.Float32).unsqueeze(1).expand(side, side);
        var xx = arange(side, dtype: ScalarType.Float32).unsqueeze(0).expand(side, side);
        for (int s = 0; s < count; s++)
        {
            using var scope = NewDisposeScope();
            // background texture: stripes of random frequency and orientation, random contrast, plus noise
            double angle = rng.NextDouble() * Math.PI, freq = 0.25 + 0.5 * rng.NextDouble(), level = 0.2 + 0.3 * rng.NextDouble(), contrast = 0.05 + 0.1 * rng.NextDouble();
            var phase = (xx * (float)Math.Cos(angle) + yy * (float)Math.Sin(angle)) * (float)freq;
            var image = (phase.sin() * (float)contrast + (float)level + 0.03f * randn(new long[] { side, side }, generator: g)).clamp(0, 1);
            int objects = rng.Next(minObjects, maxObjects + 1);
            var cellsChosen = Enumerable.Range(0, cells * cells).OrderBy(_ => rng.Next()).Take(objects).ToArray();
            var masks = new List<Tensor>();
            var chosen = new int[objects];
            var taken = zeros(new long[] { side, side }, dtype: ScalarType.Bool);
            for (int o = 0; o < objects; o++)
            {
                int item = rng.Next(pool);
                chosen[o] = item;
                int r0 = cellsChosen[o] / cells * 28, c0 = cellsChosen[o] % cells * 28;
                var it = items[item, 0];
                var mask = zeros(new long[] { side, side }, dtype: ScalarType.Bool);
                mask[TensorIndex.Slice(r0, r0 + 28), TensorIndex.Slice(c0, c0 + 28)] = it.gt(threshold);
                mask = mask.logical_and(taken.logical_not());
                var canvas = zeros(new long[] { side, side }, dtype: ScalarType.Float32);
                canvas[TensorIndex.Slice(r0, r0 + 28), TensorIndex.Slice(c0, c0 + 28)] = it;
                image = where(mask, canvas, image);
                taken = taken.logical_or(mask);
                masks.Add(mask);
            }
            masks.Add(taken.logical_not());                                   // the background segment
            scenes.Add(new Scene(image.unsqueeze(0).MoveToOuterDisposeScope(), stack(masks).MoveToOuterDisposeScope(), chosen));
        }
        return scenes;
    }
}
