using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Workbench.Training;

/// <summary>Loss functions for <see cref="Trainer"/>: <c>(output, target) → scalar</c>, averaged over the batch.</summary>
public static class Losses
{
    /// <summary>Cross-entropy of logits [B, C] against class indices [B] (int64).</summary>
    public static Tensor CrossEntropy(Tensor output, Tensor target) => F.cross_entropy(output, target);

    /// <summary>Binary cross-entropy of logits against 0/1 targets of the same shape (a sigmoid output trained stably).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor output, Tensor target) => F.binary_cross_entropy_with_logits(output, target);

    /// <summary>Mean squared error.</summary>
    public static Tensor MeanSquaredError(Tensor output, Tensor target) => F.mse_loss(output, target);
}

/// <summary>
/// Metrics for <see cref="Trainer"/>: <c>(output, target) → number of hits in the batch</c> (a scalar tensor, summed on the
/// device); the trainer divides by the number of samples, so the metric is a share in [0, 1] where higher is better.
/// </summary>
public static class Metrics
{
    /// <summary>Correct class predictions: argmax of logits [B, C] equals the class index [B].</summary>
    public static Tensor Accuracy(Tensor output, Tensor target) => output.argmax(1).eq(target).sum();

    /// <summary>Correct binary predictions: logit &gt; 0 agrees with a 0/1 target (&gt; 0.5).</summary>
    public static Tensor BinaryAccuracy(Tensor output, Tensor target) => output.gt(0).eq(target.gt(0.5)).sum();
}
