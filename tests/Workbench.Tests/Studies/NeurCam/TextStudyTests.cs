using TorchSharp;
using Workbench.Additive;
using Workbench.Evaluation;
using Workbench.Studies.NeurCam;
using Workbench.Text;
using static TorchSharp.torch;

namespace Workbench.Tests.Studies.NeurCam;

/// <summary>The text protocol (lowest-inertia run of the seeds, the final loss, top words) on a small two-topic corpus.</summary>
public class TextStudyTests
{
    /// <summary>Two topics: documents of topic t draw their words from topic t's words plus shared filler; x̃ separates the topics.</summary>
    static TextSet TwoTopics(int perTopic = 60, long seed = 0)
    {
        var rng = new Random((int)seed);
        string[][] topic = { new[] { "apple", "banana", "cherry", "grape" }, new[] { "engine", "wheel", "brake", "gear" } };
        string[] filler = { "today", "people", "thing", "place" };
        var docs = new List<TextDocument>(); var tokens = new List<IReadOnlyList<string>>(); var labels = new List<long>(); var rep = new List<double[]>();
        for (int i = 0; i < 2 * perTopic; i++)
        {
            int t = i % 2;
            var words = Enumerable.Range(0, 6).Select(_ => rng.Next(3) == 0 ? filler[rng.Next(4)] : topic[t][rng.Next(4)]).ToList();
            docs.Add(new TextDocument($"d{i}", string.Join(' ', words), t == 0 ? "fruit" : "cars"));
            tokens.Add(words); labels.Add(t);
            rep.Add(new[] { (t == 0 ? -2.0 : 2.0) + 0.3 * (rng.NextDouble() - 0.5), 0.3 * (rng.NextDouble() - 0.5) });
        }
        var tf = TextTermFrequency.Build(tokens);
        var r = new double[rep.Count, 2];
        for (int i = 0; i < rep.Count; i++) { r[i, 0] = rep[i][0]; r[i, 1] = rep[i][1]; }
        return new TextSet(docs, new[] { "fruit", "cars" }, tensor(labels.ToArray()), tf, tensor(r), Array.Empty<(string, string)>());
    }

    static Workbench.Additive.NeurCam Small(long seed, int c = 4) =>
        new(2, singleChannels: c, hidden: new[] { 16, 16 }, bases: 8, epochs: 40, batchSize: 64, learningRate: 1e-2, m: 1.025, init: CentroidInit.MiniBatchKMeans, seed: seed);

    [Fact]
    public void BestKeepsTheLowestInertiaRunAndItsLossIsEquation15()
    {
        var set = TwoTopics();
        var run = TextStudy.Best("NCAM", set, new long[] { 0, 1, 2 }, s => Small(s));
        Assert.Equal(3, run.SeedInertias.Count);
        Assert.Equal(run.SeedInertias.Min(), run.Inertia);
        Assert.Equal(run.SeedInertias.ToList().IndexOf(run.Inertia), (int)run.Seed);
        Assert.Equal(TabularStudy.InertiaPerPoint(set.Representation, run.Model.Labels), run.Inertia, 12);
        Assert.Equal(ClusterMetrics.AdjustedRand(set.Labels, run.Model.Labels), run.Ari, 12);
        // Eq. 15 as the code averages it, by hand: mean over n,k of w_nk^m ‖x̃_n − z̃_k‖²
        var w = run.Model.PredictProba(set.Words.X).to(ScalarType.Float64).data<double>().ToArray();
        var z = run.Model.Centroids.to(ScalarType.Float64).data<double>().ToArray();
        var rep = set.Representation.data<double>().ToArray();
        double sum = 0;
        for (int n = 0; n < set.Count; n++)
            for (int k = 0; k < 2; k++)
            {
                double d2 = 0;
                for (int j = 0; j < 2; j++) d2 += Math.Pow(rep[n * 2 + j] - z[k * 2 + j], 2);
                sum += Math.Pow(w[n * 2 + k], 1.025) * d2;
            }
        Assert.Equal(sum / (set.Count * 2), run.Loss, 6);
        // two clean topics: the clustering recovers them with at most 4 words
        Assert.True(run.Ari > 0.9, $"ARI {run.Ari}");
        Assert.True(run.Model.ShapeGraphs().Terms.Count <= 4);
    }

    [Fact]
    public void TopWordsAreTheMostImportantSelectedWordsPerCluster()
    {
        var set = TwoTopics(seed: 1);
        var model = Small(0).Fit(set.Words.X, set.Representation);
        var top = TextStudy.TopWords(model, set, perCluster: 3);
        var imp = model.ShapeGraphs().Importance(set.Words.X);
        var terms = model.ShapeGraphs().Terms;
        for (int k = 0; k < 2; k++)
        {
            var rows = top.Where(r => r.Cluster == k).ToList();
            Assert.Equal(Math.Min(3, terms.Count), rows.Count);
            Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.Importance >= p.Second.Importance));
            Assert.Equal(terms.Max(t => imp[terms.ToList().IndexOf(t), k].ToDouble()), rows[0].Importance, 6);
            Assert.All(rows, r => Assert.Contains(r.Word, set.Words.Vocabulary));
        }
        var names = TextStudy.ClusterNames(set, model.Labels, 2);
        Assert.Equal(2, names.Count);
    }
}
