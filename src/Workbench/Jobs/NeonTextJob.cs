using System.Globalization;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Datasets.Formats;
using Workbench.Evaluation;
using Workbench.Neuralization;
using Workbench.Text;
using Workbench.Text.Embeddings;
using static TorchSharp.torch;

namespace Workbench.Jobs;

/// <summary>
/// <c>workbench neon text</c> as a library call (NEON §VI-A on the user's texts): documents → words (letter runs ≥ 3,
/// stop words removed) → mean word vector → kernel k-means (App. F, M support vectors per cluster; initialised from the
/// labels when given, as the paper does) → word-level NEON. Writes the highlighted documents as one HTML file and the
/// per-cluster word relevance as CSV (<c>cluster, rank, word, relevance, occurrences</c>), all or nothing.
/// </summary>
public static class NeonTextJob
{
    /// <summary>Runs the job; returns the lines to print.</summary>
    /// <param name="docs">a folder (one file per document; e-mails are cleaned) or a CSV with columns id,text[,label]</param>
    /// <param name="labels">optional CSV id,label (overrides a label column of <paramref name="docs"/>)</param>
    /// <param name="embeddings">a catalog id (<c>glove-100d</c>) or the path of a wink-format JSON</param>
    /// <param name="k">number of clusters; null: the number of distinct labels</param>
    /// <param name="supportPerCluster">M, support vectors per cluster (NEON §VI-A: 10)</param>
    /// <param name="beta">NEON stiffness; null: Eq. (3)</param>
    /// <param name="seed">seed of k-means++ (without labels), the support-vector draws and the EM noise</param>
    /// <param name="outHtml">the HTML report (every document highlighted, and the word table)</param>
    /// <param name="outWords">the per-cluster word table as CSV</param>
    /// <param name="top">words per cluster in the HTML table</param>
    /// <param name="maxDocuments">documents shown in the HTML report (the first of each cluster by f_c, round robin); null: all</param>
    public static IReadOnlyList<string> Run(string docs, string? labels, string embeddings, int? k, int supportPerCluster, double? beta, long seed,
        string outHtml, string outWords, int top = 20, int? maxDocuments = null)
    {
        if (supportPerCluster < 1) throw new InputException($"--support-per-cluster must be ≥ 1; got {supportPerCluster}.");
        if (k is < 2) throw new InputException($"--k must be ≥ 2; got {k}.");
        var inputs = new List<(string, string)> { (docs, "--docs") };
        if (labels is not null) inputs.Add((labels, "--labels"));
        if (File.Exists(embeddings)) inputs.Add((embeddings, "--embeddings"));
        using var outputs = new OutputFiles(inputs);
        outputs.Add(outHtml, "--out-html");
        outputs.Add(outWords, "--out-words");
        var lines = new List<string>();

        IReadOnlyList<TextDocument> read;
        try { read = TextSources.Read(docs); }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException) { throw new InputException(ex.Message); }
        if (labels is not null)
        {
            IReadOnlyDictionary<string, string> map;
            try { map = TextSources.ReadLabels(labels); }
            catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException) { throw new InputException(ex.Message); }
            var missing = read.Where(d => !map.ContainsKey(d.Id)).Select(d => d.Id).Take(5).ToList();
            if (missing.Count > 0) throw new InputException($"--labels has no label for {string.Join(", ", missing)}{(missing.Count == 5 ? ", …" : "")}; give one row id,label per document.");
            read = read.Select(d => d with { Label = map[d.Id] }).ToList();
        }
        bool labelled = read.All(d => d.Label is not null);
        if (!labelled && read.Any(d => d.Label is not null))
            throw new InputException($"{read.Count(d => d.Label is null)} of {read.Count} documents have no label; label all of them or none.");

        var log = new StringWriter();
        WordVectors wv;
        try
        {
            var vocab = DocumentVectors.Vocabulary(read);
            wv = File.Exists(embeddings)
                ? WordVectors.FromJson(embeddings, vocab, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(embeddings))!, ".vocab-cache"), log: log)
                : WordVectors.Load(vocab, embeddings, log);
        }
        catch (ArgumentException ex) when (!File.Exists(embeddings)) { throw new InputException($"--embeddings: {ex.Message} Give a catalog id (glove-100d) or a wink-format JSON file."); }
        lines.AddRange(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        DocumentVectors dv;
        try { dv = DocumentVectors.Build(read, wv, CPU); }
        catch (ArgumentException ex) { throw new InputException(ex.Message); }
        foreach (var (id, why) in dv.Excluded) lines.Add($"left out {id}: {why}");

        var names = labelled ? dv.Documents.Select(d => d.Label!).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList() : null;
        int kk = k ?? names?.Count ?? throw new InputException("give --k (the number of clusters) or labels (--labels or a label column).");
        if (kk < 2) throw new InputException($"the labels name only {kk} class; kernel k-means needs K ≥ 2 (give --k).");
        if (dv.Count < kk) throw new InputException($"{dv.Count} documents cannot form {kk} clusters; give more documents or a smaller --k.");
        Tensor? init = null;
        if (names is not null)
        {
            if (kk != names.Count) throw new InputException($"--k {kk} differs from the {names.Count} distinct labels; the clustering starts from the labels, so leave --k out or drop the labels.");
            init = tensor(dv.Documents.Select(d => (long)names.IndexOf(d.Label!)).ToArray());
        }
        using var scope = NewDisposeScope();
        var km = new KernelKMeans(kk, supportPerCluster: supportPerCluster, nInit: init is null ? 10 : 1, seed: seed, device: CPU).Fit(dv.X, init);
        var net = new NeuralizedKernelKMeans(km.Support, km.SupportLabels, km.Gamma);
        var f = net.F(dv.X);
        double b = beta ?? Propagation.Stiffness.Heuristic(f);
        var e = WordRelevance.Explain(net, dv, b);
        for (int n = 0; n < dv.Count; n++)
            if (!double.IsFinite(e.F[n]) || e.Words[n].Where((r, t) => dv.TokenRows[n][t] >= 0).Any(r => !double.IsFinite(r)))
                throw new InputException($"document {dv.Documents[n].Id}: the relevance is not finite (extreme word vectors?); nothing was written.");
        var clusterNames = Enumerable.Range(0, kk).Select(c => names is null ? $"cluster {c}" : $"cluster {c} (from {names[c]})").ToList();
        var table = ClusterWords.Table(dv, e, kk, clusterNames);

        outputs.Write(outWords, new[] { "cluster", "rank", "word", "relevance", "occurrences" },
            table.SelectMany((row, c) => row.Words.Select((w, i) => (IReadOnlyList<object>)new object[] { c, i + 1, w.Word, w.Relevance, w.Occurrences })),
            "a word relevance is not finite.");
        var show = ShowOrder(e, kk, maxDocuments ?? dv.Count);
        var html = HighlightedText.Page($"NEON word relevance: {dv.Count} documents, K = {kk}",
            HighlightedText.WordTable(table, top), HighlightedText.Html(dv, e, show, clusterNames));
        outputs.WriteText(outHtml, html);
        outputs.Commit();

        lines.Add(FormattableString.Invariant($"kernel k-means: {dv.Count} documents, d = {dv.Embedding.Dimensions}, K = {kk}, M = {supportPerCluster}, γ = {km.Gamma:G6}, β = {b:G6}{(beta is null ? " (Eq. 3)" : "")}") +
                  (init is null ? ", k-means++ start" : ", started from the labels"));
        if (init is not null) lines.Add(FormattableString.Invariant($"ARI against the labels: {ClusterMetrics.AdjustedRand(init, km.Labels):F3}"));
        lines.Add($"wrote {outHtml} ({show.Length} documents) and {outWords}.");
        return lines;
    }

    /// <summary>Documents to show: round robin over the clusters, each cluster's documents by decreasing f_c.</summary>
    static int[] ShowOrder(WordExplanation e, int k, int max)
    {
        var queues = Enumerable.Range(0, k).Select(c => new Queue<int>(Enumerable.Range(0, e.F.Length).Where(n => e.Clusters[n] == c).OrderByDescending(n => e.F[n]))).ToList();
        var order = new List<int>();
        while (order.Count < max && queues.Any(q => q.Count > 0))
            foreach (var q in queues) if (q.Count > 0 && order.Count < max) order.Add(q.Dequeue());
        return order.ToArray();
    }
}
