using static TorchSharp.torch;

namespace Workbench.Evaluation;

/// <summary>
/// One explanation method of NEON Table I: a name and a function (points x [B,d], their clusters c [B], a generator
/// for methods that draw) → relevance [B,d]. Built by <see cref="RelevanceMethods"/>.
/// </summary>
/// <param name="Name">column name: random, x2, pda0, pdacs, grad2, ig10, nca, neon</param>
/// <param name="Explain">(x, c, generator) → R [B,d]</param>
/// <param name="Stochastic">true when the relevance itself is random (random, PDA_cs): redrawn in every repeat</param>
public sealed record RelevanceMethod(string Name, Func<Tensor, Tensor, Generator, Tensor> Explain, bool Stochastic = false);
