namespace Verifier.Core.Encoding;

/// <summary>
/// Error bounds that make the real-arithmetic encoding contain every float32 execution of the network.
/// A float32 sum of n products (any summation order, with or without FMA) differs from the exact value by
/// at most gamma_n * sum |w_k x_k| (Higham, Accuracy and Stability, 3.1), gamma_n = n u / (1 - n u) with
/// u = 2^-24, plus an absolute 2^-149 per operation for gradual underflow. Encoding every rounded output as
/// exact + e with |e| &lt;= that bound keeps an "unsat" answer true for the float32 network.
/// </summary>
public static class Float32Rounding
{
    public const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>Smallest positive float32 (subnormal): the absolute error per operation is below it.</summary>
    public const double SmallestSubnormal = 1.401298464324817e-45;

    /// <summary>Covers the double rounding of the magnitude itself, which is far below float32 rounding.</summary>
    private const double Safety = 1 + 1e-6;

    public static double Gamma(int n) => n * UnitRoundoff / (1 - n * UnitRoundoff);

    /// <summary>Bound on |float32 result - exact result| after <paramref name="operations"/> roundings of terms of total magnitude <paramref name="magnitude"/>.</summary>
    public static double Error(int operations, double magnitude) =>
        Gamma(operations) * magnitude * Safety + operations * SmallestSubnormal;

    /// <summary>The largest float32 not above <paramref name="v"/> (a coarse exact rational for a lower bound).</summary>
    public static double Down(double v)
    {
        float f = (float)v;
        return f > v ? MathF.BitDecrement(f) : f;
    }

    /// <summary>The smallest float32 not below <paramref name="v"/>.</summary>
    public static double Up(double v)
    {
        float f = (float)v;
        return f < v ? MathF.BitIncrement(f) : f;
    }
}
