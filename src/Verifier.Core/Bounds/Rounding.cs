namespace Verifier.Core.Bounds;

/// <summary>
/// The floating-point error model that makes bounds hold for the float32 network, the float64 evaluation and
/// the real-arithmetic network alike.
/// <para>
/// A float32 dot product of K terms (any summation order, FMA or not) satisfies
/// |fl32(sum a_i b_i) - sum a_i b_i| &lt;= gamma_K * sum |a_i||b_i| with gamma_K = K u / (1 - K u), u = 2^-24
/// (Higham, Accuracy and Stability, 3.1). Every affine node is therefore treated as y = A x + b + e with
/// |e| &lt;= E = (gamma32_K + gamma64_K) (|A| |x|max + |b|): the float32 term covers the network, the float64 term
/// covers the float64 evaluator and our own float64 products in the same sums; K counts the accumulated terms plus
/// the bias, alpha and beta operations. Sums that we form ourselves outside those affine nodes (concretisation,
/// bias accumulation in back-substitution) are widened by <see cref="AccumulationGamma"/> times the sum of the
/// magnitudes of their terms, and every reported bound is finally pushed outward by a relative 1e-12 plus an
/// absolute 1e-300 (<see cref="Down"/>, <see cref="Up"/>).
/// </para>
/// </summary>
public static class Rounding
{
    public const double Unit32 = 1.0 / (1 << 24);
    public const double Unit64 = 1.0 / (1L << 53);

    /// <summary>gamma_K for unit roundoff u; infinite when K u &gt;= 1 (no finite guarantee).</summary>
    public static double Gamma(long k, double unit)
    {
        double ku = k * unit;
        return ku >= 1 ? double.PositiveInfinity : ku / (1 - ku) * (1 + 4 * Unit64);
    }

    /// <summary>The combined float32 + float64 relative error of an accumulation of K terms.</summary>
    public static double AffineGamma(long k) => Gamma(k, Unit32) + Gamma(k, Unit64);

    /// <summary>Relative error allowance for our own accumulations of up to ~10^4 terms.</summary>
    public const double AccumulationGamma = 1e-12;

    /// <summary>Pushes a lower bound down by a relative 1e-12 and an absolute 1e-300.</summary>
    public static double Down(double v) => double.IsNaN(v) ? double.NegativeInfinity : double.IsInfinity(v) ? v : v - (Math.Abs(v) * 1e-12 + 1e-300);

    /// <summary>Pushes an upper bound up by a relative 1e-12 and an absolute 1e-300.</summary>
    public static double Up(double v) => double.IsNaN(v) ? double.PositiveInfinity : double.IsInfinity(v) ? v : v + (Math.Abs(v) * 1e-12 + 1e-300);

    /// <summary>Largest magnitude a value in [l, u] can take.</summary>
    public static double AbsMax(double l, double u) => Math.Max(Math.Abs(l), Math.Abs(u));
}
