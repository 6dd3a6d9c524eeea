using System.Globalization;
using Deedle;
using Deedle.Indices;
using Deedle.Indices.Linear;
using Deedle.Vectors.ArrayVector;

namespace Workbench.Datasets;

/// <summary>How a column was stored in its file; decides what <see cref="Dataset.PreprocessAppendixH"/> drops.</summary>
public enum ColumnKind
{
    /// <summary>Real numbers (missing = NaN).</summary>
    Double,
    /// <summary>Integers (R integer vectors, IDX bytes); missing values allowed.</summary>
    Integer,
    /// <summary>TRUE/FALSE (R logical); categorical.</summary>
    Logical,
    /// <summary>A categorical column with a fixed set of levels (R factor); values are the level names.</summary>
    Factor,
    /// <summary>Free text (R character vector).</summary>
    Text,
}

/// <summary>One column of a dataset, as read. Numeric kinds expose their values as doubles (NaN = missing).</summary>
internal abstract class DataColumn(string name)
{
    public string Name { get; } = name;
    public abstract ColumnKind Kind { get; }
    public abstract int Length { get; }
    public bool IsNumeric => Kind is ColumnKind.Double or ColumnKind.Integer;
    /// <summary>The value at <paramref name="i"/> as a double (NaN when missing); only for numeric and logical columns.</summary>
    public abstract double GetDouble(int i);
    /// <summary>The value at <paramref name="i"/> as text (null when missing).</summary>
    public abstract string? GetText(int i);
    public abstract bool IsMissing(int i);
    /// <summary>The column as a Deedle series on <paramref name="index"/> (one index shared by every column of a frame:
    /// building a 784-column frame is then 20 times faster than with an index per column).</summary>
    public abstract ISeries<int> ToSeries(IIndex<int> index);
    public abstract DataColumn Take(int[] rows);
    public abstract DataColumn Rename(string name);

    public int MissingCount()
    {
        int c = 0;
        for (int i = 0; i < Length; i++) if (IsMissing(i)) c++;
        return c;
    }

    /// <summary>Distinct non-missing values, up to <paramref name="cap"/> (to tell constant and binary columns).</summary>
    public int DistinctCount(int cap)
    {
        if (IsNumeric || Kind == ColumnKind.Logical)
        {
            var numbers = new HashSet<double>();
            for (int i = 0; i < Length && numbers.Count < cap; i++) if (!IsMissing(i)) numbers.Add(GetDouble(i));
            return numbers.Count;
        }
        var seen = new HashSet<string>();
        for (int i = 0; i < Length && seen.Count < cap; i++) if (GetText(i) is string t) seen.Add(t);
        return seen.Count;
    }

    /// <summary>Row index 0..n-1 for <see cref="ToSeries"/>.</summary>
    public static IIndex<int> RowIndex(int n) => LinearIndexBuilder.Instance.Create<int>(Enumerable.Range(0, n).ToArray(), Microsoft.FSharp.Core.FSharpOption<bool>.Some(true));

    protected static Series<int, T> Dense<T>(IIndex<int> index, T[] values)
        => new(index, ArrayVectorBuilder.Instance.Create(values), ArrayVectorBuilder.Instance, LinearIndexBuilder.Instance);

    protected static Series<int, T> Sparse<T>(IIndex<int> index, int n, Func<int, bool> missing, Func<int, T> value)
    {
        var v = new OptionalValue<T>[n];
        for (int i = 0; i < n; i++) v[i] = missing(i) ? OptionalValue<T>.Missing : new OptionalValue<T>(value(i));
        return new(index, ArrayVectorBuilder.Instance.CreateMissing(v), ArrayVectorBuilder.Instance, LinearIndexBuilder.Instance);
    }
}

/// <summary>Doubles; NaN (including R's NA_real_) is missing.</summary>
internal sealed class DoubleColumn(string name, double[] values) : DataColumn(name)
{
    public double[] Values { get; } = values;
    public override ColumnKind Kind => ColumnKind.Double;
    public override int Length => Values.Length;
    public override double GetDouble(int i) => Values[i];
    public override string? GetText(int i) => double.IsNaN(Values[i]) ? null : Values[i].ToString("R", CultureInfo.InvariantCulture);
    public override bool IsMissing(int i) => double.IsNaN(Values[i]);
    public override ISeries<int> ToSeries(IIndex<int> index) => Dense(index, Values); // Deedle treats NaN as missing
    public override DataColumn Take(int[] rows) => new DoubleColumn(Name, rows.Select(r => Values[r]).ToArray());
    public override DataColumn Rename(string name) => new DoubleColumn(name, Values);
}

/// <summary>Integers; <see cref="NA"/> (R's NA_integer_) is missing.</summary>
internal sealed class IntColumn(string name, int[] values) : DataColumn(name)
{
    public const int NA = int.MinValue;
    public int[] Values { get; } = values;
    public override ColumnKind Kind => ColumnKind.Integer;
    public override int Length => Values.Length;
    public override double GetDouble(int i) => Values[i] == NA ? double.NaN : Values[i];
    public override string? GetText(int i) => Values[i] == NA ? null : Values[i].ToString(CultureInfo.InvariantCulture);
    public override bool IsMissing(int i) => Values[i] == NA;
    public override ISeries<int> ToSeries(IIndex<int> index)
        => Values.Contains(NA) ? Sparse(index, Length, IsMissing, i => Values[i]) : Dense(index, Values);
    public override DataColumn Take(int[] rows) => new IntColumn(Name, rows.Select(r => Values[r]).ToArray());
    public override DataColumn Rename(string name) => new IntColumn(name, Values);
}

/// <summary>Bytes (IDX pixels); never missing. Reported as <see cref="ColumnKind.Integer"/>.</summary>
internal sealed class ByteColumn(string name, byte[] values) : DataColumn(name)
{
    public byte[] Values { get; } = values;
    public override ColumnKind Kind => ColumnKind.Integer;
    public override int Length => Values.Length;
    public override double GetDouble(int i) => Values[i];
    public override string? GetText(int i) => Values[i].ToString(CultureInfo.InvariantCulture);
    public override bool IsMissing(int i) => false;
    public override ISeries<int> ToSeries(IIndex<int> index) => Dense(index, Values);
    public override DataColumn Take(int[] rows) => new ByteColumn(Name, rows.Select(r => Values[r]).ToArray());
    public override DataColumn Rename(string name) => new ByteColumn(name, Values);
}

/// <summary>TRUE/FALSE with NA; a frame column of bools.</summary>
internal sealed class LogicalColumn(string name, int[] values) : DataColumn(name)
{
    public int[] Values { get; } = values;
    public override ColumnKind Kind => ColumnKind.Logical;
    public override int Length => Values.Length;
    public override double GetDouble(int i) => Values[i] == IntColumn.NA ? double.NaN : Values[i] != 0 ? 1 : 0;
    public override string? GetText(int i) => Values[i] == IntColumn.NA ? null : Values[i] != 0 ? "TRUE" : "FALSE";
    public override bool IsMissing(int i) => Values[i] == IntColumn.NA;
    public override ISeries<int> ToSeries(IIndex<int> index) => Sparse(index, Length, IsMissing, i => Values[i] != 0);
    public override DataColumn Take(int[] rows) => new LogicalColumn(Name, rows.Select(r => Values[r]).ToArray());
    public override DataColumn Rename(string name) => new LogicalColumn(name, Values);
}

/// <summary>Strings (null = missing): a factor (with its <see cref="Levels"/> in R's order) or free text.</summary>
internal sealed class TextColumn(string name, string?[] values, string[]? levels) : DataColumn(name)
{
    public string?[] Values { get; } = values;
    /// <summary>The factor's levels in order (null for free text).</summary>
    public string[]? Levels { get; } = levels;
    public override ColumnKind Kind => Levels is null ? ColumnKind.Text : ColumnKind.Factor;
    public override int Length => Values.Length;
    public override double GetDouble(int i)
        => throw new InvalidOperationException($"Column '{Name}' holds {(Levels is null ? "text" : "factor levels")}, not numbers.");
    public override string? GetText(int i) => Values[i];
    public override bool IsMissing(int i) => Values[i] is null;
    public override ISeries<int> ToSeries(IIndex<int> index) => Dense(index, Values); // Deedle treats null as missing
    public override DataColumn Take(int[] rows) => new TextColumn(Name, rows.Select(r => Values[r]).ToArray(), Levels);
    public override DataColumn Rename(string name) => new TextColumn(name, Values, Levels);
}
