using System.Text;
using TorchSharp;
using Workbench.Additive;
using Workbench.Studies.NeurCam;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Tests.Additive;

/// <summary>NeurCam.Save / NeurCam.Load: same predictions and contributions after a round trip, clear refusals.</summary>
public class NeurCamPersistenceTests
{
    static double MaxAbs(Tensor t) => t.abs().max().ToDouble();

    static (NeurCam Model, Tensor X) Fitted()
    {
        var set = SyntheticSets.Blobs(n: 240, d: 5, seed: 5);
        var model = new NeurCam(3, pairChannels: 2, hidden: new[] { 8, 8 }, bases: 4, epochs: 12, batchSize: 64, learningRate: 1e-2,
            init: CentroidInit.MiniBatchKMeans, seed: 3).Fit(set.X, set.Representation);
        return (model, set.X);
    }

    static string TempFile() => Path.Combine(Path.GetTempPath(), $"neurcam-test-{Guid.NewGuid():N}.bin");

    [Fact]
    public void RoundTripGivesTheSameModel()
    {
        var (model, x) = Fitted();
        var path = TempFile();
        try
        {
            model.Save(path);
            var loaded = NeurCam.Load(path);
            Assert.True(MaxAbs(loaded.DecisionFunction(x) - model.DecisionFunction(x)) <= 1e-6);
            Assert.True(loaded.Predict(x).eq(model.Predict(x)).all().item<bool>());
            Assert.True(loaded.Labels.eq(model.Labels).all().item<bool>());
            Assert.True(MaxAbs(loaded.ChannelContributions(x) - model.ChannelContributions(x)) <= 1e-6);
            Assert.True(MaxAbs(loaded.ShapeGraphs().TermContributions(x) - model.ShapeGraphs().TermContributions(x)) <= 1e-6);
            Assert.True(MaxAbs(loaded.Centroids - model.Centroids) <= 1e-6);
            Assert.Equal(model.SelectedFeatures.data<long>().ToArray(), loaded.SelectedFeatures.data<long>().ToArray());
            Assert.Equal(model.SelectedPairs.data<long>().ToArray(), loaded.SelectedPairs.data<long>().ToArray());
            Assert.Equal(0.0, MaxAbs(loaded.FeatureMean - model.FeatureMean));
            Assert.Equal(0.0, MaxAbs(loaded.FeatureScale - model.FeatureScale));
            Assert.Equal((model.K, model.SingleChannels, model.PairChannels, model.Bases, model.M, model.Epochs, model.Seed, model.Init),
                         (loaded.K, loaded.SingleChannels, loaded.PairChannels, loaded.Bases, loaded.M, loaded.Epochs, loaded.Seed, loaded.Init));
            Assert.Equal(model.Hidden, loaded.Hidden);
            Assert.Equal(model.History, loaded.History);
            Assert.Equal(model.AllGatesHardAtLock, loaded.AllGatesHardAtLock);
            Assert.True(loaded.IsFitted);
            Assert.Equal(x.shape[1], loaded.NFeaturesIn);
            Assert.False(loaded.Network.SingleLogits.requires_grad);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AFileOfAnotherKindOrArchitectureIsRefused()
    {
        var (model, _) = Fitted();
        var other = TempFile();
        var path = TempFile();
        try
        {
            // a TorchSharp module checkpoint, not a NeurCam file (a module without weights: creating weights would draw from
            // torch's global generator, which tests running in parallel, e.g. the DAE's, rely on)
            Trainer.SaveCheckpoint(nn.Sequential(("relu", nn.ReLU())), other);
            Assert.Contains("not a NeurCam file", Assert.Throws<InvalidDataException>(() => NeurCam.Load(other)).Message);
            model.Save(path);
            var bytes = File.ReadAllBytes(path);
            int at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("\"Bases\":4,"));
            Assert.True(at > 0);
            int byteAt = at + "\"Bases\":".Length;
            bytes[byteAt] = (byte)'5';                                              // the header now declares 5 bases; the tensors hold 4
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => NeurCam.Load(path));
            Assert.Contains("another architecture", e.Message);
            Assert.Contains("5 bases", e.Message);
            Assert.Contains("No NeurCam file", Assert.Throws<FileNotFoundException>(() => NeurCam.Load(path + ".missing")).Message);
            using (var w = new BinaryWriter(File.Create(other), Encoding.UTF8)) { w.Write("WORKBENCH-NEURCAM"); w.Write(1); w.Write("{not json"); }
            Assert.Contains("header is damaged", Assert.Throws<InvalidDataException>(() => NeurCam.Load(other)).Message);
        }
        finally { File.Delete(other); File.Delete(path); }
    }

    [Fact]
    public void NaNIsNeverWrittenAndAnExistingFileSurvives()
    {
        var (model, _) = Fitted();
        var dir = Path.Combine(Path.GetTempPath(), $"neurcam-test-{Guid.NewGuid():N}");
        var path = Path.Combine(dir, "model.bin");
        try
        {
            model.Save(path);
            var before = File.ReadAllBytes(path);
            using (no_grad()) model.Network.SingleHeads[0, 1, 2] = float.NaN;
            var e = Assert.Throws<InvalidOperationException>(() => model.Save(path));
            Assert.Contains("NaN", e.Message);
            Assert.Contains("single_heads", e.Message);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(dir));
            Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => new NeurCam(2).Save(path)).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
