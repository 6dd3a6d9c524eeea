namespace Workbench.Tests.Fixtures;

/// <summary>
/// Tests that train through <see cref="Workbench.Training.Trainer"/> (which seeds torch's global generator) or change
/// torch's thread count run alone, so they cannot disturb tests that rely on the global generator in parallel
/// (e.g. <c>TrainerTests.TrainingIsDeterministicForASeedOnTheCpu</c>).
/// </summary>
[CollectionDefinition("torch global state", DisableParallelization = true)]
public sealed class TorchGlobalState { }
