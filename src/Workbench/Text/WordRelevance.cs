using TorchSharp;
using Workbench.Neuralization;
using static TorchSharp.torch;

namespace Workbench.Text;

/// <summary>
/// NEON explanations of a kernel k-means clustering of documents, word by word (NEON §VI-A). The averaging
/// x = (1/|𝒟|) Σ_t φ(t) and layer 1 of the neuralized model are both linear, so they merge into one layer whose inputs
/// are the words: z_{t,ij} = (1/|𝒟|)·w_ijᵀ(φ(t) − m_ij) with m_ij = (u_i + u_j)/2, and Σ_t z_{t,ij} = h_ij. Each word
/// receives R_t = Σ_ij z_{t,ij}/h_ij · R_ij, the relevance R_ij reaching layer 1 (after the min-take-most pools, the
/// footnote-1 soft pools and the dissipation Eq. 10) redistributed in proportion to its contribution, summed over the
/// embedding dimensions. Hence Σ_t R_t equals the relevance that reaches the input dimensions (Σ_i R_i of Eq. 4), and
/// a word that occurs twice gets the sum of its two occurrences.
/// </summary>
public static class WordRelevance
{
    /// <summary>
    /// Relevance of every word occurrence of every document of <paramref name="docs"/> for the cluster
    /// <paramref name="clusters"/> (default: the model's own assignment), with stiffness <paramref name="beta"/>
    /// (null: Eq. 3 over the documents). Out-of-vocabulary words get NaN (they are not in the model's input).
    /// </summary>
    public static WordExplanation Explain(NeuralizedKernelKMeans model, DocumentVectors docs, double? beta = null, Tensor? clusters = null)
    {
        using var scope = NewDisposeScope();
        var x = docs.X.to(model.Support.device);
        using var q = model.Coefficients(x, beta, clusters);
        var u = model.Support;
        // Eq. (4) is R = 2x ⊙ (C U) − C (U ⊙ U); with x = (1/|𝒟|) Σ_t φ(t) and Σ_s C_s = 0 per row, word t takes
        // R_t = (1/|𝒟|) Σ_dims [2φ(t) ⊙ (C U) − C (U ⊙ U)]  (z_{t,ij} summed with weights q_ij = R_ij/h_ij)
        var a = 2 * q.Coefficients.matmul(u);                                        // [N,d]
        var b = q.Coefficients.matmul(u * u).sum(1);                                 // [N]
        var docOf = new List<long>(); var rowOf = new List<long>();
        for (int n = 0; n < docs.Count; n++)
            foreach (var r in docs.TokenRows[n]) if (r >= 0) { docOf.Add(n); rowOf.Add(r); }
        var di = tensor(docOf.ToArray(), device: u.device);
        var phi = docs.Embedding.Vectors.to(u.device).index_select(0, tensor(rowOf.ToArray(), device: u.device)); // [T,d]
        var counts = tensor(docs.InVocabularyCounts.Select(c => (double)c).ToArray(), device: u.device);
        var rt = ((phi * a.index_select(0, di)).sum(1) - b.index_select(0, di)) / counts.index_select(0, di);     // [T]
        var inputR = Propagation.MidpointRule.Apply(x, u, q.Coefficients).sum(1);    // Σ_i R_i of Eq. (4), [N]
        var flat = rt.cpu().data<double>().ToArray();
        var perDoc = new double[docs.Count][];
        int k = 0;
        for (int n = 0; n < docs.Count; n++)
        {
            var rows = docs.TokenRows[n];
            perDoc[n] = new double[rows.Length];
            for (int t = 0; t < rows.Length; t++) perDoc[n][t] = rows[t] >= 0 ? flat[k++] : double.NaN;
        }
        return new WordExplanation(q.Clusters.cpu().data<long>().ToArray(), q.F.cpu().data<double>().ToArray(),
            inputR.cpu().data<double>().ToArray(), perDoc);
    }
}

/// <summary>
/// Word-level NEON explanations of N documents: the cluster each is explained for, f_c, the total relevance reaching
/// the input dimensions (Σ_i R_i; the soft pools and Eq. 10 make it differ slightly from f_c) and the relevance of each word occurrence
/// (NaN: out of vocabulary), aligned with <see cref="DocumentVectors.Tokens"/>.
/// </summary>
public sealed record WordExplanation(long[] Clusters, double[] F, double[] InputRelevance, double[][] Words)
{
    /// <summary>Σ_t R_t of document <paramref name="n"/> over its in-vocabulary words.</summary>
    public double WordSum(int n) => Words[n].Where(double.IsFinite).Sum();

    /// <summary>Relevance per distinct word of document <paramref name="n"/> (occurrences summed), largest first.</summary>
    public IReadOnlyList<(string Word, double Relevance, int Count)> ByWord(DocumentVectors docs, int n) =>
        docs.Tokens[n].Select((t, i) => (t.Word, R: Words[n][i])).Where(p => double.IsFinite(p.R))
            .GroupBy(p => p.Word).Select(g => (g.Key, g.Sum(p => p.R), g.Count())).OrderByDescending(p => p.Item2).ToList();
}
