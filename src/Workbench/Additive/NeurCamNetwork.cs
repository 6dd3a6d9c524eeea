using TorchSharp;
using TorchSharp.Modules;
using Workbench.Gating;
using static TorchSharp.torch;

namespace Workbench.Additive;

/// <summary>
/// The parameters and forward pass of NeurCAM (NeurCAM §3, Fig. 1): C single-feature channels and P pairwise channels
/// (Neur2CAM), each selecting its input by an entmax-1.5 gate over learnable logits at temperature T (Eqs. 9, 13), a
/// neural basis model with B shared bases (one MLP R→R^B for the single channels and one R²→R^B for the pairs, Eq. 10)
/// and per-channel, per-cluster linear heads λ with bias (Eq. 11; the bias as in the official code). All channels are
/// evaluated in one batched matmul over N·C rows; there is no loop over channels.
/// </summary>
public sealed class NeurCamNetwork
{
    NeurCamNetwork() { }

    /// <summary>Gate logits of the single channels F̃_c, [C,D].</summary>
    public Parameter SingleLogits { get; private set; } = null!;
    /// <summary>Gate logits of the pairwise channels F̃_{p,j}, [P,2,D].</summary>
    public Parameter PairLogits { get; private set; } = null!;
    /// <summary>Weights and biases of the single-channel basis MLP, layer by layer ([out,in], [out]).</summary>
    public IReadOnlyList<(Parameter W, Parameter B)> SingleMlp { get; private set; } = null!;
    /// <summary>Weights and biases of the pairwise basis MLP (input 2).</summary>
    public IReadOnlyList<(Parameter W, Parameter B)> PairMlp { get; private set; } = null!;
    /// <summary>Heads λ_{c,k} of the single channels, [C,B,K], and their biases [C,K].</summary>
    public Parameter SingleHeads { get; private set; } = null!;
    /// <summary>Biases of the single-channel heads, [C,K].</summary>
    public Parameter SingleBias { get; private set; } = null!;
    /// <summary>Heads of the pairwise channels, [P,B,K].</summary>
    public Parameter PairHeads { get; private set; } = null!;
    /// <summary>Biases of the pairwise heads, [P,K].</summary>
    public Parameter PairBias { get; private set; } = null!;

    /// <summary>Number of input features D.</summary>
    public long D => SingleLogits.shape[1];
    /// <summary>Number of single channels C.</summary>
    public long C => SingleLogits.shape[0];
    /// <summary>Number of pairwise channels P.</summary>
    public long P => PairLogits.shape[0];
    /// <summary>Number of clusters K.</summary>
    public long K => SingleBias.shape[1];

    /// <summary>
    /// A randomly initialised network (as the official code: gate logits U[0,1), Linear layers U(±1/√fan_in)),
    /// drawn from <paramref name="gen"/>.
    /// </summary>
    public static NeurCamNetwork Create(long d, long c, long p, int[] hidden, int bases, int k, Generator gen, Device device, ScalarType dtype = ScalarType.Float32)
    {
        Tensor U(long[] shape, double bound) => (rand(shape, dtype: ScalarType.Float64, generator: gen) * (2 * bound) - bound).to(dtype, device);
        Parameter P(Tensor t) => new Parameter(t, requires_grad: true);
        List<(Parameter, Parameter)> Mlp(int inputs)
        {
            var layers = new List<(Parameter, Parameter)>();
            int fanIn = inputs;
            foreach (var width in hidden.Append(bases))
            {
                double b = 1 / Math.Sqrt(fanIn);
                layers.Add((P(U(new long[] { width, fanIn }, b)), P(U(new long[] { width }, b))));
                fanIn = width;
            }
            return layers;
        }
        double hb = 1 / Math.Sqrt(bases);
        return new NeurCamNetwork
        {
            SingleLogits = P(rand(new long[] { c, d }, dtype: ScalarType.Float64, generator: gen).to(dtype, device)),
            PairLogits = P(rand(new long[] { p, 2, d }, dtype: ScalarType.Float64, generator: gen).to(dtype, device)),
            SingleMlp = Mlp(1),
            PairMlp = Mlp(2),
            SingleHeads = P(U(new long[] { c, bases, k }, hb)),
            SingleBias = P(U(new long[] { c, k }, hb)),
            PairHeads = P(U(new long[] { p, bases, k }, hb)),
            PairBias = P(U(new long[] { p, k }, hb)),
        };
    }

    /// <summary>A detached deep copy (the frozen θ* of the KL phase, Alg. 1).</summary>
    public NeurCamNetwork Copy()
    {
        Parameter Cp(Tensor t) => new Parameter(t.detach().clone(), requires_grad: false);
        return new NeurCamNetwork
        {
            SingleLogits = Cp(SingleLogits), PairLogits = Cp(PairLogits),
            SingleMlp = SingleMlp.Select(l => (Cp(l.W), Cp(l.B))).ToList(),
            PairMlp = PairMlp.Select(l => (Cp(l.W), Cp(l.B))).ToList(),
            SingleHeads = Cp(SingleHeads), SingleBias = Cp(SingleBias), PairHeads = Cp(PairHeads), PairBias = Cp(PairBias),
        };
    }

    /// <summary>Shape-function parameters (MLPs and heads), without the gate logits.</summary>
    public IEnumerable<Parameter> FunctionParameters() =>
        (C > 0 ? SingleMlp.SelectMany(l => new[] { l.W, l.B }).Concat(new[] { SingleHeads, SingleBias }) : Enumerable.Empty<Parameter>())
            .Concat(P > 0 ? PairMlp.SelectMany(l => new[] { l.W, l.B }).Concat(new[] { PairHeads, PairBias }) : Enumerable.Empty<Parameter>());

    /// <summary>Gate probabilities entmax15(F̃_c/T) of the single channels, [C,D] (Eq. 9).</summary>
    public Tensor SingleGates(double temperature) => Entmax.Entmax15(SingleLogits / temperature, 1);

    /// <summary>Gate probabilities entmax15(F̃_{p,j}/T₂) of the pairwise channels, [P,2,D] (Eq. 13).</summary>
    public Tensor PairGates(double temperature) => Entmax.Entmax15(PairLogits / temperature, 2);

    /// <summary>
    /// Contribution f_{c,k}(x) of every channel to every cluster's logit, [N, C+P, K], biases included (Eqs. 10–12);
    /// g_k = Σ_c f_{c,k}. A locked gate (<paramref name="singleLocked"/>, <paramref name="pairLocked"/>: the selected
    /// feature indices, [C] and [P,2]) reads its feature directly, s_c(x) = x[F_c], instead of the soft gate.
    /// </summary>
    public Tensor Contributions(Tensor x, double singleT, double pairT, Tensor? singleLocked = null, Tensor? pairLocked = null)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var f = zeros(n, 0, K, dtype: x.dtype, device: x.device);
        if (C > 0)
        {
            var s1 = singleLocked is not null ? x.index_select(1, singleLocked) : x.matmul(SingleGates(singleT).T);   // [N,C] (Eq. 7/9)
            f = Heads(Basis(s1.reshape(n * C, 1), SingleMlp).reshape(n, C, -1), SingleHeads, SingleBias);
        }
        if (P > 0)
        {
            var s2 = pairLocked is not null
                ? x.index_select(1, pairLocked.reshape(-1)).reshape(n, P, 2)
                : x.matmul(PairGates(pairT).reshape(P * 2, D).T).reshape(n, P, 2);                                 // Eq. 13
            var f2 = Heads(Basis(s2.reshape(n * P, 2), PairMlp).reshape(n, P, -1), PairHeads, PairBias);
            f = cat(new[] { f, f2 }, 1);
        }
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>Cluster logits g(x) = Σ_c f_c(x), [N,K] (Eq. 12).</summary>
    public Tensor Logits(Tensor x, double singleT, double pairT, Tensor? singleLocked = null, Tensor? pairLocked = null)
    {
        using var scope = NewDisposeScope();
        return Contributions(x, singleT, pairT, singleLocked, pairLocked).sum(new long[] { 1 }).MoveToOuterDisposeScope();
    }

    /// <summary>Basis functions b(s) of a batch of channel inputs, [rows, in] → [rows, B]; ReLU between layers, none on the bases.</summary>
    public static Tensor Basis(Tensor s, IReadOnlyList<(Parameter W, Parameter B)> mlp)
    {
        var h = s;
        for (int l = 0; l < mlp.Count; l++)
        {
            h = nn.functional.linear(h, mlp[l].W, mlp[l].B);
            if (l < mlp.Count - 1) h = h.relu();
        }
        return h;
    }

    /// <summary>Per-channel heads: [N,C,B] × [C,B,K] + [C,K] → [N,C,K] as one batched matmul over channels.</summary>
    static Tensor Heads(Tensor b, Tensor heads, Tensor bias) =>
        b.permute(1, 0, 2).bmm(heads).add(bias.unsqueeze(1)).permute(1, 0, 2);
}
