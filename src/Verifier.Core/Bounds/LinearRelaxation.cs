namespace Verifier.Core.Bounds;

/// <summary>
/// Sound linear bounds of every output element of a nonlinear node in terms of its variable input, valid while
/// the input stays within the bounds they were computed from: for output k,
/// sum_e Lower[e] x[Index[e]] + LowerIntercept[k] &lt;= y_k &lt;= sum_e Upper[e] x[Index[e]] + UpperIntercept[k]
/// over e in [RowStart[k], RowStart[k + 1]), in exact arithmetic, for y_k as the float32 and the float64 network
/// compute it: the intercepts already carry the operator's rounding and that of computing the lines.
/// <paramref name="ConvexLower"/>: y_k is at least every convex combination of its row's inputs (a maximum), so
/// alpha-CROWN may choose the lower line's weights (<see cref="WithLowerWeights"/>).
/// </summary>
public sealed record LinearRelaxation(int[] RowStart, int[] Index, double[] Lower, double[] Upper, double[] LowerIntercept, double[] UpperIntercept,
    bool ConvexLower = false)
{
    public int Outputs => RowStart.Length - 1;

    /// <summary>
    /// The relaxation with chosen lower-line weights w &gt;= 0 (one per entry; a convex combination per output up
    /// to rounding) over inputs within [l, u]. With s = sum w: y - sum w_e x_e = sum w_e (y - x_e) + (1 - s) y &gt;=
    /// -|1 - s| max|y|, and max|y| &lt;= max_e max(|l_e|, |u_e|); the intercept is minus that, |1 - s| widened by the
    /// rounding of computing s, rounded outward.
    /// </summary>
    public LinearRelaxation WithLowerWeights(double[] weights, double[] l, double[] u)
    {
        if (!ConvexLower || weights.Length != Index.Length) throw new ArgumentException("lower weights need a maximum's relaxation, one weight per entry");
        var intercept = new double[Outputs];
        for (int k = 0; k < Outputs; k++)
        {
            double sum = 0, largest = 0;
            for (int e = RowStart[k]; e < RowStart[k + 1]; e++)
            {
                if (!(weights[e] >= 0)) throw new ArgumentException("lower weights must be non-negative");
                sum += weights[e];
                largest = Math.Max(largest, Rounding.AbsMax(l[Index[e]], u[Index[e]]));
            }
            double deviation = Math.Abs(1 - sum) + Rounding.Gamma(RowStart[k + 1] - RowStart[k] + 1, Rounding.Unit64) * sum;
            intercept[k] = -Rounding.Up(deviation * largest);
        }
        return this with { Lower = weights, LowerIntercept = intercept };
    }

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
