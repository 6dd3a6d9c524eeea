namespace Workbench.Tests.Propagation;

/// <summary>
/// zennit's rule definitions (rules.py, chr5tphr/zennit) for one dense layer z = W x + b, written out independently in
/// plain float64 loops: W is [K,J] (outputs × inputs), R_out [K]; each returns R_in [J]. Test oracle only.
/// </summary>
static class LrpReference
{
    static double Stab(double z, double eps) => z + eps * (z >= 0 ? 1 : -1);
    static double Pos(double v) => Math.Max(v, 0);
    static double Neg(double v) => Math.Min(v, 0);

    /// <summary>Generic: R_j = Σ_k c_kj / stab(den_k) · R_k, c and den given per rule.</summary>
    static double[] Redistribute(int k, int j, Func<int, int, double> c, Func<int, double> den, double[] rOut, double eps)
    {
        var r = new double[j];
        for (int a = 0; a < k; a++)
        {
            double s = rOut[a] / Stab(den(a), eps);
            for (int i = 0; i < j; i++) r[i] += c(a, i) * s;
        }
        return r;
    }

    static double Z(double[,] w, double[] x, double[]? b, int k, Func<double, double> wm, Func<double, double> xm, Func<double, double> bm)
    {
        double s = b is null ? 0 : bm(b[k]);
        for (int i = 0; i < x.Length; i++) s += wm(w[k, i]) * xm(x[i]);
        return s;
    }

    public static double[] Epsilon(double[] x, double[,] w, double[]? b, double[] rOut, double eps) =>
        Redistribute(w.GetLength(0), x.Length, (k, i) => x[i] * w[k, i], k => Z(w, x, b, k, v => v, v => v, v => v), rOut, eps);

    /// <summary>zennit Gamma: four terms, the sign of the unmodified z chooses the pair; z = 0 gives nothing.</summary>
    public static double[] Gamma(double[] x, double[,] w, double[]? b, double[] rOut, double gamma, double eps = 1e-6)
    {
        int kk = w.GetLength(0), jj = x.Length;
        var r = new double[jj];
        Func<double, double> up = v => v + gamma * Pos(v), down = v => v + gamma * Neg(v);
        for (int k = 0; k < kk; k++)
        {
            double z = Z(w, x, b, k, v => v, v => v, v => v);
            if (z == 0) continue;
            // z > 0: (W↑ x⁺ + b↑) + W↓ x⁻ ;  z < 0: (W↓ x⁺ + b↓) + W↑ x⁻
            var (wa, wb, bb) = z > 0 ? (up, down, up) : (down, up, down);
            double den = Z(w, x, b, k, wa, Pos, bb) + Z(w, x, null, k, wb, Neg, v => 0);
            double s = rOut[k] / Stab(den, eps);
            for (int i = 0; i < jj; i++) r[i] += (Pos(x[i]) * wa(w[k, i]) + Neg(x[i]) * wb(w[k, i])) * s;
        }
        return r;
    }

    public static double[] AlphaBeta(double[] x, double[,] w, double[]? b, double[] rOut, double alpha, double beta, double eps = 1e-6)
    {
        int kk = w.GetLength(0), jj = x.Length;
        var a = Redistribute(kk, jj, (k, i) => Pos(x[i]) * Pos(w[k, i]) + Neg(x[i]) * Neg(w[k, i]),
            k => Z(w, x, b, k, Pos, Pos, Pos) + Z(w, x, null, k, Neg, Neg, v => 0), rOut, eps);
        var bt = Redistribute(kk, jj, (k, i) => Pos(x[i]) * Neg(w[k, i]) + Neg(x[i]) * Pos(w[k, i]),
            k => Z(w, x, b, k, Neg, Pos, Neg) + Z(w, x, null, k, Pos, Neg, v => 0), rOut, eps);
        return a.Zip(bt, (p, q) => alpha * p - beta * q).ToArray();
    }

    public static double[] ZBox(double[] x, double[,] w, double[]? b, double[] rOut, double[] low, double[] high, double eps = 1e-6)
    {
        int kk = w.GetLength(0), jj = x.Length;
        return Redistribute(kk, jj, (k, i) => x[i] * w[k, i] - low[i] * Pos(w[k, i]) - high[i] * Neg(w[k, i]),
            k =>
            {
                double z = Z(w, x, b, k, v => v, v => v, v => v), zl = b is null ? 0 : Pos(b[k]), zh = b is null ? 0 : Neg(b[k]);
                for (int i = 0; i < jj; i++) { zl += low[i] * Pos(w[k, i]); zh += high[i] * Neg(w[k, i]); }
                return z - zl - zh;
            }, rOut, eps);
    }

    /// <summary>zennit WSquare: weights and bias squared, input replaced by ones.</summary>
    public static double[] WSquare(double[,] w, double[]? b, double[] rOut, double eps = 1e-6)
    {
        int kk = w.GetLength(0), jj = w.GetLength(1);
        return Redistribute(kk, jj, (k, i) => w[k, i] * w[k, i], k =>
        {
            double s = b is null ? 0 : b[k] * b[k];
            for (int i = 0; i < jj; i++) s += w[k, i] * w[k, i];
            return s;
        }, rOut, eps);
    }

    /// <summary>zennit Flat: every weight 1, no bias.</summary>
    public static double[] Flat(int k, int j, double[] rOut, double eps = 1e-6) =>
        Redistribute(k, j, (a, i) => 1, a => j, rOut, eps);
}
