using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// Merges each BatchNorm into the affine layer just before it (zennit's <c>SequentialMergeBatchNorm</c>): with
/// s = γ / √(σ² + eps), W′ = s ⊙ W (per output channel) and b′ = s ⊙ (b − μ) + β, and the BatchNorm becomes the identity.
/// Pairs are consecutive leaves (Linear/Conv then BatchNorm) in registration order. The model must be in eval mode.
/// </summary>
public sealed class MergeBatchNorm : ICanonizer
{
    /// <inheritdoc/>
    public void Apply(nn.Module model, CanonicalPlan plan)
    {
        var leaves = LayerInfo.Leaves(model);
        for (int i = 1; i < leaves.Count; i++)
        {
            var (prev, bn) = (leaves[i - 1], leaves[i]);
            if (!bn.IsBatchNorm || !prev.IsAffine) continue;
            if (bn.Module.training)
                throw new InvalidOperationException($"BatchNorm '{bn.Name}' is in training mode; call model.eval() before explaining (LRP uses the running statistics).");
            if (ParametricLayers.OutputAxis(prev.Module) != 0)
                throw new NotSupportedException($"merging BatchNorm '{bn.Name}' into the transposed convolution '{prev.Name}' is not supported.");
            var (mean, var_, gamma, beta, eps) = Statistics(bn.Module);
            var (w, b) = plan.Parameters.TryGetValue(prev.Module, out var p) ? p : ParametricLayers.Parameters(prev.Module);
            using var scope = NewDisposeScope();
            var s = (gamma ?? ones_like(mean)) / (var_ + eps).sqrt();
            var shape = new long[w.dim()]; Array.Fill(shape, 1L); shape[0] = -1;
            var w2 = (w.detach() * s.reshape(shape)).MoveToOuterDisposeScope();
            var b0 = b is null ? zeros_like(mean) : b.detach();
            var b2 = ((b0 - mean) * s + (beta ?? zeros_like(mean))).MoveToOuterDisposeScope();
            plan.Parameters[prev.Module] = (w2, b2);
            plan.Identity.Add(bn.Module);
        }
    }

    static (Tensor Mean, Tensor Var, Tensor? Gamma, Tensor? Beta, double Eps) Statistics(nn.Module m) => m switch
    {
        BatchNorm1d b => (b.running_mean!, b.running_var!, b.weight, b.bias, b.eps),
        BatchNorm2d b => (b.running_mean!, b.running_var!, b.weight, b.bias, b.eps),
        BatchNorm3d b => (b.running_mean!, b.running_var!, b.weight, b.bias, b.eps),
        _ => throw new ArgumentException($"{m.GetType().Name} is not a BatchNorm."),
    };
}
