using Workbench.Datasets.Formats;

namespace Workbench.Jobs;

/// <summary>Checks between the tables a job reads: same feature columns, distinct prototypes, valid cluster labels,
/// column names the outputs can hold.</summary>
public static class TableChecks
{
    /// <summary>Columns that the relevance output (<c>index, cluster, f, features…</c>) uses itself: an input column of one of
    /// these names would give a header that cannot be read back, so it is refused.</summary>
    public static readonly string[] ReservedColumns = ["index", "cluster", "f"];

    /// <summary>Checks that <paramref name="other"/> has exactly the feature columns of <paramref name="x"/>, in order.</summary>
    public static void SameColumns(CsvTable x, CsvTable other, string what)
    {
        var missing = x.Columns.Where(c => !other.Columns.Contains(c)).ToArray();
        var extra = other.Columns.Where(c => !x.Columns.Contains(c)).ToArray();
        if (other.ColumnCount != x.ColumnCount || missing.Length > 0 || extra.Length > 0)
        {
            var parts = new List<string> { $"{other.Path} has {other.ColumnCount} feature columns but {x.Path} has {x.ColumnCount}; {what} need one column per feature of {x.Path}, named and ordered as there." };
            if (missing.Length > 0) parts.Add($"Missing in {other.Path}: column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
            if (extra.Length > 0) parts.Add($"Not in {x.Path}: column(s) {string.Join(", ", extra.Select(m => $"'{m}'"))}.");
            throw new InputException(string.Join(" ", parts));
        }
        for (int c = 0; c < x.ColumnCount; c++)
            if (x.Columns[c] != other.Columns[c])
                throw new InputException($"{other.Path} column {c} is '{other.Columns[c]}' but {x.Path} column {c} is '{x.Columns[c]}'; put the columns in the same order as {x.Path}.");
    }

    /// <summary>Refuses feature columns named like the output's own columns (<see cref="ReservedColumns"/>).</summary>
    public static void NoReservedColumns(CsvTable x)
    {
        var clash = x.Columns.Where(c => ReservedColumns.Contains(c)).ToArray();
        if (clash.Length > 0)
            throw new InputException($"{x.Path}: column(s) {string.Join(", ", clash.Select(c => $"'{c}'"))} would clash with the output's own columns " +
                $"({string.Join(", ", ReservedColumns)}, then one relevance column per feature); rename them in the input (e.g. '{clash[0]}_').");
    }

    /// <summary>Rejects two identical rows (identical prototypes make the network's competitor weight zero).</summary>
    public static void NoDuplicateRows(CsvTable t, string what)
    {
        var seen = new Dictionary<string, int>();
        for (int r = 0; r < t.Rows; r++)
        {
            var key = string.Join(",", Enumerable.Range(0, t.ColumnCount).Select(c => BitConverter.DoubleToInt64Bits(t.Values[r, c] == 0 ? 0.0 : t.Values[r, c])));
            if (seen.TryGetValue(key, out var first))
                throw new InputException($"{t.Path}: rows {first} and {r} are the same {what}; remove one (duplicate {what}s leave a cluster with no decision boundary).");
            seen[key] = r;
        }
    }

    /// <summary>
    /// Checks cluster labels of <paramref name="rows"/> prototypes (0-based, every cluster 0…K−1 used, K ≥ 2) and returns K.
    /// A label ≥ the number of prototypes cannot be a cluster with a prototype each and is reported as out of range.
    /// </summary>
    public static long ClusterCount(long[] labels, int rows, string path, string prototypes)
    {
        if (labels.Length != rows)
            throw new InputException($"{path} has {labels.Length} rows but there are {rows} {prototypes}; give one label per row of the {prototypes}.");
        for (int r = 0; r < labels.Length; r++)
        {
            if (labels[r] < 0) throw new InputException($"{path}: row {r}, column 'cluster': {labels[r]} is negative; clusters are numbered from 0.");
            if (labels[r] >= rows)
                throw new InputException($"{path}: row {r}, column 'cluster': {labels[r]} is out of range; with {rows} {prototypes} the clusters are " +
                    $"numbered 0…{rows - 1} at most (every cluster needs one), so relabel them 0, 1, 2, ….");
        }
        long k = labels.Max() + 1;
        if (k < 2) throw new InputException($"{path}: every row is in cluster 0; NEON needs K ≥ 2 clusters.");
        var used = new bool[k];
        foreach (var l in labels) used[l] = true;
        for (long c = 0; c < k; c++)
            if (!used[c]) throw new InputException($"{path}: cluster {c} has no {prototypes.TrimEnd('s')} (labels run 0…{k - 1}); every cluster needs at least one.");
        return k;
    }
}
