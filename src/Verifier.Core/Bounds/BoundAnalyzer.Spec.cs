using Verifier.Core.Numerics;
using Verifier.Core.Specifications;

namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// The rows of the given output constraints as a linear spec. Thresholds are rounded up so that
    /// "lower bound &gt; threshold" implies "c . y &gt; exact bound".
    /// </summary>
    public LinearSpec Spec(IReadOnlyList<OutputConstraint> rows)
    {
        var coefficients = new double[rows.Count * OutputSize];
        var thresholds = new double[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            foreach (var (j, c) in rows[r].Coefficients)
            {
                if (j < 0 || j >= OutputSize) throw new ArgumentException($"spec row refers to output {j}, the network has {OutputSize}");
                coefficients[r * OutputSize + j] += c.Value;
            }
            double b = rows[r].Bound.Value;
            thresholds[r] = Rational.FromDouble(b) >= rows[r].Bound.Exact ? b : Math.BitIncrement(b);
        }
        return new LinearSpec(coefficients, thresholds);
    }

    /// <summary>
    /// Lower bounds of every spec row over the state's domain: the tighter of interval concretisation at the output
    /// and back-substitution (Crown, AlphaCrown), with the data branching heuristics need. The coefficients are the
    /// doubles nearest to the exact literals, off by at most u64 |c|, which is charged as u64 sum |c_j| |y_j|max.
    /// </summary>
    public SpecBounds SpecBounds(BoundState state, LinearSpec spec, BoundMode mode, AlphaOptions? alpha = null)
    {
        int rows = spec.Rows, m = OutputSize;
        if (state.Infeasible)
            return new SpecBounds(Enumerable.Repeat(double.PositiveInfinity, rows).ToArray(), new double[rows][], null, null);
        var (yl, yu) = (state.Lower[OutputId], state.Upper[OutputId]);
        var lower = new double[rows];
        var magnitude = new double[rows];
        var literalSlack = new double[rows];
        Concretise(spec.Coefficients, rows, yl, yu, lower, magnitude, null);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < m; j++) literalSlack[r] += Math.Abs(spec.Coefficients[r * m + j]) * Rounding.AbsMax(yl[j], yu[j]);
            literalSlack[r] *= 2 * Rounding.Unit64;
            lower[r] = Rounding.Down(lower[r] - Rounding.AccumulationGamma * magnitude[r] - literalSlack[r]);
        }
        Trace? trace = null;
        if (mode != BoundMode.Interval)
        {
            trace = new Trace(_activations.Count);
            var crown = Backward(state, OutputId, (double[])spec.Coefficients.Clone(), rows, null, trace);
            for (int r = 0; r < rows; r++) lower[r] = Math.Max(lower[r], Rounding.Down(crown[r] - literalSlack[r]));
            if (mode == BoundMode.AlphaCrown)
                for (int r = 0; r < rows; r++)
                    if (lower[r] <= spec.Thresholds[r])
                        lower[r] = Math.Max(lower[r], Rounding.Down(OptimiseSlopes(state, spec, r, alpha ?? new AlphaOptions()) - literalSlack[r]));
        }
        return new SpecBounds(lower, Minimizers(state, trace?.Input, rows), trace?.Input, trace?.Activations);
    }

    /// <summary>Per row, the box vertex that minimises its input coefficients (the box centre without them).</summary>
    private static double[][] Minimizers(BoundState state, double[]? input, int rows)
    {
        var (l, u) = (state.InputLower, state.InputUpper);
        int n = l.Length;
        var result = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            var x = new double[n];
            for (int j = 0; j < n; j++)
            {
                double c = input?[r * n + j] ?? 0;
                x[j] = c > 0 ? l[j] : c < 0 ? u[j] : l[j] + (u[j] - l[j]) / 2;
            }
            result[r] = x;
        }
        return result;
    }

    /// <summary>Crown's lower bound of one spec row for the given lower ReLU slopes (any slopes in [a, 1] are sound).</summary>
    private double RowBound(BoundState state, LinearSpec spec, int row, double[]?[] slopes)
    {
        var lambda = spec.Coefficients.AsSpan(row * OutputSize, OutputSize).ToArray();
        return Backward(state, OutputId, lambda, 1, slopes, null)[0];
    }
}

/// <summary>Budget of the slope optimisation of alpha-CROWN.</summary>
public sealed record AlphaOptions(int Iterations = 10, double InitialStep = 0.5, double Decay = 0.7);
