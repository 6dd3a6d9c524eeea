namespace Workbench.Datasets.Formats;

/// <summary>Turns an R <c>data.frame</c> read by <see cref="RDataReader"/> into dataset columns: doubles, integers,
/// logicals, factors (as their level names) and character columns, with NA kept as missing.</summary>
internal static class RFrames
{
    /// <summary>Columns and row names (null when R's automatic 1..n) of the data.frame <paramref name="obj"/>.</summary>
    public static (List<DataColumn> Columns, string[]? RowNames) ToColumns(RObject obj, string what)
    {
        if (obj is not RList list || !list.Inherits("data.frame"))
            throw new DataFormatException($"{what}: expected an R data.frame, found {obj}.");
        var names = list.Names ?? throw new DataFormatException($"{what}: the data.frame has no 'names' attribute.");
        if (names.Length != list.Length)
            throw new DataFormatException($"{what}: the data.frame has {list.Length} columns but {names.Length} names.");
        var (nRows, rowNames) = RowNames(list.Attribute("row.names"), what);
        var columns = new List<DataColumn>(list.Length);
        for (int j = 0; j < list.Length; j++)
        {
            string name = names[j] ?? $"V{j + 1}";
            var col = ToColumn(name, list.Items[j], $"{what}, column '{name}'");
            if (nRows is int n && col.Length != n)
                throw new DataFormatException($"{what}: column '{name}' has {col.Length} values but the data.frame has {n} rows.");
            columns.Add(col);
        }
        return (columns, rowNames);
    }

    static (int? Rows, string[]? Names) RowNames(RObject? rn, string what) => rn switch
    {
        null => (null, null),
        // Compact form c(NA_integer_, -n) (or +n) written for automatic row names 1..n.
        RIntegers { Length: 2 } iv when iv.Values[0] == RIntegers.NA => (Math.Abs(iv.Values[1]), null),
        RIntegers iv => (iv.Length, null),
        RDoubles dv => (dv.Length, null),
        RStrings sv => (sv.Length, sv.Values.Select(s => s ?? "NA").ToArray()),
        _ => throw new DataFormatException($"{what}: unexpected row.names {rn}."),
    };

    /// <summary>One R vector as a column.</summary>
    public static DataColumn ToColumn(string name, RObject v, string what)
    {
        if (v.Attribute("dim") is not null)
            throw new DataFormatException($"{what}: matrix columns inside a data.frame are not supported.");
        switch (v)
        {
            case RIntegers iv when iv.Inherits("factor"):
            {
                var levels = (v.Attribute("levels") as RStrings)?.Values
                    ?? throw new DataFormatException($"{what}: a factor without a 'levels' attribute.");
                var values = new string?[iv.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    int code = iv.Values[i];
                    if (code == RIntegers.NA) continue;
                    if (code < 1 || code > levels.Length)
                        throw new DataFormatException($"{what}: factor code {code} at row {i + 1} is outside its {levels.Length} levels.");
                    values[i] = levels[code - 1];
                }
                return new TextColumn(name, values, levels.Select(l => l ?? "NA").ToArray());
            }
            case RIntegers iv: return new IntColumn(name, iv.Values);
            case RLogicals lv: return new LogicalColumn(name, lv.Values);
            case RDoubles dv: return new DoubleColumn(name, dv.Values);
            case RStrings sv: return new TextColumn(name, sv.Values, null);
            default: throw new DataFormatException($"{what}: columns of type {v.Type} are not supported (double, integer, logical, factor and character are).");
        }
    }
}
