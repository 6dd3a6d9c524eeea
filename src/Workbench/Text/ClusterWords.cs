namespace Workbench.Text;

/// <summary>The words most relevant for one cluster: each word's relevance summed over all its occurrences in the
/// cluster's documents (each document explained for its own cluster), largest first.</summary>
public sealed record ClusterWords(string Cluster, int Documents, IReadOnlyList<(string Word, double Relevance, int Occurrences)> Words)
{
    /// <summary>One row per cluster (in cluster order) from a word-level explanation of <paramref name="docs"/>; documents explained for
    /// another cluster than their own assignment still count for the cluster they were explained for.</summary>
    public static IReadOnlyList<ClusterWords> Table(DocumentVectors docs, WordExplanation e, int k, IReadOnlyList<string>? names = null)
    {
        var rows = new List<ClusterWords>();
        for (int c = 0; c < k; c++)
        {
            var acc = new Dictionary<string, (double R, int N)>(StringComparer.Ordinal);
            int count = 0;
            for (int n = 0; n < docs.Count; n++)
            {
                if (e.Clusters[n] != c) continue;
                count++;
                var toks = docs.Tokens[n];
                for (int t = 0; t < toks.Count; t++)
                {
                    double r = e.Words[n][t];
                    if (!double.IsFinite(r)) continue;
                    var (s, m) = acc.GetValueOrDefault(toks[t].Word);
                    acc[toks[t].Word] = (s + r, m + 1);
                }
            }
            var words = acc.OrderByDescending(kv => kv.Value.R).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (kv.Key, kv.Value.R, kv.Value.N)).ToList();
            rows.Add(new ClusterWords(names is not null && c < names.Count ? names[c] : c.ToString(), count, words));
        }
        return rows;
    }
}
