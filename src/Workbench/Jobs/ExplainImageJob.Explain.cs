using Workbench.Models;
using Workbench.Neuralization;
using Workbench.Propagation.Lrp;
using static TorchSharp.torch;

namespace Workbench.Jobs;

public static partial class ExplainImageJob
{
    static Composite CompositeNamed(string composite)
    {
        var (low, high) = ImageNet.Bounds(CPU);
        return composite switch
        {
            "epsilon-gamma-box" => Composites.EpsilonGammaBox(low, high),
            "epsilon-plus" => Composites.EpsilonPlus(),
            _ => Composites.NeonVgg(low, high),
        };
    }

    // --class: LRP of the logit (one-hot × logit as output relevance) with the chosen composite; relevance with the input's shape.
    // --layer/--cluster-k: NEON Fig. 7 — k-means on the unit-normalised location vectors of that layer, neuralized, one
    // relevance map per cluster: [K, 3, H, W] (NeuralizedLocationClustering).
    static (Tensor Relevance, string What) Explain(Vgg model, Tensor x, ExplainImageRequest r, string composite, string? layer)
    {
        var comp = CompositeNamed(composite);
        if (layer is not null) return ExplainClusters(model, x, r, comp, layer);
        Tensor targets;
        using (no_grad())
        {
            using var logits = model.call(x);
            targets = r.Class is int c ? full([x.shape[0]], (long)c, ScalarType.Int64) : logits.argmax(1);
        }
        using var result = Lrp.Explain(model, x, comp, targets, device: CPU);
        var relevance = result.Relevance.detach().clone();
        var classes = targets.data<long>().ToArray();
        return (relevance, $"class {(r.Class is int k ? k.ToString() : "top: " + string.Join(",", classes))}");
    }

    static (Tensor Relevance, string What) ExplainClusters(Vgg model, Tensor x, ExplainImageRequest r, Composite comp, string layer)
    {
        if (x.shape[0] != 1)
            throw new InputException($"--layer/--cluster-k clusters the locations of one image; --input holds {x.shape[0]} images. Give one image [1, 3, H, W] (or --image).");
        var psi = model.FeatureMap(layer);
        long locations;
        using (no_grad()) { using var a = psi.call(x); locations = a.shape[2] * a.shape[3]; }
        int k = r.ClusterK!.Value;
        if (k > locations)
            throw new InputException($"--cluster-k {k} is more than the {locations} locations of features.{layer} for this input; choose K ≤ {locations}, an earlier layer or a larger image.");
        NeuralizedLocationClustering neon;
        try { neon = NeuralizedLocationClustering.Fit(psi, x, k, seed: r.Seed, device: CPU); }
        catch (ArgumentException e) { throw new InputException($"--cluster-k {k} at features.{layer}: {e.Message}"); }
        using var e2 = neon.Explain(x, comp, device: CPU);
        var sizes = string.Join(" ", bincount(e2.Labels.flatten(), minlength: k).data<long>().ToArray());
        return (e2.Relevance.detach().clone(),
                $"k-means K = {k} on the {locations} unit location vectors of features.{layer} (cluster sizes {sizes}, β = {e2.Beta:G4}); relevance [K, 3, H, W], one map per cluster");
    }
}
