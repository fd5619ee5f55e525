using Verifier.Core.Numerics;

namespace Verifier.Dlv.Regions;

/// <summary>
/// Exact solution of A·δ = b over the rationals (the equality-only QF_LRA queries of DLV's back-mapping):
/// Gauss-Jordan elimination on exact rationals, free variables fixed at 0 so that dims not needed keep their
/// original value. Returns null when the system is inconsistent (the query is unsat).
/// </summary>
public static class ExactLinearSystem
{
    public static Rational[]? Solve(Rational[][] a, Rational[] b)
    {
        int rows = a.Length, cols = rows == 0 ? 0 : a[0].Length;
        var m = a.Select((row, r) => row.Append(b[r]).ToArray()).ToArray();
        var pivotColumn = new int[rows];
        int rank = 0;
        for (int col = 0; col < cols && rank < rows; col++)
        {
            int pivot = Enumerable.Range(rank, rows - rank).FirstOrDefault(r => !m[r][col].Numerator.IsZero, -1);
            if (pivot < 0) continue;
            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            var inverse = new Rational(1, 1) / m[rank][col];
            for (int c = col; c <= cols; c++) m[rank][c] *= inverse;
            for (int r = 0; r < rows; r++)
            {
                if (r == rank || m[r][col].Numerator.IsZero) continue;
                var factor = m[r][col];
                for (int c = col; c <= cols; c++) m[r][c] -= factor * m[rank][c];
            }
            pivotColumn[rank++] = col;
        }
        for (int r = rank; r < rows; r++)
            if (!m[r][cols].Numerator.IsZero) return null;
        var x = Enumerable.Repeat(Rational.Zero, cols).ToArray();
        for (int r = 0; r < rank; r++) x[pivotColumn[r]] = m[r][cols];
        return x;
    }
}
