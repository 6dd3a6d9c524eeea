using TorchSharp;
using Workbench.Datasets;
using static TorchSharp.torch;

namespace Workbench.Studies.NeurCam;

/// <summary>A tabular set of NeurCAM Table 1 as used here: features x (constant columns dropped), classes, K, and where it came from.</summary>
public sealed record TabularSet(string Id, string Name, Tensor X, Tensor Labels, int K, string Role);

/// <summary>
/// The tabular sets of NeurCAM Table 1 (digest §4): Letter and Shuttle exactly (mlbench; Shuttle stratified-subsampled,
/// it is 78.6 % one class) and the substitutes for the sets nothing here ships: digits 8×8 for Pendigits, Satellite for
/// Gas Drift, Vehicle for Avila, Pima for Adult.
/// </summary>
public static class TabularSets
{
    /// <summary>The paper's sets in its order, each with our id and the role it plays.</summary>
    public static readonly IReadOnlyList<(string Id, string Role)> Table1 = new[]
    {
        ("letter", "Letters (exact)"), ("shuttle", "Shuttle (exact, stratified subsample)"), ("digits", "for Pendigits"),
        ("satellite", "for Gas Drift"), ("vehicle", "for Avila"), ("pima", "for Adult"),
    };

    /// <summary>
    /// Loads <paramref name="id"/>, keeps at most <paramref name="limit"/> rows (0: all) by a stratified sample with
    /// <paramref name="seed"/>, and drops constant columns. K is the number of classes present. The name says the rows,
    /// features and K, and "stratified sample of N" when rows were dropped.
    /// </summary>
    public static TabularSet Load(string id, int limit = 0, int seed = 0)
    {
        var ds = Dataset.Load(id);
        int total = ds.Count;
        if (limit > 0 && limit < ds.Count) ds = ds.Rows(StratifiedRows(ds.Labels, limit, seed), $"{limit} of {ds.Count} rows, stratified by class, seed {seed}");
        var x = ds.Features();
        var keep = x.std(new long[] { 0 }).gt(1e-12).nonzero().squeeze(1);
        x = x.index_select(1, keep);
        var y = tensor(ds.Labels);
        var present = y.unique().Item1;
        var codes = searchsorted(present, y);                                   // classes 0..K−1 (a subsample may miss none; kept general)
        int k = (int)present.shape[0];
        string role = Table1.FirstOrDefault(t => t.Id == id).Role ?? "extra";
        string sample = ds.Count < total ? $", stratified sample of {total}" : "";   // a subsample is marked in the name
        return new TabularSet(id, $"{id} ({ds.Count}×{x.shape[1]}, K={k}{sample})", x, codes, k, role);
    }

    /// <summary>
    /// Row indices of a stratified sample of <paramref name="n"/> rows: each class gets its share n·n_c/N rounded (largest
    /// remainders), at least one row, drawn without replacement with <paramref name="seed"/>; returned in file order.
    /// </summary>
    public static int[] StratifiedRows(long[] labels, int n, int seed)
    {
        if (n < 1) throw new ArgumentException($"n must be ≥ 1; got {n}.", nameof(n));
        var classes = labels.Distinct().Order().ToArray();
        if (n < classes.Length) throw new ArgumentException($"A stratified sample of {n} rows cannot hold all {classes.Length} classes; ask for at least {classes.Length}.");
        if (n >= labels.Length) return Enumerable.Range(0, labels.Length).ToArray();
        var members = classes.Select(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray()).ToArray();
        var exact = members.Select(m => (double)n * m.Length / labels.Length).ToArray();
        var take = exact.Select((e, j) => Math.Min(members[j].Length, Math.Max(1, (int)Math.Floor(e)))).ToArray();
        var byRemainder = Enumerable.Range(0, classes.Length).OrderByDescending(j => exact[j] - Math.Floor(exact[j])).ThenBy(j => j).ToArray();
        while (take.Sum() < n)                                                  // largest remainders first, while a class has rows left
            foreach (var j in byRemainder) if (take.Sum() < n && take[j] < members[j].Length) take[j]++;
        while (take.Sum() > n)                                                  // the "at least one" floors overshot: trim the largest shares
        {
            int j = Enumerable.Range(0, take.Length).Where(i => take[i] > 1).MaxBy(i => take[i]);
            take[j]--;
        }
        var g = Compute.Seeds.Generator(seed);
        var rows = new List<int>();
        for (int j = 0; j < classes.Length; j++)
        {
            var perm = randperm(members[j].Length, generator: g).data<long>().ToArray();
            rows.AddRange(perm.Take(take[j]).Select(p => members[j][p]));
        }
        return rows.Order().ToArray();
    }
}
