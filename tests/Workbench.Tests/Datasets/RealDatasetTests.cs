using Workbench.Datasets;

namespace Workbench.Tests.Datasets;

/// <summary>
/// Every cataloged dataset, read from the real package files in the cache (CI runs `workbench datasets fetch --all`
/// first). A dataset that is not cached fails with the command that fetches it; it is never skipped.
/// Expected shapes and class counts are the publishers' (UCI, scikit-learn, Zalando) and /work/shared/DATASETS.md's.
/// </summary>
public class RealDatasetTests
{
    // Datasets are immutable: each is read once for all tests of this class (fashion-mnist and mnist-10k take seconds).
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Dataset>> Loaded = new();
    static Dataset Load(string id) => Loaded.GetOrAdd(id, k => new Lazy<Dataset>(() => Dataset.Load(k))).Value;

    [Theory]
    [InlineData("wine", 178, 13, 14, 3)]
    [InlineData("iris", 150, 4, 5, 3)]
    [InlineData("breast-cancer", 569, 30, 31, 2)]
    [InlineData("digits", 1797, 64, 65, 10)]
    [InlineData("letter", 20000, 16, 17, 26)]
    [InlineData("shuttle", 58000, 9, 10, 7)]
    [InlineData("glass", 214, 9, 10, 6)]
    [InlineData("vehicle", 846, 18, 19, 4)]
    [InlineData("vowel", 990, 10, 11, 11)]
    [InlineData("ionosphere", 351, 34, 35, 2)]
    [InlineData("sonar", 208, 60, 61, 2)]
    [InlineData("satellite", 6435, 36, 37, 6)]
    [InlineData("pima", 768, 8, 9, 2)]
    [InlineData("bank", 200, 6, 7, 2)]
    [InlineData("titanic", 2207, 9, 11, 2)]
    [InlineData("srbct", 63, 2308, 2309, 4)]
    [InlineData("mnist-10k", 10000, 784, 785, 10)]
    [InlineData("fashion-mnist", 70000, 784, 786, 10)]
    public void LoadsWithItsPublishedShape(string id, int rows, int features, int columns, int classes)
    {
        var d = Load(id);
        Assert.Equal(rows, d.Count);
        Assert.Equal(features, d.FeatureNames.Length);
        Assert.Equal(columns, d.ColumnNames.Count);
        Assert.Equal(classes, d.LabelNames.Length);
        Assert.DoesNotContain(-1L, d.Labels);
        Assert.Contains(d.History, h => h.Contains("from "));
    }

    static int[] Counts(Dataset d) => Enumerable.Range(0, d.LabelNames.Length).Select(k => d.Labels.Count(l => l == k)).ToArray();

    [Fact]
    public void WineMatchesUci()
    {
        var d = Load("wine");
        Assert.Equal(new[] { 59, 71, 48 }, Counts(d));
        Assert.Equal("alcohol", d.FeatureNames[0]);
        Assert.Equal(14.23, d.Column("alcohol")[0]);
        Assert.Equal(1065, d.Column("proline")[0]);
        using var x = d.PreprocessAppendixH().Features();
        Assert.Equal(new long[] { 178, 13 }, x.shape);
        Assert.True(x.mean([0]).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void ClassCountsMatchThePublishers()
    {
        Assert.Equal(new[] { 50, 50, 50 }, Counts(Load("iris")));
        Assert.Equal(new[] { 212, 357 }, Counts(Load("breast-cancer"))); // malignant, benign
        Assert.Equal(new[] { 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 }, Counts(Load("digits")));
        var letter = Load("letter");
        Assert.Equal(789, Counts(letter)[0]); // A
        Assert.Equal(734, Counts(letter)[25]); // Z
        // Statlog Shuttle: training 43500 + test 14500, Rad.Flow … Bpv.Open
        Assert.Equal(new[] { 45586, 50, 171, 8903, 3267, 10, 13 }, Counts(Load("shuttle")));
        Assert.Equal(new[] { 100, 100 }, Counts(Load("bank")));
        Assert.Equal(new[] { 500, 268 }, Counts(Load("pima")));
        Assert.Equal(new[] { 111, 97 }, Counts(Load("sonar")));
        Assert.Equal(new[] { 126, 225 }, Counts(Load("ionosphere")));
    }

    [Fact]
    public void LimitDrawsASeededSampleAndTheFrameHoldsEveryColumn()
    {
        var a = Dataset.Load("letter", limit: 500, seed: 2);
        Assert.Equal(500, a.Count);
        Assert.Equal(Load("letter").Sample(500, seed: 2).Column("x.box"), a.Column("x.box"));
        var f = Load("letter").Frame;
        Assert.Equal(20000, f.RowCount);
        Assert.Equal(17, f.ColumnCount);
        // the first record of UCI's letter-recognition.data: T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,8
        Assert.Equal("T", f.GetColumn<string>("lettr").Get(0));
        Assert.Equal(new[] { 2.0, 8, 3, 5 }, new[] { "x.box", "y.box", "width", "high" }.Select(c => f.GetColumn<double>(c).Get(0)));
    }

    [Fact]
    public void SrbctIsSamplesByGenesWithMissingValues()
    {
        var d = Load("srbct");
        Assert.Equal(new[] { "BL", "EWS", "NB", "RMS" }, d.LabelNames);
        Assert.Equal(new[] { 8, 23, 12, 20 }, Counts(d)); // Khan et al. 2001 training set
        Assert.Equal("GENE1", d.FeatureNames[0]);
        Assert.Equal("sample1", d.RowNames![0]);
        Assert.Equal(0.773343723, d.Column("GENE1")[0]);
        Assert.Equal(1282, d.FeatureNames.Sum(f => d.Column(f).Count(double.IsNaN)));
        Assert.Contains("missing values", Assert.Throws<InvalidOperationException>(() => { d.Features(); }).Message);
        var p = d.PreprocessAppendixH();
        Assert.Equal(2308, p.FeatureNames.Length);
        Assert.Equal(1282, p.AppendixH!.Imputed.Sum(m => m.Count));
    }

    [Fact]
    public void IonosphereAppendixHDropsItsBinaryAndConstantColumns()
    {
        var d = Load("ionosphere").PreprocessAppendixH();
        // V1 is 0/1 and V2 is always 0 in the UCI file
        Assert.Equal(32, d.FeatureNames.Length);
        Assert.Equal(new[] { "V1", "V2" }, d.AppendixH!.Dropped.Select(x => x.Column));
    }

    [Fact]
    public void TitanicKeepsItsRawColumns()
    {
        var d = Load("titanic");
        Assert.Equal(new[] { "name", "gender", "age", "class", "embarked", "country", "ticketno", "fare", "sibsp", "parch", "survived" }, d.ColumnNames);
        var cls = d.TextColumn("class");
        Assert.Equal(1317, cls.Count(c => c is "1st" or "2nd" or "3rd"));
        Assert.Equal(890, cls.Count(c => c is not ("1st" or "2nd" or "3rd")));
        Assert.Equal(new[] { "no", "yes" }, d.LabelNames);
        Assert.Contains("'gender' (Factor)", Assert.Throws<InvalidOperationException>(() => { d.Features(); }).Message);
    }

    [Fact]
    public void FashionMnistImages()
    {
        var d = Load("fashion-mnist");
        Assert.Equal(60000, d.Where("split", "train").Count);
        Assert.Equal(Enumerable.Repeat(7000, 10), Counts(d));
        Assert.Equal("Ankle boot", d.LabelNames[d.Labels[0]]); // the first training image
        var frame = d.Frame; // every pixel as read (bytes), the label code and the split
        Assert.Equal((70000, 786), (frame.RowCount, frame.ColumnCount));
        Assert.Equal("test", frame.GetColumn<string>("split").Get(69999));
        Assert.Equal(9, frame.GetColumn<int>("label").Get(0));
        using var img = d.Take(500).Images();
        Assert.Equal(new long[] { 500, 1, 28, 28 }, img.shape);
        Assert.Equal(0.0, img.min().item<float>());
        Assert.Equal(1.0, img.max().item<float>());
    }

    [Fact]
    public void Mnist10kAndDigitsImages()
    {
        var m = Load("mnist-10k").Sample(1000, seed: 1);
        Assert.Equal(1000, m.Count);
        using var img = m.Images();
        Assert.Equal(new long[] { 1000, 1, 28, 28 }, img.shape);
        Assert.InRange(img.min().item<float>(), 0, 0);
        Assert.InRange(img.max().item<float>(), 0.99f, 1);
        using var digits = Load("digits").Images();
        Assert.Equal(new long[] { 1797, 1, 8, 8 }, digits.shape);
        Assert.Equal(1.0f, digits.max().item<float>()); // 16/16
    }
}

/// <summary>The sample photos of notebook 06 (catalog entry <c>skimage-photos</c>, files only), read through the dataset cache.</summary>
public class SkimagePhotoTests
{
    [Theory]
    [InlineData("chelsea", 300, 451)]
    [InlineData("coffee", 400, 600)]
    [InlineData("astronaut", 512, 512)]
    public void PhotosComeFromTheCacheWithTheirPublishedSize(string name, long height, long width)
    {
        using var rgb = Workbench.Studies.Neon.FigureSeven.Photo(name);
        Assert.Equal(new[] { 3L, height, width }, rgb.shape);
        Assert.InRange(rgb.min().item<float>(), 0f, 0.2f);                 // real photos span the range: not a blank image
        Assert.InRange(rgb.max().item<float>(), 0.8f, 1f);
        Assert.True(DatasetCache.IsCached(DatasetCatalog.Get("skimage-photos")));
    }

    [Fact]
    public void UnknownPhotoNamesTheOnesThereAre()
    {
        var e = Assert.Throws<ArgumentException>(() => Workbench.Studies.Neon.FigureSeven.Photo("camera"));
        Assert.Contains("chelsea, coffee, astronaut", e.Message);
        Assert.Contains("WORKBENCH_SKIMAGE_DATA", e.Message);
    }
}
