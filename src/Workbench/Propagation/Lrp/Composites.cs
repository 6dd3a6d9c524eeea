using TorchSharp;
using Workbench.Propagation.Lrp.Rules;
using static TorchSharp.torch;

namespace Workbench.Propagation.Lrp;

/// <summary>
/// The named rule recipes (zennit's composites and the NEON paper's VGG recipe). Common to all: activations, BatchNorm and
/// Dropout → <see cref="Pass"/>; average pooling → <see cref="Norm"/>; max-pooling → the gradient (winner-take-all, as
/// zennit) or, with <c>maxPoolAsAverage</c>, <see cref="AveragePool"/>; BatchNorm merged into the layer before it.
/// </summary>
public static class Composites
{
    static Composite Base(Composite c, bool maxPoolAsAverage) => c
        .Then("activations", l => l.IsActivation, new Pass())
        .Then("BatchNorm", l => l.IsBatchNorm, new Pass())
        .Then("Dropout", l => l.IsDropout, new Pass())
        .Then("average pooling", l => l.IsAveragePool, new Norm())
        .Then("max pooling", l => l.IsMaxPool, maxPoolAsAverage ? new AveragePool() : null);

    static Composite Canonized() => new(new MergeBatchNorm());

    /// <summary>One rule on every affine layer (e.g. <see cref="Lrp0"/> everywhere: gradient × input on ReLU networks).</summary>
    public static Composite Uniform(IRule rule, bool maxPoolAsAverage = false) =>
        Base(Canonized().Then("affine layers", l => l.IsAffine, rule), maxPoolAsAverage);

    /// <summary>
    /// zennit's <c>EpsilonGammaBox</c>: the first convolution → z^B(<paramref name="low"/>, <paramref name="high"/>), other
    /// convolutions → γ, fully connected → ε. <paramref name="low"/>/<paramref name="high"/> broadcast to one input, e.g. [C,1,1].
    /// </summary>
    public static Composite EpsilonGammaBox(Tensor low, Tensor high, double epsilon = 1e-6, double gamma = 0.25, double stabilizer = 1e-6, bool maxPoolAsAverage = false) =>
        Base(Canonized()
            .Then("first convolution", l => l.IsConvolution && l.AffineIndex == 0, new ZBox(low, high, stabilizer))
            .Then("convolutions", l => l.IsConvolution, new Gamma(gamma, stabilizer))
            .Then("fully connected", l => l.IsLinear, new Epsilon(epsilon)), maxPoolAsAverage);

    /// <summary>zennit's <c>EpsilonPlus</c>: convolutions → z⁺, fully connected → ε.</summary>
    public static Composite EpsilonPlus(double epsilon = 1e-6, double stabilizer = 1e-6, bool maxPoolAsAverage = false) =>
        Base(Canonized()
            .Then("convolutions", l => l.IsConvolution, new ZPlus(stabilizer))
            .Then("fully connected", l => l.IsLinear, new Epsilon(epsilon)), maxPoolAsAverage);

    /// <summary>zennit's <c>EpsilonAlpha2Beta1</c>: convolutions → αβ with α = 2, β = 1, fully connected → ε.</summary>
    public static Composite EpsilonAlpha2Beta1(double epsilon = 1e-6, double stabilizer = 1e-6, bool maxPoolAsAverage = false) =>
        Base(Canonized()
            .Then("convolutions", l => l.IsConvolution, new AlphaBeta(2, 1, stabilizer))
            .Then("fully connected", l => l.IsLinear, new Epsilon(epsilon)), maxPoolAsAverage);

    /// <summary>
    /// NEON §VI, Fig. 7 on VGG: convolutions in blocks 1–3 → γ = 0.25, in blocks 4–5 → γ = 0.1 (a block ends at each pooling
    /// layer); the first convolution → z^B when bounds are given (our choice; the paper names no pixel rule), fully connected → ε.
    /// </summary>
    public static Composite NeonVgg(Tensor? low = null, Tensor? high = null, double gammaLow = 0.25, double gammaHigh = 0.1, double epsilon = 1e-6, bool maxPoolAsAverage = false)
    {
        var c = Canonized();
        if (low is not null && high is not null)
            c = c.Then("first convolution", l => l.IsConvolution && l.AffineIndex == 0, new ZBox(low, high));
        else if (low is not null || high is not null)
            throw new ArgumentException("give both low and high for the z^B rule on the first convolution, or neither.");
        return Base(c
            .Then("convolutions in blocks 1–3", l => l.IsConvolution && l.Block <= 3, new Gamma(gammaLow))
            .Then("convolutions in blocks 4–5", l => l.IsConvolution, new Gamma(gammaHigh))
            .Then("fully connected", l => l.IsLinear, new Epsilon(epsilon)), maxPoolAsAverage);
    }
}
