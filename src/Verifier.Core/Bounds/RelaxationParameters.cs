namespace Verifier.Core.Bounds;

/// <summary>
/// Optimisable parameters of one relaxation, which alpha-CROWN chooses per spec row as it does ReLU slopes: every
/// parameter vector gives sound lines (<see cref="With"/> clamps what is out of range), so the optimiser only costs
/// tightness. Built by the operator's <c>Relax</c>, which knows the input bounds the lines hold for.
/// </summary>
public interface IRelaxationParameters
{
    /// <summary>The parameters of the relaxation's own lines.</summary>
    double[] Start();

    /// <summary>The relaxation with the lines these parameters give (sound for any values).</summary>
    LinearRelaxation With(double[] parameters);

    /// <summary>
    /// d (sum_k c_k line_k(x)) / d parameter, where line_k is output k's lower line when c_k &gt; 0 and its upper
    /// line when c_k &lt; 0 (the line back-substitution takes), at the input point x; written into
    /// <paramref name="gradient"/>. A direction only: the bound is always recomputed.
    /// </summary>
    void Gradient(double[] parameters, ReadOnlySpan<double> c, ReadOnlySpan<double> x, double[] gradient);

    /// <summary>Back onto the feasible set after an optimiser's step.</summary>
    void Project(double[] parameters);
}

/// <summary>
/// The lower line of a maximum y_k = max_e x_e (MaxPool): any weights w &gt;= 0 per window, y_k &gt;= sum_e w_e x_e
/// + b_k. With s = sum w: y - sum w_e x_e = sum w_e (y - x_e) + (1 - s) y &gt;= -|1 - s| max|y|, and max|y| &lt;=
/// max_e max(|l_e|, |u_e|); b_k is minus that, |1 - s| widened by the rounding of computing s, rounded outward. The
/// projection puts each window on the simplex, where b_k is only that rounding; negative weights count as 0.
/// </summary>
internal sealed class ConvexWindowWeights(LinearRelaxation relaxation, double[] lower, double[] upper) : IRelaxationParameters
{
    public double[] Start() => (double[])relaxation.Lower.Clone();

    public LinearRelaxation With(double[] weights)
    {
        var (rowStart, index) = (relaxation.RowStart, relaxation.Index);
        var w = new double[weights.Length];
        var intercept = new double[relaxation.Outputs];
        for (int k = 0; k < relaxation.Outputs; k++)
        {
            double sum = 0, largest = 0;
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++)
            {
                w[e] = weights[e] > 0 ? weights[e] : 0; // NaN too
                sum += w[e];
                largest = Math.Max(largest, Rounding.AbsMax(lower[index[e]], upper[index[e]]));
            }
            double deviation = Math.Abs(1 - sum) + Rounding.Gamma(rowStart[k + 1] - rowStart[k] + 1, Rounding.Unit64) * sum;
            intercept[k] = -Rounding.Up(deviation * largest);
        }
        return relaxation with { Lower = w, LowerIntercept = intercept };
    }

    public void Gradient(double[] weights, ReadOnlySpan<double> c, ReadOnlySpan<double> x, double[] gradient)
    {
        var (rowStart, index) = (relaxation.RowStart, relaxation.Index);
        for (int k = 0; k < relaxation.Outputs; k++)
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++) gradient[e] = c[k] > 0 ? c[k] * x[index[e]] : 0;
    }

    public void Project(double[] weights)
    {
        for (int k = 0; k < relaxation.Outputs; k++)
            Simplex.Project(weights.AsSpan(relaxation.RowStart[k], relaxation.RowStart[k + 1] - relaxation.RowStart[k]));
    }
}
