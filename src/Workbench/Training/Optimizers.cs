using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Training;

/// <summary>Optimizer factories for <see cref="Trainer"/>: <c>(parameters, learning rate) → optimizer</c>.</summary>
public static class Optimizers
{
    /// <summary>Adam with PyTorch's defaults (β = (0.9, 0.999), ε = 1e-8).</summary>
    public static optim.Optimizer Adam(IEnumerable<Parameter> parameters, double learningRate) => optim.Adam(parameters, lr: learningRate);

    /// <summary>Keras' <c>Adam(learning_rate)</c>: β = (0.9, 0.999) and ε = 1e-7 (Keras' default; PyTorch's is 1e-8).</summary>
    public static optim.Optimizer KerasAdam(IEnumerable<Parameter> parameters, double learningRate) =>
        optim.Adam(parameters, lr: learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-7);

    /// <summary>Plain stochastic gradient descent.</summary>
    public static optim.Optimizer Sgd(IEnumerable<Parameter> parameters, double learningRate) => optim.SGD(parameters, learningRate);

    /// <summary>SGD with momentum <paramref name="momentum"/> (e.g. 0.9).</summary>
    public static Func<IEnumerable<Parameter>, double, optim.Optimizer> SgdMomentum(double momentum) =>
        (parameters, learningRate) => optim.SGD(parameters, learningRate, momentum: momentum);
}
