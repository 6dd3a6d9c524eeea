using Workbench.Compute;
using Workbench.Losses;
using static TorchSharp.torch;

namespace Workbench.Tests.Losses;

/// <summary>IDC Eqs. (4) and (7): the digest's worked values (§6.2), Sylvester's identity and a finite-difference gradient.</summary>
public class CodingRateTests
{
    static Tensor Z() => tensor(new double[,] { { 1, 0, 1 }, { 0, 1, 1 } });

    [Fact]
    public void BothLogDetFormsEqualLn13_75()
    {
        double ln = Math.Log(13.75);
        Assert.Equal(2.6210388, ln, 7);
        Assert.Equal(ln, CodingRate.LogDetIdentityPlusGram(Z().t(), 1.5, rowSide: false).item<double>(), 10);   // B×B: I + λZZᵀ
        Assert.Equal(ln, CodingRate.LogDetIdentityPlusGram(Z().t(), 1.5, rowSide: true).item<double>(), 10);    // D×D: I + λZᵀZ
        Assert.Equal(-1.3105194, CodingRate.GateCodingRate(Z()).item<double>(), 7);                             // λ = D/(Bε) = 1.5
        Assert.Equal(-0.0065526, CodingRate.GateCodingRateCode(Z()).item<double>(), 7);
    }

    [Fact]
    public void SylvesterHoldsForWideBatches()
    {
        var z = rand(new long[] { 16, 300 }, dtype: ScalarType.Float64, generator: Seeds.Generator(5));
        var small = CodingRate.LogDetIdentityPlusGram(z.t(), 0.7, rowSide: false).item<double>();
        var big = CodingRate.LogDetIdentityPlusGram(z.t(), 0.7, rowSide: true).item<double>();
        Assert.Equal(big, small, 7);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LogDetGradientEqualsThePlainAutogradForm(bool rowSide)
    {
        // LogDetIdentityPlusGram differentiates through one factor of the Gram matrix and doubles it (a speed-up of the
        // backward pass); value and gradient must equal autograd through both factors, and finite differences.
        var a0 = rand(new long[] { 5, 9 }, dtype: ScalarType.Float64, generator: Seeds.Generator(11)) * 2 - 0.5;
        var a = a0.clone().requires_grad_(true);
        var fast = CodingRate.LogDetIdentityPlusGram(a, 0.8, rowSide);
        fast.backward();
        var b = a0.clone().requires_grad_(true);
        var gram = rowSide ? b.matmul(b.t()) : b.t().matmul(b);
        var plain = linalg.slogdet(eye(gram.shape[0], dtype: ScalarType.Float64) + 0.8 * gram).Item2;
        plain.backward();
        Assert.Equal(plain.item<double>(), fast.item<double>(), 12);
        Assert.True((a.grad! - b.grad!).abs().max().item<double>() <= 1e-12, "gradient differs from the two-factor autograd");
        double eps = 1e-6;
        for (long i = 0; i < a0.shape[0]; i++)
            for (long j = 0; j < a0.shape[1]; j += 4)
            {
                var plus = a0.clone(); plus[i, j] += eps; var minus = a0.clone(); minus[i, j] -= eps;
                double fd = (CodingRate.LogDetIdentityPlusGram(plus, 0.8, rowSide).item<double>()
                           - CodingRate.LogDetIdentityPlusGram(minus, 0.8, rowSide).item<double>()) / (2 * eps);
                Assert.Equal(fd, a.grad![i, j].item<double>(), 6);
            }
        // The gate coding-rate term through clamped gates (as in training) too.
        var z0 = a0.clone().requires_grad_(true);
        CodingRate.GateCodingRateCode(z0.clamp(0.0, 1.0)).backward();
        var z1 = a0.clone().requires_grad_(true);
        var zc = z1.clamp(0.0, 1.0);
        double lambda = 9.0 / 5.0;
        (-0.5 * linalg.slogdet(eye(5, dtype: ScalarType.Float64) + lambda * zc.matmul(zc.t())).Item2 / 5 * 0.01).backward();
        Assert.True((z0.grad! - z1.grad!).abs().max().item<double>() <= 1e-14);
    }

    [Fact]
    public void CompressLossValues()
    {
        var h = eye(2, dtype: ScalarType.Float64);
        var one = tensor(new double[,] { { 1 }, { 1 } });
        var split = tensor(new double[,] { { 1, 0 }, { 0, 1 } });
        var uniform = tensor(new double[,] { { 0.5, 0.5 }, { 0.5, 0.5 } });
        Assert.Equal(2.3978953, CodingRate.CompressLoss(h, one, 0.1, divideByDim: false).item<double>(), 6);
        Assert.Equal(1.1989477, CodingRate.CompressLoss(h, one, 0.1).item<double>(), 6);
        Assert.Equal(1.5222612, CodingRate.CompressLoss(h, split, 0.1, divideByDim: false).item<double>(), 6);
        Assert.Equal(0.7611306, CodingRate.CompressLoss(h, split, 0.1).item<double>(), 6);
        Assert.Equal(2.3978953, CodingRate.CompressLoss(h, uniform, 0.1, divideByDim: false).item<double>(), 6);
    }

    [Theory]
    [InlineData(6, 3)]     // B > d: the d×d form
    [InlineData(3, 6)]     // B ≤ d: the B×B form
    public void CompressLossGradientMatchesFiniteDifferences(int rows, int dims)
    {
        var g = Seeds.Generator(7);
        var h0 = randn(new long[] { rows, dims }, dtype: ScalarType.Float64, generator: g);
        var p0 = randn(new long[] { rows, 2 }, dtype: ScalarType.Float64, generator: g).softmax(1);
        var h = h0.clone().requires_grad_(true); var p = p0.clone().requires_grad_(true);
        CodingRate.CompressLoss(h, p, 0.1).backward();
        double eps = 1e-6;
        foreach (var (t, grad) in new[] { (h0, h.grad!), (p0, p.grad!) })
            for (long i = 0; i < t.shape[0]; i++)
                for (long j = 0; j < t.shape[1]; j++)
                {
                    var plus = t.clone(); plus[i, j] += eps; var minus = t.clone(); minus[i, j] -= eps;
                    bool isH = ReferenceEquals(t, h0);
                    double fp = CodingRate.CompressLoss(isH ? plus : h0, isH ? p0 : plus, 0.1).item<double>();
                    double fm = CodingRate.CompressLoss(isH ? minus : h0, isH ? p0 : minus, 0.1).item<double>();
                    Assert.Equal((fp - fm) / (2 * eps), grad[i, j].item<double>(), 6);
                }
    }

    [Theory]
    [InlineData(6, 3)]
    [InlineData(3, 6)]
    public void CompressLossHasFiniteGradientsAtHardAssignments(int rows, int dims)
    {
        // One-hot assignments (exact zeros, as a low-τ Gumbel-softmax gives after float underflow): the loss equals the
        // per-cluster sum over the member rows only, and its gradient is finite (a Π^{1/2} form gave NaN here).
        var g = Seeds.Generator(8);
        var h = randn(new long[] { rows, dims }, dtype: ScalarType.Float64, generator: g).requires_grad_(true);
        var member = tensor(new long[] { 0, 1, 0, 1, 0, 1 }[..rows]);
        var p = nn.functional.one_hot(member, 2).to(ScalarType.Float64).requires_grad_(true);
        var loss = CodingRate.CompressLoss(h, p, 0.1);
        loss.backward();
        Assert.True(h.grad!.isfinite().all().item<bool>() && p.grad!.isfinite().all().item<bool>());
        double expected = 0;
        var hn = h.detach() / h.detach().norm(1, keepdim: true);
        for (int c = 0; c < 2; c++)
        {
            var rowsOf = member.eq(c).nonzero().squeeze(1);
            var w = hn.index_select(0, rowsOf);                                        // members of cluster c, [n_c,d]
            double nc = rowsOf.shape[0];
            var m = eye(dims, dtype: ScalarType.Float64) + dims / (nc * 0.1) * w.t().matmul(w);
            expected += nc / (2.0 * rows) * linalg.slogdet(m).Item2.item<double>();
        }
        Assert.Equal(expected / dims, loss.item<double>(), 6);
    }
}
