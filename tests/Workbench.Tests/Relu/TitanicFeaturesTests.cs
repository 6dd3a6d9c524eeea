using Deedle;
using Workbench.Clustering;
using Workbench.Models;
using Workbench.Studies.Relu;

namespace Workbench.Tests.Relu;

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
