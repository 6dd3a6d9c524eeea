using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Additive;

/// <summary>One additive term of a fitted NeurCAM: a single feature (<see cref="J"/> = −1) or an unordered pair.</summary>
public sealed record AdditiveTerm(int I, int J)
{
    /// <summary>True for a single-feature term.</summary>
    public bool IsSingle => J < 0;
    /// <inheritdoc/>
    public override string ToString() => IsSingle ? $"x{I}" : $"x{I}×x{J}";
}

/// <summary>
/// The interpretation of a fitted <see cref="NeurCam"/> (NeurCAM §3.5): channels grouped into additive terms by the
/// feature(s) they selected, f_{i,k} = Σ_c 1_i(F_c) f_{c,k} (Eq. 24) and f_{i,j,k} = Σ_p 1_{i,j}(F_p) f_{p,k} with the
/// pair order ignored (Eq. 25); centred versions (each term minus its mean over reference data, the means gathered in
/// an intercept f_0,k), importance as the mean absolute centred contribution (Lou et al.), curves and pair surfaces.
/// Term contributions include the head biases and sum to the cluster logits exactly.
/// </summary>
public sealed class ShapeGraphs
{
    readonly NeurCam _model;
    readonly Tensor _grouping;   // [C+P, T] 0/1

    internal ShapeGraphs(NeurCam model)
    {
        _model = model;
        var single = Longs(model.SelectedFeatures);
        var pairs = Longs(model.SelectedPairs);
        var terms = new List<AdditiveTerm>();
        var channelTerm = new List<int>();
        int TermOf(AdditiveTerm t) { int i = terms.IndexOf(t); if (i < 0) { terms.Add(t); i = terms.Count - 1; } return i; }
        foreach (var f in single) channelTerm.Add(TermOf(new AdditiveTerm((int)f, -1)));
        for (int p = 0; p < pairs.Length / 2; p++)
        {
            int a = (int)pairs[2 * p], b = (int)pairs[2 * p + 1];
            channelTerm.Add(TermOf(new AdditiveTerm(Math.Min(a, b), Math.Max(a, b))));   // Eq. 25: order ignored
        }
        Terms = terms;
        var g = new double[channelTerm.Count, terms.Count];
        for (int c = 0; c < channelTerm.Count; c++) g[c, channelTerm[c]] = 1;
        _grouping = tensor(g, dtype: ScalarType.Float32, device: model.Centroids.device);
    }

    static long[] Longs(Tensor t) => t.numel() == 0 ? Array.Empty<long>() : t.cpu().reshape(-1).data<long>().ToArray();   // (ToArray fails on empty tensors)

    /// <summary>The additive terms, singles first in channel order, then pairs.</summary>
    public IReadOnlyList<AdditiveTerm> Terms { get; }

    /// <summary>Contribution of every term to every cluster logit, [N,T,K] (Eqs. 24–25, biases included); Σ_t = logits.</summary>
    public Tensor TermContributions(Tensor x)
    {
        using var scope = NewDisposeScope();
        var ch = _model.ChannelContributions(x);                      // [N,C+P,K]
        return ch.permute(0, 2, 1).matmul(_grouping).permute(0, 2, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Centred contributions: each term minus its mean over <paramref name="reference"/> (the training data), per
    /// cluster, and the intercept f_0,k = Σ_t mean f_{t,k}; logits = f_0 + Σ_t centred.
    /// </summary>
    public (Tensor Intercept, Tensor Centred) Centred(Tensor x, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var means = TermContributions(reference).mean(new long[] { 0 });    // [T,K]
        var centred = TermContributions(x) - means.unsqueeze(0);
        return (means.sum(new long[] { 0 }).MoveToOuterDisposeScope(), centred.MoveToOuterDisposeScope());
    }

    /// <summary>Importance of each term for each cluster, [T,K]: mean over <paramref name="reference"/> of |centred contribution|.</summary>
    public Tensor Importance(Tensor reference)
    {
        using var scope = NewDisposeScope();
        return Centred(reference, reference).Centred.abs().mean(new long[] { 0 }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Shape graph of feature <paramref name="feature"/>: its summed single-channel contribution at each value of
    /// <paramref name="values"/> (original units), [G,K]; centred on <paramref name="reference"/> when given.
    /// Zero for a feature no single channel selected.
    /// </summary>
    public Tensor Curve(int feature, Tensor values, Tensor? reference = null)
    {
        int t = Terms.ToList().IndexOf(new AdditiveTerm(feature, -1));
        using var scope = NewDisposeScope();
        var grid = Grid(values.shape[0], new[] { (feature, values) });
        var f = t < 0 ? zeros(values.shape[0], _model.K, device: _grouping.device) : TermContributions(grid)[.., t, ..];
        if (reference is not null && t >= 0) f = f - TermContributions(reference)[.., t, ..].mean(new long[] { 0 });
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>Surface of the pair term (i,j) over the grid <paramref name="vi"/> × <paramref name="vj"/> (original units), [Gi,Gj,K].</summary>
    public Tensor Surface(int i, int j, Tensor vi, Tensor vj)
    {
        int t = Terms.ToList().IndexOf(new AdditiveTerm(Math.Min(i, j), Math.Max(i, j)));
        if (t < 0) throw new ArgumentException($"No pairwise channel selected the pair ({i},{j}); the selected terms are {string.Join(", ", Terms)}.");
        using var scope = NewDisposeScope();
        long gi = vi.shape[0], gj = vj.shape[0];
        var mesh = meshgrid(new[] { vi.to(ScalarType.Float64), vj.to(ScalarType.Float64) }, indexing: "ij");
        var grid = Grid(gi * gj, new[] { (i, mesh[0].reshape(-1)), (j, mesh[1].reshape(-1)) });
        return TermContributions(grid)[.., t, ..].reshape(gi, gj, -1).MoveToOuterDisposeScope();
    }

    /// <summary>Rows at the feature means with the given columns set (the terms read only their own features).</summary>
    Tensor Grid(long rows, (int Feature, Tensor Values)[] columns)
    {
        var x = _model.FeatureMean.to(ScalarType.Float64).unsqueeze(0).repeat(rows, 1);
        foreach (var (f, v) in columns) x[.., f] = v.to(ScalarType.Float64, x.device);
        return x.to(ScalarType.Float32);
    }
}
