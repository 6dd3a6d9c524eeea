using Deedle;
using Workbench.Clustering;
using Workbench.Models;
using Workbench.Studies.Relu;

namespace Workbench.Tests.Studies.Relu;

/// <summary>Table 1's features from a small hand-made frame shaped like stablelearner::titanic.</summary>
public class TitanicFeaturesTests
{
    static Frame<int, string> Raw() => Frame.FromRecords(new[]
    {
        Row("Abbing, Mr. Anthony", "male", 42.0, "3rd", "S", 7.11, "0", "0", "no"),
        Row("Abbott, Mrs. Rhoda Mary 'Rosa'", "female", 39.0, "3rd", "S", 20.05, "1", "1", "yes"),
        Row("Abelseth, Miss. Karen Marie", "female", 16.0, "3rd", "Q", 7.13, "0", "0", "yes"),
        Row("Allison, Master. Hudson Trevor", "male", 0.9167, "1st", "S", 151.16, "1", "2", "yes"),
        Row("Rothes, Lucy Noël Martha, Countess of", "female", 33.0, "1st", "S", 86.1, "0", "0", "yes"),
        Row("Byles, Fr. Thomas Roussel Davids", "male", 42.0, "2nd", "B", 13.0, "0", "0", "no"),
        Row("Durán i Moné, Sra. Asuncion", "female", 27.0, "2nd", "C", null, "1", "0", "yes"),
        Row("Kraeff, Mr. Theodor", "male", null, "3rd", "C", 7.18, null, null, "no"),
        Row("Gheorgheff, Mr. Stanio", "male", 70.0, "3rd", "C", 7.9, "0", "0", "no"),
        Row("Mayo, Mme. Simonne", "female", 50.0, "1st", "C", 30.0, "0", "0", "yes"),
        Row("Abrahamsson, Mr. Abraham", "male", 20.0, "engineering crew", "S", null, null, null, "yes"),
    });

    public sealed record RawRow(string name, string gender, object? age, string @class, string embarked, string country, int ticketno,
                                object? fare, object? sibsp, object? parch, string survived);

    static RawRow Row(string name, string gender, double? age, string @class, string embarked, double? fare, string? sibsp, string? parch, string survived) =>
        new(name, gender, age, @class, embarked, "England", 1, fare, sibsp, parch, survived);

    [Fact]
    public void BuildsTable1Features()
    {
        var f = TitanicFeatures.Build(Raw());
        Assert.Equal(10, f.Count);
        Assert.Equal(1, f.CrewExcluded);
        double[] Row_(int r) => Enumerable.Range(0, 7).Select(j => f.Values[r, j]).ToArray();
        //                      Age Gender PClass Fare Embarked Title IsAlone
        Assert.Equal(new double[] { 2, 0, 3, 0, 0, 1, 1 }, Row_(0));   // 42 → bin 2; fare 7.11 ≤ 7.91
        Assert.Equal(new double[] { 2, 1, 3, 2, 0, 3, 0 }, Row_(1));   // Mrs, family aboard, fare 20.05 → bin 2
        Assert.Equal(new double[] { 0, 1, 3, 0, 2, 2, 1 }, Row_(2));   // 16 → bin 0 (≤ 16), Q → 2, Miss
        Assert.Equal(new double[] { 0, 0, 1, 3, 0, 4, 0 }, Row_(3));   // Master, fare > 31
        Assert.Equal(5, f.Values[4, 5]);                               // "…, Countess of" → Rare
        Assert.Equal(5, f.Values[5, 5]);                               // Fr. → Rare
        Assert.Equal(0, f.Values[5, 4]);                               // Belfast → S
        Assert.Equal(3, f.Values[6, 5]);                               // Sra. → Mrs
        Assert.Equal(1, f.Values[6, 3]);                               // missing fare: 2nd-class median 13.0 → bin 1
        Assert.Equal(3, f.Values[7, 0]);                               // missing age: median of 3rd-class males (42, 70) = 56 → bin 3
        Assert.Equal(1, f.Values[7, 6]);                               // missing sibsp/parch → alone
        Assert.Equal(4, f.Values[8, 0]);                               // 70 → bin 4
        Assert.Equal(3, f.Values[9, 5]);                               // Mme → Mrs
        Assert.Equal(new[] { 0, 1, 1, 1, 1, 0, 1, 0, 0, 1 }, f.Survived);
        Assert.Contains(f.Notes, n => n.Contains("Age missing for 1"));
        Assert.Contains(f.Notes, n => n.Contains("1 passenger(s) from Belfast"));
        Assert.Equal(new long[] { 10, 7 }, f.X().shape);
        Assert.Equal(8, f.ToFrame().ColumnCount);
    }

    // stablelearner's fares are £.s.d: pounds, then two digits of shillings and two of pence (the digest's cases first).
    [Theory]
    [InlineData(7.05, 7.25)]                  // £7 5s
    [InlineData(71.0508, 71.0 + 5 / 20.0 + 8 / 240.0)]   // £71 5s 8d = 71.2833…
    [InlineData(7.1, 7.5)]                    // 7.10 = £7 10s (the trailing zero is dropped in the data)
    [InlineData(512.0607, 512.0 + 6 / 20.0 + 7 / 240.0)]
    [InlineData(13.0, 13.0)]
    [InlineData(7.1911, 7.0 + 19 / 20.0 + 11 / 240.0)]  // £7 19s 11d, just under £8
    public void FaresInPoundsShillingsAndPenceBecomeDecimalPounds(double lsd, double pounds)
    {
        Assert.Equal(pounds, TitanicFeatures.PoundsFromLsd(lsd), 10);
        Assert.True(TitanicFeatures.IsLsd(lsd));
    }

    [Fact]
    public void FareConversionRoundsAsTheDigestSaysAndRefusesBadFares()
    {
        Assert.Equal(71.2833, TitanicFeatures.PoundsFromLsd(71.0508), 4);
        Assert.False(TitanicFeatures.IsLsd(211.6009));                  // 60 shillings: not £.s.d
        Assert.False(TitanicFeatures.IsLsd(7.1517));                    // 17 pence
        Assert.Throws<ArgumentOutOfRangeException>(() => TitanicFeatures.PoundsFromLsd(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TitanicFeatures.PoundsFromLsd(double.NaN));
        Assert.Contains("four digits", Assert.Throws<ArgumentException>(() => TitanicFeatures.PoundsFromLsd(7.12345)).Message);
    }

    [Fact]
    public void FaresAreBinnedInDecimalPounds()
    {
        // 7.18 read as decimal is ≤ 7.91 (bin 0); as £7 18s = 7.90 it is still bin 0. 14.09 = £14 9s = 14.45 ≤ 14.454 (bin 1),
        // 14.1 = £14 10s = 14.5 > 14.454 (bin 2, the raw value 14.1 would be bin 1); 30.19 = £30 19s = 30.95 (bin 2, raw 30.19 bin 2);
        // 7.1911 = £7 19s 11d = 7.996 (bin 1, raw 7.1911 would be bin 0).
        var raw = Frame.FromRecords(new[]
        {
            Row("A, Mr. B", "male", 30.0, "3rd", "S", 7.18, "0", "0", "no"),
            Row("C, Mr. D", "male", 30.0, "3rd", "S", 14.09, "0", "0", "no"),
            Row("E, Mr. F", "male", 30.0, "3rd", "S", 14.1, "0", "0", "no"),
            Row("G, Mr. H", "male", 30.0, "3rd", "S", 30.19, "0", "0", "no"),
            Row("I, Mr. J", "male", 30.0, "3rd", "S", 7.1911, "0", "0", "no"),
        });
        var f = TitanicFeatures.Build(raw);
        Assert.Equal(new double[] { 0, 1, 2, 2, 1 }, Enumerable.Range(0, 5).Select(r => f.Values[r, 3]).ToArray());
        Assert.Contains(f.Notes, n => n.Contains("2 of them") && n.Contains("another fare bin"));
    }

    [Fact]
    public void MissingColumnsAndBadValuesAreNamed()
    {
        var noFare = Raw();
        noFare.DropColumn("fare");
        var e = Assert.Throws<ArgumentException>(() => TitanicFeatures.Build(noFare));
        Assert.Contains("fare", e.Message);
        var bad = Frame.FromRecords(new[] { Row("X, Mr. Y", "unknown", 30.0, "1st", "S", 10.0, "0", "0", "no") });
        Assert.Contains("gender", Assert.Throws<ArgumentException>(() => TitanicFeatures.Build(bad)).Message);
    }
}
