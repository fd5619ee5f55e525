using Verifier.Core.Bounds;

namespace Verifier.Core.Analysis;

/// <summary>
/// Rigorous lower bounds of an LP from whatever duals a floating-point solver returns (Neumaier and Shcherbina,
/// "Safe bounds in linear and mixed-integer linear programming", Math. Program. 2004). For feasible x and any y,
/// c^T x = y^T (A x) + (c - A^T y)^T x. With y_i &gt;= 0 only where row i has a finite lower limit (and y_i &lt;= 0 only
/// where it has a finite upper one), y^T A x &gt;= sum_i y_i limit_i, and the second term is at least its minimum over
/// the variables' box. Both are evaluated with outward rounding, so wrong, perturbed or non-optimal duals only cost
/// tightness; the solver's objective value is never used.
/// </summary>
public static class SafeLinearBound
{
    /// <summary>A lower bound of sum objective x over the program's feasible set (-infinity when the duals are unusable).</summary>
    public static double Lower(LinearProgram program, IReadOnlyList<(int Column, double Coefficient)> objective, ReadOnlySpan<double> duals)
    {
        if (duals.Length != program.RowCount) return double.NegativeInfinity;
        int n = program.VariableCount;
        var reduced = new double[n];
        var magnitude = new double[n];
        var terms = new int[n];
        foreach (var (column, coefficient) in objective)
        {
            reduced[column] += coefficient;
            magnitude[column] += Math.Abs(coefficient);
            terms[column]++;
        }
        var sum = new SafeSum();
        for (int i = 0; i < program.RowCount; i++)
        {
            double y = duals[i], limit = y > 0 ? program.RowLower[i] : program.RowUpper[i];
            // A dual of the wrong sign for the row's finite limits (or NaN) says nothing: it is dropped.
            if (!(y != 0 && double.IsFinite(limit) && double.IsFinite(y))) continue;
            sum.Add(y * limit);
            for (int e = program.RowStart[i]; e < program.RowStart[i + 1]; e++)
            {
                int j = program.Columns[e];
                double t = program.Coefficients[e] * y;
                reduced[j] -= t;
                magnitude[j] += Math.Abs(t);
                terms[j]++;
            }
        }
        for (int j = 0; j < n; j++)
        {
            // reduced[j] is a float64 sum of terms[j] products: within gamma of the exact c_j - (A^T y)_j (doubled for
            // the rounding of magnitude itself), plus underflow.
            double error = 2 * Rounding.Gamma(terms[j] + 1, Rounding.Unit64) * magnitude[j] + terms[j] * 1e-300;
            double low = Math.BitDecrement(reduced[j] - error), high = Math.BitIncrement(reduced[j] + error);
            double l = program.VariableLower[j], u = program.VariableUpper[j];
            // min over r in [low, high] and x in [l, u] of r x: a corner; rounding is monotone, so this is the
            // correctly rounded minimum, whose error SafeSum charges like any rounded product.
            sum.Add(Math.Min(Math.Min(low * l, low * u), Math.Min(high * l, high * u)));
        }
        return sum.Lower();
    }

    /// <summary>Solves and returns the safe bound of the result; -infinity when the solver gave no duals.</summary>
    public static double Minimum(ILinearProgramSession session, LinearProgram program, IReadOnlyList<(int Column, double Coefficient)> objective,
        TimeSpan limit, CancellationToken cancellation)
    {
        var solution = session.Minimize(objective, limit, cancellation);
        return solution.Status == LinearProgramStatus.Optimal ? Lower(program, objective, solution.RowDuals) : double.NegativeInfinity;
    }
}

/// <summary>A float64 sum of rounded terms with a lower bound of the exact sum (each term has relative error at most u).</summary>
public struct SafeSum
{
    private double _sum, _magnitude;
    private int _count;

    public void Add(double term)
    {
        _sum += term;
        _magnitude += Math.Abs(term);
        _count++;
    }

    /// <summary>Below the exact sum of the exact terms; -infinity once anything overflowed or was NaN.</summary>
    public readonly double Lower()
    {
        double error = 2 * Rounding.Gamma(_count + 1, Rounding.Unit64) * _magnitude + _count * 1e-300;
        double lower = Rounding.Down(_sum - error);
        return double.IsFinite(lower) ? lower : double.NegativeInfinity;
    }
}
