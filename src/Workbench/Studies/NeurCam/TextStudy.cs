using System.Diagnostics;
using TorchSharp;
using Workbench.Evaluation;
using Workbench.Text;
using Workbench.Text.Embeddings;
using Workbench.Text.Mail;
using static TorchSharp.torch;
using Model = Workbench.Additive.NeurCam;

namespace Workbench.Studies.NeurCam;

/// <summary>
/// The text set of NeurCAM §5.3 on the substitutes available here: the mailing-list e-mail of <see cref="MailCorpus"/>
/// (labelled by List-Id) for AG News/DBpedia/20NG/Yahoo, the interpretable x = L2-normalised term frequencies
/// (<see cref="TextTermFrequency"/>), and x̃ = the mean GloVe-100 vector of the words (<see cref="DocumentVectors"/>)
/// standing in for MPNet sentence embeddings.
/// </summary>
/// <param name="Documents">the kept documents (label = list), row order of every tensor</param>
/// <param name="Lists">the lists, label index order</param>
/// <param name="Labels">true list of each document, [N] int64</param>
/// <param name="Words">the interpretable term-frequency features x</param>
/// <param name="Representation">x̃, mean word vectors, [N,100] float64</param>
/// <param name="Excluded">documents dropped, with the reason</param>
public sealed record TextSet(IReadOnlyList<TextDocument> Documents, IReadOnlyList<string> Lists, Tensor Labels, TextTermFrequency Words,
    Tensor Representation, IReadOnlyList<(string Id, string Reason)> Excluded)
{
    /// <summary>Number of documents N.</summary>
    public int Count => Documents.Count;
    /// <summary>Number of lists K.</summary>
    public int K => Lists.Count;
    /// <summary>Short list names (List-Id before the first dot).</summary>
    public IReadOnlyList<string> ShortNames => Lists.Select(l => l.Split('.')[0]).ToList();
}

/// <summary>One kept NeurCAM run (lowest hard inertia among the seeds) with its fitted model and final loss.</summary>
/// <param name="Method">method name (e.g. "NCAM", "N2CAM · No KL")</param>
/// <param name="Seed">seed of the kept run</param>
/// <param name="Model">the fitted model of the kept run</param>
/// <param name="Ari">ARI of the hard labels</param>
/// <param name="Nmi">NMI of the hard labels</param>
/// <param name="Acc">Hungarian accuracy of the hard labels</param>
/// <param name="Inertia">hard inertia per point in x̃ around the cluster means (Eqs. 22–23 / N)</param>
/// <param name="Loss">the clustering loss (Eq. 15) on all documents with the learned centroids, averaged over N·K as the code does</param>
/// <param name="Seconds">wall time of the kept run's fit</param>
/// <param name="SeedInertias">inertia of every seed, in seed order</param>
public sealed record TextRun(string Method, long Seed, Model Model, double Ari, double Nmi, double Acc, double Inertia, double Loss, double Seconds,
    IReadOnlyList<double> SeedInertias);

/// <summary>Builds the NeurCAM text set and runs the Table 2/3 protocol on it (lowest-inertia run of several seeds).</summary>
public static class TextStudy
{
    /// <summary>
    /// At most <paramref name="perList"/> messages of every list with ≥ <paramref name="minPerList"/> messages (drawn with
    /// <paramref name="seed"/>), tokenised as NEON §VI-A (letter runs ≥ 3, sklearn stop words), x from the words with
    /// document frequency in [<paramref name="minDf"/>, <paramref name="maxDf"/>]·N. Documents without a kept word or
    /// without a word vector are dropped and listed in <see cref="TextSet.Excluded"/>.
    /// </summary>
    public static TextSet Load(int perList = 150, int minPerList = 100, double minDf = 0.01, double maxDf = 0.99, long seed = 0,
        TextWriter? log = null, Device? device = null)
    {
        var corpus = MailCorpus.Load(minPerList);
        var mails = corpus.Sample(perList, seed);
        var docs = mails.Select(m => new TextDocument(m.Id, m.Text, m.List)).ToList();
        var wv = WordVectors.Load(DocumentVectors.Vocabulary(docs), log: log);
        var dv = DocumentVectors.Build(docs, wv, device);                      // x̃: mean GloVe vector (drops docs without a vector)
        var excluded = dv.Excluded.ToList();
        var tokens = dv.Tokens.Select(t => (IReadOnlyList<string>)t.Select(w => w.Word).ToList()).ToList();
        var tf = TextTermFrequency.Build(tokens, minDf, maxDf, device);
        var keep = tf.X.abs().sum(new long[] { 1 }).gt(0).cpu().data<bool>().ToArray();
        for (int i = 0; i < keep.Length; i++)
            if (!keep[i]) excluded.Add((dv.Documents[i].Id, $"none of its words has a document frequency in [{minDf}, {maxDf}]·N"));
        var rows = tensor(Enumerable.Range(0, keep.Length).Where(i => keep[i]).Select(i => (long)i).ToArray(), device: tf.X.device);
        var kept = Enumerable.Range(0, keep.Length).Where(i => keep[i]).Select(i => dv.Documents[i]).ToList();
        // rebuild x on the kept documents so that the document frequencies refer to them
        var words = TextTermFrequency.Build(Enumerable.Range(0, keep.Length).Where(i => keep[i]).Select(i => tokens[i]).ToList(), minDf, maxDf, device);
        var lists = corpus.Lists;
        var labels = tensor(kept.Select(d => (long)lists.ToList().IndexOf(d.Label!)).ToArray(), device: tf.X.device);
        return new TextSet(kept, lists, labels, words, dv.X.index_select(0, rows.to(dv.X.device)), excluded);
    }

    /// <summary>
    /// Fits <paramref name="make"/>(seed) on (x, x̃) of <paramref name="set"/> for every seed and keeps the run with the
    /// lowest hard inertia (NeurCAM §5.1: "five runs … select the run with the lowest Inertia").
    /// </summary>
    public static TextRun Best(string method, TextSet set, IEnumerable<long> seeds, Func<long, Model> make)
    {
        TextRun? best = null;
        var inertias = new List<double>();
        foreach (var seed in seeds)
        {
            var sw = Stopwatch.StartNew();
            var model = make(seed).Fit(set.Words.X, set.Representation);
            double secs = sw.Elapsed.TotalSeconds;
            var labels = model.Labels;
            double inertia = TabularStudy.InertiaPerPoint(set.Representation, labels);
            inertias.Add(inertia);
            if (best is not null && inertia >= best.Inertia) continue;
            best = new TextRun(method, seed, model, ClusterMetrics.AdjustedRand(set.Labels, labels), ClusterMetrics.NormalizedMutualInfo(set.Labels, labels),
                ClusterMetrics.Accuracy(set.Labels, labels), inertia, FinalLoss(model, set.Words.X, set.Representation), secs, inertias);
        }
        if (best is null) throw new ArgumentException("No seeds were given.", nameof(seeds));
        return best with { SeedInertias = inertias };
    }

    /// <summary>The clustering loss of Eq. 15 of a fitted model on (x, x̃), as the code averages it (mean over N·K of w^m ‖x̃ − z̃_k‖²).</summary>
    public static double FinalLoss(Model model, Tensor x, Tensor representation)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = model.PredictProba(x).to(ScalarType.Float64);
        return Model.ClusteringLoss(w, representation.to(ScalarType.Float64, w.device), model.Centroids.to(ScalarType.Float64, w.device), model.M).ToDouble();
    }

    /// <summary>
    /// For each cluster, the words (single terms) with the largest importance (mean |centred contribution| over the
    /// documents, Lou et al.), with the sign of their effect where the word occurs: the mean centred contribution over
    /// the documents that contain the word.
    /// </summary>
    public static IReadOnlyList<(int Cluster, string Word, double Importance, double WhenPresent)> TopWords(Model model, TextSet set, int perCluster = 8)
    {
        var sg = model.ShapeGraphs();
        using var scope = NewDisposeScope();
        var x = set.Words.X;
        var imp = sg.Importance(x).to(ScalarType.Float64).cpu();                    // [T,K]
        var (_, centred) = sg.Centred(x, x);                                         // [N,T,K]
        var rows = new List<(int, string, double, double)>();
        var singles = sg.Terms.Select((t, i) => (t, i)).Where(p => p.t.IsSingle).ToList();
        for (int k = 0; k < model.K; k++)
        {
            foreach (var (term, ti) in singles.OrderByDescending(p => imp[p.i, k].ToDouble()).Take(perCluster))
            {
                var present = x[.., term.I].gt(0);
                double when = present.any().ToBoolean() ? centred[.., ti, k].to(ScalarType.Float64).masked_select(present.to(centred.device)).mean().ToDouble() : 0;
                rows.Add((k, set.Words.Vocabulary[term.I], imp[ti, k].ToDouble(), when));
            }
        }
        return rows;
    }

    /// <summary>Cluster names for display: the short name of the list most of the cluster's documents come from, with its share.</summary>
    public static IReadOnlyList<string> ClusterNames(TextSet set, Tensor labels, int k)
    {
        var lab = set.Labels.cpu().data<long>().ToArray();
        var pred = labels.cpu().data<long>().ToArray();
        var names = new List<string>();
        for (int c = 0; c < k; c++)
        {
            var members = Enumerable.Range(0, pred.Length).Where(i => pred[i] == c).Select(i => lab[i]).ToArray();
            if (members.Length == 0) { names.Add($"{c} (empty)"); continue; }
            var top = members.GroupBy(v => v).OrderByDescending(g => g.Count()).First();
            names.Add($"{c}: {set.ShortNames[(int)top.Key]} {100.0 * top.Count() / members.Length:F0}%");
        }
        return names;
    }
}
