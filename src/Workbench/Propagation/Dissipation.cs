using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>
/// Partial propagation onto weakly active neurons. NEON Eq. (10) (kernel k-means, layer 1): R_ijk ← R_ijk · h_ijk / h_k;
/// §IV (absolute soft clustering, LME pool): R_k ← R_k · h_k / f_c. The relevance goes continuously to zero as the
/// neuron deactivates; the rest is dissipated.
/// </summary>
public static class Dissipation
{
    /// <summary>R · h / top, with <paramref name="top"/> broadcast over the trailing neuron dimension(s).</summary>
    public static Tensor Apply(Tensor r, Tensor h, Tensor top)
    {
        using var scope = NewDisposeScope();
        var t = top;
        while (t.dim() < r.dim()) t = t.unsqueeze(-1);
        return MidpointRule.SafeRatio(r * h, t).MoveToOuterDisposeScope();
    }
}
