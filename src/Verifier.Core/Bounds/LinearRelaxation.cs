namespace Verifier.Core.Bounds;

/// <summary>
/// Sound linear bounds of every output element of a nonlinear node in terms of its variable input, valid while
/// the input stays within the bounds they were computed from: for output k,
/// sum_e Lower[e] x[Index[e]] + LowerIntercept[k] &lt;= y_k &lt;= sum_e Upper[e] x[Index[e]] + UpperIntercept[k]
/// over e in [RowStart[k], RowStart[k + 1]), in exact arithmetic, for y_k as the float32 and the float64 network
/// compute it: the intercepts already carry the operator's rounding and that of computing the lines.
/// <paramref name="Parameters"/>: the lines alpha-CROWN may choose instead (null: these are the only ones).
/// </summary>
public sealed record LinearRelaxation(int[] RowStart, int[] Index, double[] Lower, double[] Upper, double[] LowerIntercept, double[] UpperIntercept,
    IRelaxationParameters? Parameters = null)
{
    public int Outputs => RowStart.Length - 1;

    /// <summary>One input per output (y_k bounded by lines in x_k): slopes and intercepts per element.</summary>
    public static LinearRelaxation Elementwise(double[] lowerSlope, double[] lowerIntercept, double[] upperSlope, double[] upperIntercept)
    {
        int n = lowerSlope.Length;
        return new LinearRelaxation(Enumerable.Range(0, n + 1).ToArray(), Enumerable.Range(0, n).ToArray(),
            lowerSlope, upperSlope, lowerIntercept, upperIntercept);
    }

    /// <summary>The lower (or upper) line of output k at the input point x.</summary>
    public double Evaluate(int k, ReadOnlySpan<double> x, bool upper)
    {
        var (coefficients, value) = upper ? (Upper, UpperIntercept[k]) : (Lower, LowerIntercept[k]);
        for (int e = RowStart[k]; e < RowStart[k + 1]; e++)
            if (coefficients[e] != 0) value += coefficients[e] * x[Index[e]];
        return value;
    }
}
