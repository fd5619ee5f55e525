using Verifier.Core.Analysis;
using Verifier.Core.Numerics;

namespace Verifier.Tests.Lp;

/// <summary>
/// <see cref="SafeLinearBound"/>: any dual vector gives a bound at most the LP's minimum (checked against the exact
/// rational Lagrangian bound of the same duals and against feasible points), and the exact duals give the optimum.
/// </summary>
public class SafeLinearBoundTests
{
    /// <summary>min x + 2y s.t. x + y &gt;= 1, x - y &lt;= 0.5, x, y in [0, 3]: optimum 1.25 at (0.75, 0.25), duals 1.5 and -0.5.</summary>
    internal static (LinearProgram, (int Column, double Coefficient)[]) SmallProgram()
    {
        var lp = new LinearProgram();
        int x = lp.AddVariable(0, 3), y = lp.AddVariable(0, 3);
        lp.AddRow([(x, 1), (y, 1)], 1, double.PositiveInfinity);
        lp.AddRow([(x, 1), (y, -1)], double.NegativeInfinity, 0.5);
        return (lp, [(x, 1), (y, 2)]);
    }

    [Fact]
    public void ExactDualsGiveTheOptimum()
    {
        var (lp, objective) = SmallProgram();
        Assert.InRange(SafeLinearBound.Lower(lp, objective, [1.5, -0.5]), 1.25 - 1e-9, 1.25);
    }

    [Fact]
    public void DualsOfTheWrongSignOrNotFiniteOnlyCostTightness()
    {
        var lp = new LinearProgram();
        int x = lp.AddVariable(-1, 2);
        lp.AddRow([(x, 1)], 0.5, double.PositiveInfinity);
        // min x = 0.5; a negative dual on a row without an upper limit, NaN and infinity are all dropped: the box gives -1.
        foreach (var dual in new[] { -3.0, double.NaN, double.PositiveInfinity })
            Assert.InRange(SafeLinearBound.Lower(lp, [(x, 1)], [dual]), -1 - 1e-9, -1);
        // A dual far too large gives a valid, weak bound: 1e6 * 0.5 + min over [-1, 2] of (1 - 1e6) x.
        Assert.True(SafeLinearBound.Lower(lp, [(x, 1)], [1e6]) <= 0.5);
    }

    [Fact]
    public void AnyDualsBoundTheExactLagrangianFromBelow()
    {
        var random = new Random(5);
        int overflows = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var (lp, objective, _) = RandomProgram(random);
            var duals = Enumerable.Range(0, lp.RowCount).Select(_ => RandomDual(random)).ToArray();
            double safe = SafeLinearBound.Lower(lp, objective, duals);
            var exact = ExactLagrangian(lp, objective, duals);
            // Overflow (duals of 1e300) gives -infinity, which is below anything.
            if (double.IsNegativeInfinity(safe)) { overflows++; continue; }
            Assert.True(Rational.FromDouble(safe) <= exact, $"trial {trial}: {safe:R} above the exact {exact.ToDouble():R}");
            Assert.True(exact.ToDouble() - safe <= 1e-9 * (1 + Scale(lp, objective, duals)), $"trial {trial}: {safe:R} far below the exact {exact.ToDouble():R}");
        }
        Assert.InRange(overflows, 0, 100);
    }

    [Fact]
    public void AnyDualsBoundEveryFeasiblePointFromBelow()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 200; trial++)
        {
            var (lp, objective, point) = RandomProgram(random);
            double safe = SafeLinearBound.Lower(lp, objective, Enumerable.Range(0, lp.RowCount).Select(_ => RandomDual(random)).ToArray());
            Assert.True(safe <= objective.Sum(t => t.Coefficient * point[t.Column]) + 1e-9, $"trial {trial}");
        }
    }

    /// <summary>The magnitudes the bound sums: |y_i limit_i| and (|c_j| + sum_i |a_ij y_i|) max(|l_j|, |u_j|).</summary>
    private static double Scale(LinearProgram lp, (int Column, double Coefficient)[] objective, double[] duals)
    {
        var magnitude = new double[lp.VariableCount];
        foreach (var (j, c) in objective) magnitude[j] += Math.Abs(c);
        double scale = 0;
        for (int i = 0; i < lp.RowCount; i++)
        {
            if (!double.IsFinite(duals[i])) continue;
            double limit = duals[i] > 0 ? lp.RowLower[i] : lp.RowUpper[i];
            if (double.IsFinite(limit)) scale += Math.Abs(duals[i] * limit);
            for (int e = lp.RowStart[i]; e < lp.RowStart[i + 1]; e++) magnitude[lp.Columns[e]] += Math.Abs(lp.Coefficients[e] * duals[i]);
        }
        return scale + magnitude.Select((m, j) => m * Math.Max(Math.Abs(lp.VariableLower[j]), Math.Abs(lp.VariableUpper[j]))).Sum();
    }

    /// <summary>A random LP with mixed magnitudes, feasible at the returned point (its rows' limits straddle it).</summary>
    internal static (LinearProgram, (int Column, double Coefficient)[], double[]) RandomProgram(Random random)
    {
        var lp = new LinearProgram();
        int n = random.Next(1, 6);
        var point = new double[n];
        for (int j = 0; j < n; j++)
        {
            double l = Magnitude(random) * (random.NextDouble() - 0.7), u = l + Magnitude(random) * random.NextDouble();
            lp.AddVariable(l, u);
            point[j] = l + (u - l) * random.NextDouble();
        }
        for (int i = random.Next(0, 5); i > 0; i--)
        {
            var terms = Enumerable.Range(0, n).Where(_ => random.Next(3) > 0).Select(j => (j, Magnitude(random) * (random.NextDouble() - 0.5))).ToArray();
            double at = terms.Sum(t => t.Item2 * point[t.j]), slack = 1e-6 * (1 + terms.Sum(t => Math.Abs(t.Item2 * point[t.j])));
            double lower = random.Next(3) == 0 ? double.NegativeInfinity : at - slack - random.NextDouble();
            double upper = random.Next(3) == 0 ? double.PositiveInfinity : at + slack + random.NextDouble();
            lp.AddRow(terms, lower, upper);
        }
        var objective = Enumerable.Range(0, n).Select(j => (Column: j, Coefficient: Magnitude(random) * (random.NextDouble() - 0.5))).ToArray();
        return (lp, objective, point);
    }

    private static double Magnitude(Random random) => Math.Pow(10, random.Next(-8, 9));

    private static double RandomDual(Random random) => random.Next(20) switch
    {
        0 => double.NaN,
        1 => 1e300,
        2 => 0,
        _ => Magnitude(random) * (random.NextDouble() - 0.5),
    };

    /// <summary>sum y_i limit_i + min over the box of (c - A^T y) x in exact rationals, with the duals' signs clamped as the bound does.</summary>
    private static Rational ExactLagrangian(LinearProgram lp, (int Column, double Coefficient)[] objective, double[] duals)
    {
        var reduced = new Rational[lp.VariableCount];
        Array.Fill(reduced, Rational.Zero);
        foreach (var (j, c) in objective) reduced[j] += Rational.FromDouble(c);
        var total = Rational.Zero;
        for (int i = 0; i < lp.RowCount; i++)
        {
            double y = duals[i], limit = y > 0 ? lp.RowLower[i] : lp.RowUpper[i];
            if (!(y != 0 && double.IsFinite(limit) && double.IsFinite(y))) continue;
            var exactY = Rational.FromDouble(y);
            total += exactY * Rational.FromDouble(limit);
            for (int e = lp.RowStart[i]; e < lp.RowStart[i + 1]; e++) reduced[lp.Columns[e]] -= Rational.FromDouble(lp.Coefficients[e]) * exactY;
        }
        for (int j = 0; j < lp.VariableCount; j++)
        {
            Rational a = reduced[j] * Rational.FromDouble(lp.VariableLower[j]), b = reduced[j] * Rational.FromDouble(lp.VariableUpper[j]);
            total += a < b ? a : b;
        }
        return total;
    }
}
