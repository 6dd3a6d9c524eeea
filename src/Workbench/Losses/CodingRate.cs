using static TorchSharp.torch;

namespace Workbench.Losses;

/// <summary>
/// Coding-rate terms of IDC (Eqs. 4, 7, 9, 10; code TE:19-71, copied from NMCE/MCR²).
/// logdet(I_D + λZᵀZ) = logdet(I_B + λZZᵀ) (Sylvester), so every log-determinant is taken on the smaller side.
/// </summary>
public static class CodingRate
{
    /// <summary>
    /// logdet(I_n + λ·AᵀA) = logdet(I_m + λ·AAᵀ) for A [m,n]. <paramref name="rowSide"/>: true takes the m×m form,
    /// false the n×n form, null (default) the smaller one.
    /// </summary>
    public static Tensor LogDetIdentityPlusGram(Tensor a, double lambda, bool? rowSide = null)
    {
        long m = a.shape[0], n = a.shape[1];
        bool rows = rowSide ?? m <= n;                     // m×m: A Aᵀ ; n×n: Aᵀ A
        Tensor gram;
        if (a.requires_grad)
        {
            // One product instead of two in the backward pass: the Gram matrix G = A·A_detachedᵀ (value exact) carries the
            // gradient through its first factor only, dA = ∂L/∂G·A, and doubling it (2h − h.detach(), exact in floating point)
            // gives (∂L/∂G + ∂L/∂Gᵀ)·A, the true gradient, because ∂logdet(I + λG)/∂G = λ(I + λG)⁻¹ is symmetric.
            var half = rows ? a.matmul(a.detach().t()) : a.t().matmul(a.detach());
            gram = 2 * half - half.detach();
        }
        else gram = rows ? a.matmul(a.t()) : a.t().matmul(a);
        var id = eye(gram.shape[0], dtype: a.dtype, device: a.device);
        return linalg.slogdet(id + lambda * gram).Item2;
    }

    /// <summary>
    /// The gate coding-rate term, IDC Eq. (4): L_gtr = −½ logdet(I + λ₁ZZᵀ) with λ₁ = D/(B·ε) (code; the appendix
    /// writes D·(Bε)). <paramref name="z"/> is [B,D]; computed in the B×B form so D = 7129 is cheap.
    /// The code then divides by B and multiplies by <c>gtcr_lambda</c>: see <see cref="GateCodingRateCode"/>.
    /// </summary>
    public static Tensor GateCodingRate(Tensor z, double eps = 1.0)
    {
        if (eps <= 0) throw new ArgumentException($"eps must be > 0; got {eps}.");
        long b = z.shape[0], d = z.shape[1];
        double lambda = d / (b * eps);
        return -0.5 * LogDetIdentityPlusGram(z.t(), lambda);      // Zᵀ is [D,B]: Gram on the B side is ZZᵀ
    }

    /// <summary>The code's term added to the loss (TE:174): L_gtr / B × <paramref name="weight"/>.</summary>
    public static Tensor GateCodingRateCode(Tensor z, double weight = 0.01, double eps = 1.0) =>
        GateCodingRate(z, eps) / z.shape[0] * weight;

    /// <summary>
    /// The clustering head's compression loss, IDC Eq. (7) in the code's form (TE:62-71, 384-390):
    /// H_n = row-normalised <paramref name="h"/> [B,d], W = H_nᵀ, Π_k = diag(<paramref name="assign"/>[:,k]),
    /// tr_k = Σ_i ŷ_ik + 1e−8, L = (1/d) Σ_k (tr_k/(2B)) logdet(I_d + d/(tr_k ε) WΠ_kWᵀ).
    /// With <paramref name="divideByDim"/> false the leading 1/d is dropped (NMCE's value).
    /// </summary>
    public static Tensor CompressLoss(Tensor h, Tensor assign, double eps = 0.1, bool divideByDim = true)
    {
        if (eps <= 0) throw new ArgumentException($"eps must be > 0; got {eps}.");
        if (h.shape[0] != assign.shape[0]) throw new ArgumentException($"h has {h.shape[0]} rows but assign has {assign.shape[0]}.");
        long b = h.shape[0], d = h.shape[1], k = assign.shape[1];
        var hn = h / h.norm(1, keepdim: true).clamp_min(1e-12);
        Tensor total = zeros(new long[0], dtype: h.dtype, device: h.device);
        for (long c = 0; c < k; c++)                                  // K is small; each term is a d×d (or B×B) logdet
        {
            var pi = assign[.., c];
            var tr = pi.sum() + 1e-8;
            // W Π Wᵀ = H_nᵀ (Π H_n), or on the batch side Π H_n H_nᵀ (same logdet by Sylvester). No Π^{1/2}: its derivative
            // 1/(2√π) is infinite where an assignment underflows to 0 (low τ) and turned the gradient into NaN.
            var weighted = hn * pi.unsqueeze(1);
            var gram = b <= d ? weighted.matmul(hn.t()) : hn.t().matmul(weighted);
            var id = eye(gram.shape[0], dtype: h.dtype, device: h.device);
            var logdet = linalg.slogdet(id + (d / eps) / tr * gram).Item2;
            total = total + tr / (2.0 * b) * logdet;
        }
        return divideByDim ? total / d : total;
    }
}
