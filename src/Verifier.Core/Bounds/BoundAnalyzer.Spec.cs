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
    /// In AlphaCrown mode rows not yet proven are optimised (<see cref="OptimiseRow"/>), starting from
    /// <paramref name="warm"/>[r] when given, in the order <paramref name="schedule"/> picks (default: every
    /// unproven row); the optimum's variables come back in <see cref="SpecBounds.Relaxations"/> (rows left alone
    /// pass their warm start on). The activation and input coefficients stay CROWN's for every row: ReLU branching
    /// scores on the optimised ones were measured to mislead (MNIST-FC 256x4 prop 10 eps 0.05, its first clause
    /// alone: open past 150 s and 53,000 sub-domains, against 663 sub-domains with CROWN's), and input branching
    /// on them starved dimensions (ACAS Xu 4_7 prop 1: open past 60 s instead of closed in 5 s).
    /// Once <paramref name="cancellation"/> fires the optimisation stops; the bounds so far are sound.
    /// </summary>
    public SpecBounds SpecBounds(BoundState state, LinearSpec spec, BoundMode mode, AlphaOptions? alpha = null,
        IReadOnlyList<RowRelaxation?>? warm = null, RowSchedule? schedule = null, CancellationToken cancellation = default)
    {
        int rows = spec.Rows, m = OutputSize;
        var relaxations = Enumerable.Range(0, rows).Select(r => warm?[r]).ToArray();
        if (state.Infeasible)
            return new SpecBounds(Enumerable.Repeat(double.PositiveInfinity, rows).ToArray(), new double[rows][], null, null, relaxations);
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
            var crown = Backward(state, OutputId, (double[])spec.Coefficients.Clone(), rows, null, null, trace);
            for (int r = 0; r < rows; r++) lower[r] = Math.Max(lower[r], Rounding.Down(crown[r] - literalSlack[r]));
            var optimised = new bool[rows];
            var options = alpha ?? new AlphaOptions();
            schedule ??= EveryUnprovenRow(spec);
            for (int r; mode == BoundMode.AlphaCrown && !cancellation.IsCancellationRequested && (r = schedule(lower, optimised)) >= 0;)
            {
                optimised[r] = true;
                var row = spec.Coefficients.AsSpan(r * m, m);
                var optimum = OptimiseRow(state, OutputId, row, spec.Thresholds[r] + 2 * literalSlack[r], options, warm?[r], cancellation: cancellation);
                relaxations[r] = optimum.Variables;
                double bound = Rounding.Down(optimum.Bound - literalSlack[r]);
                if (bound <= lower[r]) continue;
                lower[r] = bound;
            }
        }
        return new SpecBounds(lower, Minimizers(state, trace?.Input, rows), trace?.Input, trace?.Activations, relaxations);
    }

    /// <summary>
    /// A cheap look-ahead for ReLU branching: the lower bound of one spec row if the given neuron were fixed to one
    /// side (+1: input &gt;= 0, -1: &lt;= 0), all other bounds as in the state (none recomputed), with CROWN's
    /// slopes. A heuristic score only: no literal or rounding allowance is added.
    /// </summary>
    public double SplitEstimate(BoundState state, LinearSpec spec, int row, ActivationLayer layer, int neuron, sbyte side)
    {
        int id = _ids[layer.InputName];
        var child = new BoundState(this, _names.Count, _steps.Count, state.Splits.With(layer.Index, layer.Size, neuron, side));
        Array.Copy(state.Lower, child.Lower, state.Lower.Length);
        Array.Copy(state.Upper, child.Upper, state.Upper.Length);
        Array.Copy(state.Errors, child.Errors, state.Errors.Length);
        Array.Copy(state.Relaxations, child.Relaxations, state.Relaxations.Length);
        var (l, u) = ((double[])state.Lower[id].Clone(), (double[])state.Upper[id].Clone());
        if (side > 0) l[neuron] = Math.Max(l[neuron], 0);
        else u[neuron] = Math.Min(u[neuron], 0);
        if (!(l[neuron] <= u[neuron])) return double.PositiveInfinity;
        (child.Lower[id], child.Upper[id]) = (l, u);
        var lambda = spec.Coefficients.AsSpan(row * OutputSize, OutputSize).ToArray();
        return Backward(child, OutputId, lambda, 1, null, null, null)[0];
    }

    private static RowSchedule EveryUnprovenRow(LinearSpec spec) => (lower, optimised) =>
    {
        for (int r = 0; r < lower.Length; r++)
            if (!optimised[r] && lower[r] <= spec.Thresholds[r]) return r;
        return -1;
    };

    /// <summary>Per row, the box vertex that minimises its input coefficients (the box centre without them).</summary>
    private static double[][] Minimizers(BoundState state, double[]? input, int rows) =>
        Enumerable.Range(0, rows).Select(r => MinimisingVertex(state, input, r)).ToArray();

    /// <summary>
    /// The point of the input box minimising row r of the input coefficients: the lower end where a coefficient
    /// is positive, the upper end where negative, the midpoint where zero (or without coefficients).
    /// </summary>
    private static double[] MinimisingVertex(BoundState state, double[]? input, int r)
    {
        var (l, u) = (state.InputLower, state.InputUpper);
        int n = l.Length;
        var x = new double[n];
        for (int j = 0; j < n; j++)
        {
            double c = input?[r * n + j] ?? 0;
            x[j] = c > 0 ? l[j] : c < 0 ? u[j] : l[j] + (u[j] - l[j]) / 2;
        }
        return x;
    }
}

/// <summary>
/// Which spec row alpha-beta-CROWN optimises next, given the rows' current lower bounds and which were optimised
/// already; -1 to stop. Lets a caller that knows the spec's logic skip rows whose bound would not matter.
/// </summary>
public delegate int RowSchedule(double[] lower, bool[] optimised);
