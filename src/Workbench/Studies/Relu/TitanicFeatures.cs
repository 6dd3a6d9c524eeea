using System.Globalization;
using Deedle;
using static TorchSharp.torch;

using Workbench.Clustering;
using Workbench.Models;

namespace Workbench.Studies.Relu;

/// <summary>
/// The seven Titanic features of ReLU §5, Table 1, built from the raw passenger list of R's <c>stablelearner::titanic</c>
/// (columns name, gender, age, class, embarked, country, ticketno, fare, sibsp, parch, survived; crew rows are dropped).
/// The encodings follow the Kaggle notebook the paper cites (footnote 9):
/// <list type="table">
/// <item><term>Age</term><description>5 bins: ≤16, ≤32, ≤48, ≤64, &gt;64 → 0…4. Missing ages get the median age of passengers of the same gender and class.</description></item>
/// <item><term>Gender</term><description>1 female, 0 male.</description></item>
/// <item><term>PClass</term><description>1, 2, 3.</description></item>
/// <item><term>Fare</term><description>stablelearner writes fares as £.s.d (7.05 = £7 5s); they are converted to decimal
/// pounds (<see cref="PoundsFromLsd"/>, 7.05 → 7.25) and then binned at 7.91, 14.454, 31 (Kaggle's quartiles) → 0…3, four bins
/// as in Table 1's range [0, 3] (the paper's text says "3 bins"). Missing fares get their class's median fare.</description></item>
/// <item><term>Embarked</term><description>S 0, C 1, Q 2. Belfast (B, not in Kaggle's data) and missing ports count as S, the most common port (Kaggle fills missing ports with S).</description></item>
/// <item><term>Title</term><description>from the name: Mr 1, Miss 2, Mrs 3, Master 4, Rare 5. Mlle, Ms → Miss; Mme, Sra (Señora) → Mrs; Sr (Señor) → Mr; Dr, Rev, Fr, Col, Major, Captain, Don, Doña, Lady, Sir, Countess, … → Rare.</description></item>
/// <item><term>IsAlone</term><description>1 when sibsp + parch = 0; a missing sibsp or parch counts as 0 (the most common value).</description></item>
/// </list>
/// </summary>
public sealed class TitanicFeatures
{
    /// <summary>Feature names in column order (Table 1).</summary>
    public static readonly string[] Names = { "Age", "Gender", "PClass", "Fare", "Embarked", "Title", "IsAlone" };

    /// <summary>Title codes of Table 1.</summary>
    public static readonly string[] Titles = { "", "Mr", "Miss", "Mrs", "Master", "Rare" };

    static readonly string[] RequiredColumns = { "name", "gender", "age", "class", "embarked", "fare", "sibsp", "parch", "survived" };
    static readonly double[] AgeEdges = { 16, 32, 48, 64 };
    static readonly double[] FareEdges = { 7.91, 14.454, 31 };

    TitanicFeatures(double[,] values, int[] survived, int[] rowKeys, int crew, List<string> notes)
    {
        Values = values; Survived = survived; RowKeys = rowKeys; CrewExcluded = crew; Notes = notes;
    }

    /// <summary>Passengers × 7 feature values (Table 1 encodings).</summary>
    public double[,] Values { get; }
    /// <summary>1 survived, 0 died.</summary>
    public int[] Survived { get; }
    /// <summary>Row key of each passenger in the raw frame.</summary>
    public int[] RowKeys { get; }
    /// <summary>Number of passengers kept.</summary>
    public int Count => Survived.Length;
    /// <summary>Crew members dropped (class not 1st, 2nd or 3rd).</summary>
    public int CrewExcluded { get; }
    /// <summary>What was imputed or remapped, with counts.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The features as a float32 tensor [passengers, 7].</summary>
    public Tensor X(Device? device = null) => tensor(Values, ScalarType.Float32).to(Compute.Devices.Resolve(device));
    /// <summary>Survival as a float32 tensor [passengers].</summary>
    public Tensor Y(Device? device = null) => tensor(Survived.Select(s => (float)s).ToArray()).to(Compute.Devices.Resolve(device));

    /// <summary>The features and survival as a Deedle frame (one row per passenger, keyed like the raw frame).</summary>
    public Frame<int, string> ToFrame()
    {
        var frame = Frame.FromRecords(Enumerable.Range(0, Count).Select(i => new { Survived = Survived[i] })).IndexRowsWith(RowKeys);
        for (int j = 0; j < Names.Length; j++)
            frame.AddColumn(Names[j], new Series<int, double>(RowKeys, Enumerable.Range(0, Count).Select(i => Values[i, j]).ToArray()));
        return frame;
    }

    /// <summary>Builds the features from the raw passenger frame (see the class summary for every encoding).</summary>
    public static TitanicFeatures Build(Frame<int, string> raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var missing = RequiredColumns.Where(c => !raw.ColumnKeys.Contains(c)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException(
                $"The Titanic frame lacks column(s) {string.Join(", ", missing)}; expected the raw passenger list of stablelearner::titanic " +
                $"({string.Join(", ", RequiredColumns)}), e.g. Workbench.Datasets.Datasets.Load(\"titanic\").Frame.", nameof(raw));

        var keys = raw.RowKeys.ToArray();
        var cls = Column(raw, "class");
        var passengers = new List<int>();
        int crew = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            var c = Text(cls[i]);
            if (c is "1st" or "2nd" or "3rd") passengers.Add(i);
            else if (c is null) throw new ArgumentException($"Row {keys[i]} has no class; every row must be 1st, 2nd, 3rd or a crew department.", nameof(raw));
            else crew++;
        }
        if (passengers.Count == 0) throw new ArgumentException("The frame holds no passengers (class 1st, 2nd or 3rd).", nameof(raw));

        var name = Column(raw, "name"); var gender = Column(raw, "gender"); var age = Column(raw, "age");
        var embarked = Column(raw, "embarked"); var fare = Column(raw, "fare"); var sibsp = Column(raw, "sibsp");
        var parch = Column(raw, "parch"); var survived = Column(raw, "survived");

        int n = passengers.Count;
        var pclass = new int[n]; var female = new int[n]; var ages = new double?[n]; var fares = new double?[n];
        var values = new double[n, Names.Length]; var surv = new int[n]; var rowKeys = new int[n];
        var notes = new List<string>();
        int belfast = 0, noPort = 0, noFamily = 0, rare = 0;
        var remapped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < n; r++)
        {
            int i = passengers[r];
            rowKeys[r] = keys[i];
            pclass[r] = Text(cls[i])![0] - '0';
            female[r] = Text(gender[i]) switch
            {
                "female" => 1,
                "male" => 0,
                var g => throw new ArgumentException($"Row {keys[i]}: gender must be 'female' or 'male', not '{g ?? "missing"}'.", nameof(raw)),
            };
            ages[r] = Number(age[i]);
            fares[r] = Number(fare[i]);
            surv[r] = Text(survived[i]) switch
            {
                "yes" or "1" or "True" or "true" => 1,
                "no" or "0" or "False" or "false" => 0,
                var s => throw new ArgumentException($"Row {keys[i]}: survived must be yes/no, not '{s ?? "missing"}'.", nameof(raw)),
            };
            values[r, 1] = female[r];
            values[r, 2] = pclass[r];
            switch (Text(embarked[i]))
            {
                case "S": values[r, 4] = 0; break;
                case "C": values[r, 4] = 1; break;
                case "Q": values[r, 4] = 2; break;
                case "B": values[r, 4] = 0; belfast++; break;
                case null: values[r, 4] = 0; noPort++; break;
                case var e: throw new ArgumentException($"Row {keys[i]}: unknown port of embarkation '{e}' (expected B, C, Q or S).", nameof(raw));
            }
            var (title, raw_) = Title(Text(name[i]) ?? "", female[r] == 1);
            values[r, 5] = title;
            if (title == 5) rare++;
            if (raw_ is not null) remapped[raw_] = remapped.GetValueOrDefault(raw_) + 1;
            double? sp = Number(sibsp[i]), pc = Number(parch[i]);
            if (sp is null || pc is null) noFamily++;
            values[r, 6] = (sp ?? 0) + (pc ?? 0) == 0 ? 1 : 0;
        }

        // Missing ages: median of the same gender and class (Kaggle's "guess ages" step).
        int ageFilled = 0;
        for (int r = 0; r < n; r++)
        {
            if (ages[r] is null)
            {
                var peers = Enumerable.Range(0, n).Where(k => ages[k] is not null && female[k] == female[r] && pclass[k] == pclass[r]).Select(k => ages[k]!.Value);
                values[r, 0] = Bin(Median(peers), AgeEdges);
                ageFilled++;
            }
            else values[r, 0] = Bin(ages[r]!.Value, AgeEdges);
        }
        // Fares: £.s.d → decimal pounds before binning (stablelearner's fare 7.05 is £7 5s = 7.25).
        int fareMoved = 0, notLsd = 0;
        for (int r = 0; r < n; r++)
        {
            if (fares[r] is not double f) continue;
            if (!IsLsd(f)) notLsd++;
            double pounds = PoundsFromLsd(f);
            if (Bin(pounds, FareEdges) != Bin(f, FareEdges)) fareMoved++;
            fares[r] = pounds;
        }
        int fareKnown = fares.Count(f => f is not null);
        // Missing fares: median fare of the class.
        int fareFilled = 0;
        for (int r = 0; r < n; r++)
        {
            if (fares[r] is null)
            {
                var peers = Enumerable.Range(0, n).Where(k => fares[k] is not null && pclass[k] == pclass[r]).Select(k => fares[k]!.Value);
                values[r, 3] = Bin(Median(peers), FareEdges);
                fareFilled++;
            }
            else values[r, 3] = Bin(fares[r]!.Value, FareEdges);
        }

        notes.Add($"{n} passengers kept, {crew} crew members excluded.");
        notes.Add($"Age missing for {ageFilled} passenger(s): filled with the median age of their gender and class.");
        notes.Add($"Fare read as £.s.d and converted to decimal pounds for {fareKnown} passenger(s); {fareMoved} of them ({(double)fareMoved / Math.Max(1, fareKnown):P1}) " +
                  $"land in another fare bin than the raw value would; {notLsd} fare(s) with shillings ≥ 20 or pence ≥ 12 converted by the same formula.");
        notes.Add($"Fare missing for {fareFilled} passenger(s): filled with the median fare of their class (in decimal pounds).");
        notes.Add($"Embarked: {belfast} passenger(s) from Belfast and {noPort} without a port counted as Southampton (S, the most common port).");
        notes.Add($"sibsp or parch missing for {noFamily} passenger(s): counted as 0 (the most common value) for IsAlone.");
        notes.Add($"Titles: {rare} passenger(s) with a rare title; remapped: {(remapped.Count == 0 ? "none" : string.Join(", ", remapped.Select(kv => $"{kv.Key} ×{kv.Value}")))}.");
        return new TitanicFeatures(values, surv, rowKeys, crew, notes);
    }

    /// <summary>Title code from a name "Surname, Title. Given names"; the second value names a remapped or rare title.</summary>
    internal static (int Code, string? Remapped) Title(string name, bool female)
    {
        string? token = null;
        int comma = name.IndexOf(',');
        if (comma >= 0)
        {
            var rest = name[(comma + 1)..].Trim();
            int dot = rest.IndexOf('.'), space = rest.IndexOf(' ');
            if (dot > 0 && (space < 0 || dot < space)) token = rest[..dot];
        }
        token ??= name.Split(new[] { ' ', ',' }, StringSplitOptions.RemoveEmptyEntries)
                      .FirstOrDefault(w => w is "Lady" or "Countess" or "Sir" or "Jonkheer" or "Don" or "Dona");
        switch (token)
        {
            case "Mr": return (1, null);
            case "Miss": return (2, null);
            case "Mrs": return (3, null);
            case "Master": return (4, null);
            case "Mlle" or "Ms": return (2, $"{token}→Miss");
            case "Mme" or "Sra": return (3, $"{token}→Mrs");
            case "Sr": return (1, $"{token}→Mr");
            case null: return female ? (2, "no title→Miss") : (1, "no title→Mr");
            default: return (5, $"{token}→Rare");
        }
    }

    /// <summary>
    /// A fare written £.s.d as stablelearner stores it (pounds, then two digits of shillings and two of pence after the point:
    /// 71.0508 = £71 5s 8d; 7.1 = 7.10 = £7 10s) in decimal pounds: pounds + shillings/20 + pence/240
    /// (7.05 → 7.25, 71.0508 → 71.2833). Digits outside a real £.s.d (shillings ≥ 20 or pence ≥ 12, see <see cref="IsLsd"/>)
    /// are converted by the same formula.
    /// </summary>
    public static double PoundsFromLsd(double fare)
    {
        var (pounds, shillings, pence) = SplitLsd(fare);
        return pounds + shillings / 20.0 + pence / 240.0;
    }

    /// <summary>Whether <paramref name="fare"/>'s digits are a real £.s.d amount (shillings &lt; 20, pence &lt; 12).</summary>
    public static bool IsLsd(double fare)
    {
        var (_, shillings, pence) = SplitLsd(fare);
        return shillings < 20 && pence < 12;
    }

    static (double Pounds, int Shillings, int Pence) SplitLsd(double fare)
    {
        if (!double.IsFinite(fare) || fare < 0)
            throw new ArgumentOutOfRangeException(nameof(fare), fare, "A fare must be a finite amount ≥ 0, written £.s.d (e.g. 7.05 for £7 5s).");
        double scaled = fare * 10_000;                                 // pounds, then ssdd
        if (Math.Abs(scaled - Math.Round(scaled)) > 1e-3)
            throw new ArgumentException($"Fare {fare.ToString(CultureInfo.InvariantCulture)} has more than four digits after the point; a £.s.d fare has two of shillings and two of pence.", nameof(fare));
        long all = (long)Math.Round(scaled);
        double pounds = all / 10_000;
        long digits = all % 10_000;
        return (pounds, (int)(digits / 100), (int)(digits % 100));
    }

    static int Bin(double value, double[] edges)
    {
        int b = 0;
        while (b < edges.Length && value > edges[b]) b++;
        return b;
    }

    static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) throw new ArgumentException("Cannot impute: no passenger of the same group has a value.");
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    static object?[] Column(Frame<int, string> frame, string name)
    {
        var series = frame.GetColumn<object>(name);
        return frame.RowKeys.Select(k => { var o = series.TryGet(k); return o.HasValue ? o.Value : null; }).ToArray();
    }

    static string? Text(object? o) => o switch
    {
        null => null,
        string s => string.IsNullOrWhiteSpace(s) || s == "NA" ? null : s.Trim(),
        double d when double.IsNaN(d) => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => o.ToString(),
    };

    static double? Number(object? o) => o switch
    {
        null => null,
        double d => double.IsNaN(d) ? null : d,
        float f => float.IsNaN(f) ? null : f,
        int i => i,
        long l => l,
        string s when string.IsNullOrWhiteSpace(s) || s == "NA" => null,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ArgumentException($"'{s}' is not a number (age, fare, sibsp and parch must be numbers or missing)."),
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };
}
