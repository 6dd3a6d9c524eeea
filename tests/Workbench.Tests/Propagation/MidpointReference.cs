namespace Workbench.Tests.Propagation;

/// <summary>Test oracle for <see cref="Workbench.Propagation.MidpointRule"/>: Eq. (4) written literally, one point at a time.</summary>
static class MidpointReference
{
    /// <summary>
    /// Literal Eq. (4) for one point: R_i = Σ_k (x_i − m_ik) w_ik / Σ_i (x_i − m_ik) w_ik · R_k.
    /// <paramref name="w"/> and <paramref name="m"/> are [K,d]; <paramref name="rk"/> [K] (zero for neurons not pooled).
    /// </summary>
    public static double[] Relevance(double[] x, double[,] w, double[,] m, double[] rk)
    {
        int kk = w.GetLength(0), d = x.Length;
        var r = new double[d];
        for (int k = 0; k < kk; k++)
        {
            if (rk[k] == 0) continue;
            double den = 0;
            for (int i = 0; i < d; i++) den += (x[i] - m[k, i]) * w[k, i];
            for (int i = 0; i < d; i++) r[i] += (x[i] - m[k, i]) * w[k, i] / den * rk[k];
        }
        return r;
    }
}
