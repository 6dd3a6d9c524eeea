using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Gating;

/// <summary>
/// IDC's local gating network (model.py:77-82): Linear(D, H_g) → tanh → Linear(H_g, D) → tanh, giving gate means
/// μ(x) ∈ (−1, 1)^D, one per feature and sample.
/// </summary>
public sealed class GatingNetwork : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1, fc2;

    /// <param name="features">D, the input width</param>
    /// <param name="hidden">H_g, the hidden width</param>
    public GatingNetwork(long features, long hidden) : base(nameof(GatingNetwork))
    {
        if (features < 1 || hidden < 1) throw new ArgumentException($"features and hidden must be ≥ 1; got {features}, {hidden}.");
        fc1 = nn.Linear(features, hidden);
        fc2 = nn.Linear(hidden, features);
        RegisterComponents();
    }

    /// <summary>Gate means μ(x), [B,D].</summary>
    public override Tensor forward(Tensor x) => fc2.forward(fc1.forward(x).tanh()).tanh();
}
