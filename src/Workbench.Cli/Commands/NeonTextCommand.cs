using System.CommandLine;
using Workbench.Jobs;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench neon text</c>: NEON §VI-A on your own texts — cluster documents (mean word vectors, kernel k-means) and
/// explain each document's cluster word by word; see <see cref="NeonTextJob"/>.
/// </summary>
static class NeonTextCommand
{
    public static Command Create()
    {
        var docs = new Option<string>("--docs") { Description = "A folder with one text file per document (e-mails are reduced to their cleaned body), or a CSV with the columns id,text[,label].", Required = true };
        var labels = new Option<string>("--labels") { Description = "Optional CSV id,label: the clustering starts from these labels (as NEON §VI-A) and the ARI is reported." };
        var embeddings = new Option<string>("--embeddings") { Description = "Word vectors: the catalog id glove-100d (fetched once) or a wink-format JSON file.", DefaultValueFactory = _ => "glove-100d" };
        var k = new Option<int?>("--k") { Description = "Number of clusters (default: the number of distinct labels)." };
        var m = new Option<int>("--support-per-cluster") { Description = "Support vectors per cluster of the kernel k-means (NEON: 10).", DefaultValueFactory = _ => 10 };
        var beta = new Option<string>("--beta") { Description = "NEON stiffness β: 'auto' = 1/mean f_c (Eq. 3), a number ≥ 0, or 'inf'.", DefaultValueFactory = _ => "auto" };
        var seed = new Option<long>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
        var top = new Option<int>("--top") { Description = "Words per cluster in the HTML word table.", DefaultValueFactory = _ => 20 };
        var maxDocs = new Option<int?>("--max-documents") { Description = "Documents shown in the HTML report (round robin over the clusters, most typical first); default all." };
        var outHtml = new Option<string>("--out-html") { Description = "HTML report: the per-cluster word table and every document with its words shaded by relevance.", Required = true };
        var outWords = new Option<string>("--out-words") { Description = "CSV cluster,rank,word,relevance,occurrences: each word's relevance summed over its cluster's documents.", Required = true };
        var command = new Command("text", "NEON §VI-A: cluster documents by kernel k-means on mean word vectors and explain each cluster word by word.");
        foreach (var o in new Option[] { docs, labels, embeddings, k, m, beta, seed, top, maxDocs, outHtml, outWords }) command.Options.Add(o);
        command.SetAction(pr =>
        {
            if (pr.GetValue(top) < 1) throw new InputException($"--top must be ≥ 1; got {pr.GetValue(top)}.");
            foreach (var line in NeonTextJob.Run(pr.GetValue(docs)!, pr.GetValue(labels), pr.GetValue(embeddings)!, pr.GetValue(k), pr.GetValue(m),
                         NeonJob.ParseBeta(pr.GetValue(beta)!), pr.GetValue(seed), pr.GetValue(outHtml)!, pr.GetValue(outWords)!, pr.GetValue(top), pr.GetValue(maxDocs)))
                pr.InvocationConfiguration.Output.WriteLine(line);
            return 0;
        });
        return command;
    }
}
