using Verifier.Core.Numerics;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;
using Verifier.Smt;

namespace Verifier.Dlv.Smt;

/// <summary>
/// DLV's Z3 queries, built as ASTs over exact rationals (the code built Python strings): Q1 region containment
/// (quantified LRA) and Q2 back-mapping of a grid point (QF_LRA).
/// </summary>
public static class DlvQueries
{
    /// <summary>
    /// Q1: ∀x ∈ ×_i [a_i ± sp_i·m_i] . centre − m·sp ≤ row(x) ≤ centre + m·sp, with the dims outside the box at
    /// their values in <paramref name="previous"/>. Sat = the box maps into the region (refinement holds).
    /// </summary>
    public static Z3Status Contains(AffineRow row, IReadOnlyList<RegionDim> box, ReadOnlySpan<double> previous, double centre, int m, double sp, TimeSpan? timeout = null)
    {
        using var z3 = new Z3Context();
        var solver = z3.Solver(timeout);
        var variables = box.Select(d => z3.RealConstant($"x{d.Index}")).ToArray();
        var bounds = box.Select((d, k) => z3.And(z3.Le(R(z3, d.Lower), variables[k]), z3.Le(variables[k], R(z3, d.Upper)))).ToArray();
        var affine = Affine(z3, row, box.Select(d => d.Index).ToArray(), variables, previous);
        var width = Rational.FromDouble(m) * Rational.FromDouble(sp);
        var inside = z3.And(z3.Le(z3.Real(Rational.FromDouble(centre) - width), affine), z3.Le(affine, z3.Real(Rational.FromDouble(centre) + width)));
        solver.Assert(z3.ForAll(variables, z3.Or(z3.Not(z3.And(bounds)), inside)));
        return solver.Check();
    }

    /// <summary>
    /// Q2: values x' for the <paramref name="free"/> dims of the previous layer (others as in <paramref name="previous"/>)
    /// with |row_j(x') − target_j| ≤ slack_j for every target neuron j and x' within [low, high] when given.
    /// Returns the exact model converted to double, or null when unsat or unknown (the point is dropped).
    /// </summary>
    public static double[]? BackSolve(IReadOnlyList<AffineRow> rows, double[] targets, double[] slack, int[] free, ReadOnlySpan<double> previous,
        (double Low, double High)? range, TimeSpan? timeout = null)
    {
        using var z3 = new Z3Context();
        var solver = z3.Solver(timeout);
        var variables = free.Select(i => z3.RealConstant($"x{i}")).ToArray();
        if (range is { } r)
            foreach (var v in variables) { solver.Assert(z3.Le(R(z3, r.Low), v)); solver.Assert(z3.Le(v, R(z3, r.High))); }
        for (int j = 0; j < rows.Count; j++)
        {
            var y = Affine(z3, rows[j], free, variables, previous);
            if (slack[j] == 0) { solver.Assert(z3.Eq(y, R(z3, targets[j]))); continue; }
            solver.Assert(z3.Le(R(z3, targets[j] - slack[j]), y));
            solver.Assert(z3.Le(y, R(z3, targets[j] + slack[j])));
        }
        if (solver.Check() != Z3Status.Sat) return null;
        return variables.Select(v => solver.Value(v).ToDouble()).ToArray();
    }

    private static Z3Expr R(Z3Context z3, double value) => z3.Real(Rational.FromDouble(value));

    /// <summary>row(x) with the free dims as variables and every other input at its value in <paramref name="previous"/>.</summary>
    private static Z3Expr Affine(Z3Context z3, AffineRow row, int[] free, Z3Expr[] variables, ReadOnlySpan<double> previous)
    {
        var constant = Rational.FromDouble(row.Bias);
        var terms = new List<Z3Expr>();
        for (int i = 0; i < row.Inputs.Length; i++)
        {
            int k = Array.IndexOf(free, row.Inputs[i]);
            var w = Rational.FromDouble(row.Weights[i]);
            if (k >= 0) terms.Add(z3.Mul(z3.Real(w), variables[k]));
            else if (previous[row.Inputs[i]] != 0) constant += w * Rational.FromDouble(previous[row.Inputs[i]]);
        }
        terms.Add(z3.Real(constant));
        return z3.Add([.. terms]);
    }
}
