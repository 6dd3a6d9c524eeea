using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Propagation;

/// <summary>The stiffness heuristic of NEON §II-B Eq. (3): β = 𝔼[f_c]⁻¹, the expectation over the dataset.</summary>
public static class Stiffness
{
    /// <summary>β = 1 / mean(f_c) over the given outputs (one per point, each for its assigned cluster).</summary>
    public static double Heuristic(Tensor f)
    {
        double mean = f.to(float64).mean().ToDouble();
        if (!(mean > 0) || double.IsInfinity(mean))
            throw new ArgumentException($"the β heuristic (Eq. 3) needs a positive mean f_c over the data; got {mean}. " +
                                        "Evaluate f_c for each point's assigned cluster, or give β explicitly.");
        return 1.0 / mean;
    }
}
