using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Gating;

/// <summary>
/// IDC's global gates (model.py:84-102): one row of logits Z_G ∈ R^{K×D} per cluster, initialised N(0, 0.01²);
/// μ_G = tanh(Z_G[ŷ]) for the cluster ŷ of each sample, gated like the local gates.
/// </summary>
public sealed class GlobalGates : nn.Module<Tensor, Tensor>
{
    /// <summary>Z_G, [K,D].</summary>
    public Parameter Logits { get; }

    /// <param name="clusters">K</param>
    /// <param name="features">D</param>
    /// <param name="generator">draws the N(0, 0.01²) initialisation</param>
    public GlobalGates(long clusters, long features, Generator? generator = null) : base(nameof(GlobalGates))
    {
        // Built outside any caller's dispose scope: a Parameter made from a managed tensor joins the active scope and would
        // be freed when it closes (Idc.Fit runs in one), leaving the fitted module with an empty handle.
        using (var init = NewDisposeScope())
        {
            Logits = new Parameter(0.01 * randn(new[] { clusters, features }, generator: generator));
            Logits.DetachFromDisposeScope();
        }
        register_parameter("logits", Logits);
    }

    /// <summary>Gate means μ_G = tanh(Z_G[cluster]) of each sample, [B,D], for clusters [B] int64.</summary>
    public override Tensor forward(Tensor cluster) => Logits.index_select(0, cluster).tanh();

    /// <summary>Noise-free global gates of every cluster, clamp(tanh(Z_G) + 0.5, 0, 1), [K,D].</summary>
    public Tensor Gates() { using var _ = no_grad(); return StochasticGates.Deterministic(Logits.tanh()); }
}
