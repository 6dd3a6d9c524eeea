using Workbench.Datasets.Synthetic;
using static TorchSharp.torch;

namespace Workbench.Datasets;

/// <summary>Turns a generated catalog entry (<see cref="DatasetInfo.Generator"/>) into a <see cref="Dataset"/>.</summary>
internal static class DatasetGenerators
{
    /// <summary>
    /// Generates the series of <paramref name="info"/> with <paramref name="seed"/> (<see cref="SyntheticSeries.Generate"/>):
    /// one row per series, columns <c>t1..tT</c>, the class code in <c>class</c> (names in <see cref="Dataset.LabelNames"/>) and
    /// <c>split</c> (<c>train</c> rows first, then <c>test</c>).
    /// </summary>
    public static Dataset Generate(DatasetInfo info, int seed)
    {
        var spec = info.Generator!;
        var s = SyntheticSeries.Generate(spec.Kind, spec.NTrain, spec.NTest, seed);
        using var scope = NewDisposeScope();
        var x = cat([s.XTrain, s.XTest], 0).to_type(ScalarType.Float64).contiguous();
        var y = cat([s.YTrain, s.YTest], 0).data<long>().Select(v => (int)v).ToArray();
        int n = (int)x.shape[0], T = (int)x.shape[1];
        var values = x.data<double>().ToArray();
        var names = Enumerable.Range(1, T).Select(t => $"t{t}").ToArray();
        var columns = new List<DataColumn>(T + 2);
        for (int t = 0; t < T; t++)
        {
            var col = new double[n];
            for (int i = 0; i < n; i++) col[i] = values[(long)i * T + t];
            columns.Add(new DoubleColumn(names[t], col));
        }
        columns.Add(new IntColumn("class", y));
        var split = Enumerable.Range(0, n).Select(i => i < spec.NTrain ? "train" : "test").ToArray<string?>();
        columns.Add(new TextColumn("split", split, ["train", "test"]));
        var history = new List<string> { $"{info.Id}: {info.Title}; generated in code with seed {seed} ({spec.NTrain} train + {spec.NTest} test series of length {T})" };
        return new Dataset(info.Id, info.Title, columns, names, "class", s.ClassNames, history: history);
    }
}
