namespace Workbench.Additive;

/// <summary>One training epoch: phase, mean clustering loss, mean KL, gate temperatures, learning rate.</summary>
/// <param name="Epoch">Epoch number, counted from 1.</param>
/// <param name="Phase">The phase the epoch ran in.</param>
/// <param name="ClusteringLoss">Mean fuzzy clustering loss over the epoch's batches (Eq. 15 per entry).</param>
/// <param name="Kl">Mean KL self-supervision term over the epoch's batches (Eq. 16).</param>
/// <param name="SingleTemperature">Temperature T of the single-feature gates.</param>
/// <param name="PairTemperature">Temperature T of the pairwise gates.</param>
/// <param name="LearningRate">Adam step size in force (after ReduceLROnPlateau).</param>
public sealed record NeurCamEpoch(int Epoch, NeurCamPhase Phase, double ClusteringLoss, double Kl, double SingleTemperature, double PairTemperature, double LearningRate);
