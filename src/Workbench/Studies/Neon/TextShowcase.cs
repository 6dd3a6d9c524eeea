using System.Diagnostics;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Evaluation;
using Workbench.Neuralization;
using Workbench.Text;
using Workbench.Text.Embeddings;
using Workbench.Text.Mail;
using static TorchSharp.torch;

namespace Workbench.Studies.Neon;

/// <summary>
/// NEON §VI-A (Fig. 6) and the Table I <c>news</c> row on the substitutes available here: public mailing-list e-mail
/// (<see cref="MailCorpus"/>, labelled by List-Id) for 20 Newsgroups and GloVe 100-d for spaCy's 300-d vectors. Kernel
/// k-means (App. F) with 10 support vectors per cluster, initialised from the true labels; word-level NEON.
/// </summary>
public sealed class TextShowcase
{
    /// <summary>The paper's §VI-A numbers: ARI of the trained clustering and with assignments fixed to the labels.</summary>
    public const double PaperAri = 0.32, PaperAriFixed = 0.45;

    TextShowcase() { }

    /// <summary>The corpus the documents were drawn from (counts, skipped messages).</summary>
    public MailCorpus Corpus { get; private init; } = null!;
    /// <summary>The embedded documents (label = list).</summary>
    public DocumentVectors Documents { get; private init; } = null!;
    /// <summary>The lists, label index order.</summary>
    public IReadOnlyList<string> Lists { get; private init; } = null!;
    /// <summary>True label of each embedded document, [N] int64.</summary>
    public Tensor Labels { get; private init; } = null!;
    /// <summary>Kernel k-means trained from the true labels (App. F EM).</summary>
    public KernelKMeans Model { get; private init; } = null!;
    /// <summary>Kernel k-means fitted with the assignment held at the true labels.</summary>
    public KernelKMeans FixedModel { get; private init; } = null!;
    /// <summary>The neuralized trained model.</summary>
    public NeuralizedKernelKMeans Network { get; private init; } = null!;
    /// <summary>ARI of the trained model's assignment against the labels.</summary>
    public double Ari { get; private init; }
    /// <summary>ARI of the fixed-assignment model's own assignment against the labels.</summary>
    public double AriFixed { get; private init; }
    /// <summary>β = 1/𝔼[f_c] (Eq. 3) over the documents.</summary>
    public double Beta { get; private init; }
    /// <summary>Word-level NEON for every document and its own cluster.</summary>
    public WordExplanation Explanation { get; private init; } = null!;
    /// <summary>Seconds spent (corpus, vectors, clustering, explanation).</summary>
    public double Seconds { get; private init; }

    /// <summary>
    /// Runs the showcase on at most <paramref name="perList"/> messages of each list with ≥ <paramref name="minPerList"/>
    /// messages (null: all), with <paramref name="nInit"/> kernel k-means restarts of <paramref name="maxIter"/> EM steps.
    /// </summary>
    public static TextShowcase Run(int? perList = 36, int minPerList = 100, int nInit = 1, int maxIter = 100, long seed = 0,
        TextWriter? log = null, Device? device = null)
    {
        var sw = Stopwatch.StartNew();
        var corpus = MailCorpus.Load(minPerList);
        var lists = corpus.Lists;
        var mails = perList is int p ? corpus.Sample(p, seed) : corpus.Documents;
        var docs = mails.Select(m => new TextDocument(m.Id, m.Text, m.List)).ToList();
        var wv = WordVectors.Load(DocumentVectors.Vocabulary(docs), log: log);
        var dv = DocumentVectors.Build(docs, wv, device);
        var labels = tensor(dv.Documents.Select(d => (long)IndexOf(lists, d.Label!)).ToArray(), device: dv.X.device);
        int k = lists.Count;
        var model = new KernelKMeans(k, supportPerCluster: 10, maxIter: maxIter, nInit: nInit, seed: seed, device: device).Fit(dv.X, labels);
        var fixedModel = new KernelKMeans(k, supportPerCluster: 10, maxIter: maxIter, nInit: 1, seed: seed, device: device).Fit(dv.X, labels, fixAssignments: true);
        var net = new NeuralizedKernelKMeans(model.Support, model.SupportLabels, model.Gamma);
        double beta = ExplainedModel.From(net).HeuristicBeta(dv.X);
        var expl = WordRelevance.Explain(net, dv, beta);
        return new TextShowcase
        {
            Corpus = corpus, Documents = dv, Lists = lists, Labels = labels, Model = model, FixedModel = fixedModel, Network = net,
            Ari = ClusterMetrics.AdjustedRand(labels, model.Labels), AriFixed = ClusterMetrics.AdjustedRand(labels, fixedModel.Labels),
            Beta = beta, Explanation = expl, Seconds = sw.Elapsed.TotalSeconds,
        };
    }

    static int IndexOf(IReadOnlyList<string> lists, string list)
    {
        for (int i = 0; i < lists.Count; i++) if (lists[i] == list) return i;
        throw new InvalidOperationException($"list '{list}' is not among the kept lists.");
    }

    /// <summary>Short list names (the part of the List-Id before the first dot, e.g. "ilug").</summary>
    public IReadOnlyList<string> ShortNames => Lists.Select(l => l.Split('.')[0]).ToList();

    /// <summary>
    /// Cluster names for display: the short name of the list most of the cluster's documents come from, with its share
    /// (e.g. "ilug 80%"); "(empty)" for a cluster without documents.
    /// </summary>
    public IReadOnlyList<string> ClusterNames()
    {
        var lab = Labels.cpu().data<long>().ToArray();
        var pred = Model.Labels.cpu().data<long>().ToArray();
        var names = new List<string>();
        for (int c = 0; c < Lists.Count; c++)
        {
            var members = Enumerable.Range(0, pred.Length).Where(i => pred[i] == c).Select(i => lab[i]).ToArray();
            if (members.Length == 0) { names.Add($"{c} (empty)"); continue; }
            var top = members.GroupBy(v => v).OrderByDescending(g => g.Count()).First();
            names.Add($"{c}: {ShortNames[(int)top.Key]} {100.0 * top.Count() / members.Length:F0}%");
        }
        return names;
    }

    /// <summary>
    /// Documents to show as in Fig. 6 (left): two documents assigned to the same cluster but posted to different lists
    /// (the pair of the largest mixed cluster with the largest f_c), then the two documents with the largest f_c in
    /// another cluster. Indices into <see cref="Documents"/>.
    /// </summary>
    public int[] Fig6Examples()
    {
        var lab = Labels.cpu().data<long>().ToArray();
        var f = Explanation.F;
        var c = Explanation.Clusters;
        var picks = new List<int>();
        var byCluster = Enumerable.Range(0, lab.Length).GroupBy(i => c[i]).OrderByDescending(g => g.Select(i => lab[i]).Distinct().Count()).ThenByDescending(g => g.Count());
        foreach (var g in byCluster)
        {
            var bestPerLabel = g.GroupBy(i => lab[i]).Select(h => h.OrderByDescending(i => f[i]).First()).OrderByDescending(i => f[i]).Take(2).ToArray();
            if (bestPerLabel.Length == 2) { picks.AddRange(bestPerLabel); break; }
        }
        long used = picks.Count > 0 ? c[picks[0]] : -1;
        var other = Enumerable.Range(0, lab.Length).Where(i => c[i] != used).GroupBy(i => c[i]).OrderByDescending(g => g.Count()).FirstOrDefault();
        if (other is not null) picks.AddRange(other.OrderByDescending(i => f[i]).Take(2));
        return picks.ToArray();
    }

    /// <summary>
    /// The Table I <c>news</c> row on these documents: Algorithm 1 with the KDE of App. G for random, x², PDA₀ (on the decision function g_c),
    /// (∇f_c)², IG-10 and NEON (the paper gives no PDA_cs or NCA for news), <paramref name="repeats"/> repeats, on at most
    /// <paramref name="maxDocuments"/> documents (the paper's N = 250; a seeded sample when there are more), which also
    /// form the KDE's data. Returns the scores, σ and N.
    /// </summary>
    public (IReadOnlyList<MethodScore> Scores, double Sigma, int N) TableOneRow(int repeats, int? maxDocuments = 250, long seed = 0)
    {
        var x = Documents.X;
        if (maxDocuments is int m && m < x.shape[0])
        {
            var pick = randperm(x.shape[0], generator: Compute.Seeds.Generator(seed)).narrow(0, 0, m).sort().Values;
            x = x.index_select(0, pick.to(x.device));
        }
        var model = ExplainedModel.From(Network);
        var kde = new KdeImputer(x);
        var methods = RelevanceMethods.Create(model, kde, Beta, new[] { "random", "x2", "pda0", "grad2", "ig10", "neon" });
        return (NeonEvaluation.Run(model, x, methods, kde, repeats, seed), kde.Sigma, (int)x.shape[0]);
    }
}
