using TorchSharp;
using Workbench.Clustering;
using Workbench.Evaluation;
using Workbench.Explanation;
using static TorchSharp.torch;

namespace Workbench.Studies.Idc;

/// <summary>
/// The explainers of IDC Table 2 on a trained clustering: the decision margin f_c of a cluster (the quantity the
/// attributions explain), gradient saliency, Integrated Gradients and sampled Shapley values of it.
/// </summary>
public static class InterpretabilityExplainers
{
    /// <summary>
    /// IDC's decision margin for cluster c: f_c(x) = logit_c(x) − max_{k≠c} logit_k(x) of the clustering head on
    /// h = f₂(x ⊙ z(x)) (positive iff x is assigned to c); [B] for inputs [B,D] and clusters [B]; differentiable in x.
    /// </summary>
    public static Tensor IdcMargin(Workbench.Clustering.Idc model, Tensor x, Tensor clusters)
    {
        var logits = model.Logits(x).to(ScalarType.Float64);
        return Margin(logits, clusters.to(logits.device));
    }

    /// <summary>
    /// k-means' decision margin for cluster c: f_c(x) = min_{k≠c} ‖x − μ_k‖² − ‖x − μ_c‖² (NEON Prop. 1's f_c), [B].
    /// </summary>
    public static Tensor KMeansMargin(Tensor centroids, Tensor x, Tensor clusters)
    {
        var mu = centroids.to(ScalarType.Float64);
        var dist = Distances.Squared(x.to(ScalarType.Float64).to(mu.device), mu);                 // [B,K]
        return Margin(dist.neg(), clusters.to(mu.device));
    }

    /// <summary>s_c − max_{k≠c} s_k for scores s [B,K] and clusters c [B].</summary>
    static Tensor Margin(Tensor scores, Tensor clusters)
    {
        var own = scores.gather(1, clusters.unsqueeze(1)).squeeze(1);
        var others = scores.scatter(1, clusters.unsqueeze(1), full_like(own, double.NegativeInfinity).unsqueeze(1));
        return own - others.amax(new long[] { 1 });
    }

    /// <summary>An <see cref="ExplainedModel"/> of IDC with <see cref="IdcMargin"/> as f_c (for <see cref="RelevanceMethods"/>).</summary>
    public static ExplainedModel IdcModel(Workbench.Clustering.Idc model) => new("IDC clustering head", model.K, model.NFeaturesIn,
        x => model.Predict(x), (x, c) => IdcMargin(model, x, c),
        (_, _, _) => throw new NotSupportedException("NEON is not defined for IDC's head."));

    /// <summary>Gradient saliency |∂f_c/∂x| of IDC's margin at each row for its own cluster, [N,D] (autograd).</summary>
    public static Tensor IdcGradient(Workbench.Clustering.Idc model, Tensor x, Tensor clusters)
        => RelevanceMethods.Gradient(IdcModel(model), x, clusters).abs();

    /// <summary>Integrated Gradients of IDC's margin from the black image (x = 0) in <paramref name="steps"/> steps, [N,D]
    /// (<see cref="RelevanceMethods.IntegratedGradients"/>), computed in chunks of <paramref name="chunk"/> rows.</summary>
    public static Tensor IdcIntegratedGradients(Workbench.Clustering.Idc model, Tensor x, Tensor clusters, int steps, int chunk = 256)
    {
        var ig = RelevanceMethods.IntegratedGradients(IdcModel(model), steps);
        using var g = Compute.Seeds.Generator(0);
        var parts = new List<Tensor>();
        for (long s = 0; s < x.shape[0]; s += chunk)
        {
            long m = Math.Min(chunk, x.shape[0] - s);
            parts.Add(ig.Explain(x.narrow(0, s, m), clusters.narrow(0, s, m), g));
        }
        return cat(parts, 0);
    }

    /// <summary>
    /// Sampled Shapley values (<see cref="SampledShapley"/>) of a decision margin <paramref name="margin"/> (inputs [B,D],
    /// clusters [B] → [B]) at each row of <paramref name="x"/> for its own cluster <paramref name="clusters"/>, with missing
    /// features drawn from <paramref name="background"/> and features grouped into <paramref name="groups"/>; [N,D] per
    /// feature (a group's value spread evenly over its features), with the full result.
    /// </summary>
    public static SampledShapleyResult Shapley(Func<Tensor, Tensor, Tensor> margin, Tensor x, Tensor clusters, Tensor background,
        long[] groups, int pairs, long seed)
    {
        var cl = clusters.to(x.device);
        return SampledShapley.Estimate((inputs, rows) => margin(inputs, cl.index_select(0, rows.to(cl.device))), x, background, pairs, seed, groups);
    }
}
