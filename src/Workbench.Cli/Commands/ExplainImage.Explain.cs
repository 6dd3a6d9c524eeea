using Workbench.Models;
using Workbench.Propagation.Lrp;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

static partial class ExplainImage
{
    // --class: LRP of the logit (one-hot × logit as output relevance) with the chosen composite.
    // --layer/--cluster-k (NEON on per-image k-means of location vectors) needs a per-location deep head that is not built yet.
    static (Tensor Relevance, string What) Explain(Vgg model, Tensor x, ExplainImageRequest r, string composite, string? layer)
    {
        if (layer is not null)
            throw new Workbench.Jobs.InputException("explain image --layer/--cluster-k (NEON on location-vector clusters) is not implemented in this build; use --class N.");
        var (low, high) = ImageNet.Bounds(CPU);
        var comp = composite switch
        {
            "epsilon-gamma-box" => Composites.EpsilonGammaBox(low, high),
            "epsilon-plus" => Composites.EpsilonPlus(),
            _ => Composites.NeonVgg(low, high),
        };
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
}
