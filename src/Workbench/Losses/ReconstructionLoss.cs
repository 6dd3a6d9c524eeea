using static TorchSharp.torch;

namespace Workbench.Losses;

/// <summary>Reconstruction error of IDC's four reconstruction terms: the paper writes ‖·‖₁, the code uses MSE.</summary>
public enum ReconstructionKind
{
    /// <summary>Mean squared error (code, TE:185-211). The default.</summary>
    Mse,
    /// <summary>Mean absolute error (paper §3).</summary>
    L1,
}

/// <summary>The reconstruction error itself.</summary>
public static class Reconstruction
{
    /// <summary>Mean error of <paramref name="xHat"/> against <paramref name="x"/> under <paramref name="kind"/>.</summary>
    public static Tensor Loss(Tensor xHat, Tensor x, ReconstructionKind kind) => kind == ReconstructionKind.Mse
        ? nn.functional.mse_loss(xHat, x)
        : nn.functional.l1_loss(xHat, x);
}
