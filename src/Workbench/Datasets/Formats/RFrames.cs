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

    /// <summary>A Bioconductor ExpressionSet (S4): <c>exprs</c> (features × samples, from the assayData environment)
    /// becomes one numeric column per feature and one row per sample; <c>phenoData@data</c> adds the sample covariates.</summary>
    public static (List<DataColumn> Columns, string[] Features, string[]? SampleNames) FromExpressionSet(RObject obj, string what)
    {
        if (obj is not RS4Object eset)
            throw new DataFormatException($"{what}: expected an S4 ExpressionSet, found {obj}.");
        var assay = eset.Slot("assayData") as REnvironment
            ?? throw new DataFormatException($"{what}: the S4 object has no assayData environment (not an ExpressionSet?).");
        if (!assay.Variables.TryGetValue("exprs", out var ex) || ex is not RDoubles exprs || exprs.Attribute("dim") is not RIntegers { Length: 2 } dim)
            throw new DataFormatException($"{what}: assayData holds no numeric 'exprs' matrix.");
        int nFeat = dim.Values[0], nSamp = dim.Values[1];
        if ((long)nFeat * nSamp != exprs.Length)
            throw new DataFormatException($"{what}: exprs has dim {nFeat}×{nSamp} but {exprs.Length} values.");
        var dimnames = exprs.Attribute("dimnames") as RList;
        var featNames = (dimnames?.Items.ElementAtOrDefault(0) as RStrings)?.Values ?? [];
        var sampNames = (dimnames?.Items.ElementAtOrDefault(1) as RStrings)?.Values ?? [];
        var columns = new List<DataColumn>(nFeat + 8);
        for (int g = 0; g < nFeat; g++)
        {
            var v = new double[nSamp];
            for (int s = 0; s < nSamp; s++) v[s] = exprs.Values[(long)s * nFeat + g]; // R matrices are column-major
            columns.Add(new DoubleColumn(g < featNames.Length && featNames[g] is string fn ? fn : $"feature{g + 1}", v));
        }
        var features = columns.Select(c => c.Name).ToArray();
        if (eset.Slot("phenoData") is RS4Object pheno && pheno.Slot("data") is RList pdata && pdata.Inherits("data.frame"))
        {
            var (pcols, _) = ToColumns(pdata, $"{what}@phenoData@data");
            foreach (var c in pcols)
            {
                if (c.Length != nSamp) throw new DataFormatException($"{what}: phenoData column '{c.Name}' has {c.Length} rows for {nSamp} samples.");
                if (!features.Contains(c.Name)) columns.Add(c);
            }
        }
        return (columns, features, sampNames.Length == nSamp ? sampNames.Select(s => s ?? "NA").ToArray() : null);
    }
}
