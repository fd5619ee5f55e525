namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    private static int VariableOf(Step step) => step.Inputs[step.Signature.VariableInput];

    /// <summary>
    /// A relaxed node's input is refined by back-substitution (every element: the relaxation of a smooth function
    /// tightens with its input anywhere) when an affine map or a sum computes it. The output of an activation or of
    /// another relaxed node is bounded as tightly as back-substitution could from its own refined input already.
    /// </summary>
    private bool RefinesRelaxedInput(int id) => _producer[id] >= 0 && _steps[_producer[id]].Kind is StepKind.Affine or StepKind.Sum;

    /// <summary>
    /// Back-substitutes through a relaxed node: a positive coefficient c on output o takes o's lower line, a negative
    /// one its upper line (c y &gt;= c line either way), and the intercepts join the constant (and its magnitude).
    /// Slack: the float64 rounding of the products c * coefficient and of their additions into the input's
    /// coefficients, at most (4 + the longest row) u64 |c| sum |coefficient| |x|max per output (an input appears in
    /// at most as many rows as the longest row has entries: a pooling window's overlaps).
    /// </summary>
    private static void Substitute(LinearRelaxation relaxation, double[] l, double[] u, double[] lam, double[] into, int rows,
        double[] constant, double[] slack, double[] magnitude)
    {
        int n = relaxation.Outputs, m = l.Length;
        var (rowStart, index) = (relaxation.RowStart, relaxation.Index);
        int longest = 0;
        for (int o = 0; o < n; o++) longest = Math.Max(longest, rowStart[o + 1] - rowStart[o]);
        // One row (alpha-CROWN's iterations) charges the lines it takes as it substitutes them; many rows share
        // every output's charge, computed once.
        bool fused = rows == 1;
        var lowerRounding = fused ? null : Roundings(relaxation.Lower);
        var upperRounding = fused ? null : Roundings(relaxation.Upper);
        for (int r = 0; r < rows; r++)
        {
            double shift = 0, size = 0, charge = 0;
            for (int o = 0; o < n; o++)
            {
                double c = lam[r * n + o];
                if (c == 0) continue;
                var (coefficients, intercept) = c > 0 ? (relaxation.Lower, relaxation.LowerIntercept[o]) : (relaxation.Upper, relaxation.UpperIntercept[o]);
                double weighted = 0;
                for (int e = rowStart[o]; e < rowStart[o + 1]; e++)
                {
                    double coefficient = coefficients[e];
                    if (coefficient == 0) continue;
                    into[r * m + index[e]] += c * coefficient;
                    if (fused) weighted += Math.Abs(coefficient) * Rounding.AbsMax(l[index[e]], u[index[e]]);
                }
                double rounding = fused ? weighted * ((4 + longest) * Rounding.Unit64) : c > 0 ? lowerRounding![o] : upperRounding![o];
                double term = c * intercept;
                shift += term;
                size += Math.Abs(term);
                charge += Math.Abs(c) * rounding;
            }
            constant[r] += shift;
            magnitude[r] += size;
            slack[r] += charge;
        }

        double[] Roundings(double[] coefficients)
        {
            var rounding = new double[n];
            for (int o = 0; o < n; o++)
            {
                for (int e = rowStart[o]; e < rowStart[o + 1]; e++)
                    if (coefficients[e] != 0) rounding[o] += Math.Abs(coefficients[e]) * Rounding.AbsMax(l[index[e]], u[index[e]]);
                rounding[o] *= (4 + longest) * Rounding.Unit64;
            }
            return rounding;
        }
    }
}
