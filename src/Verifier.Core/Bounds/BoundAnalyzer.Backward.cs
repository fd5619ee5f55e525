using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>What one back-substitution leaves behind for branching heuristics.</summary>
    private sealed class Trace(int activations)
    {
        public double[]? Input;
        public readonly double[]?[] Activations = new double[activations][];

        /// <summary>Per relaxed step, the coefficients on its output (which line each neuron took).</summary>
        public readonly Dictionary<int, double[]> Relaxed = new();

        /// <summary>Per relaxed step whose lines were chosen by parameters, the lines substituted (the gradient reuses them).</summary>
        public readonly Dictionary<int, LinearRelaxation> Chosen = new();
    }

    /// <summary>
    /// Lower bounds of the rows of lambda * v over the domain (lambda is rows x size(v), row-major), by substituting
    /// every node's linear relaxation backwards to the input box (or to the interval of a cut node, or of a relaxed
    /// node without a relaxation). Every rounding of the network and of this computation is charged to a per-row
    /// slack (see <see cref="Rounding"/>).
    /// <paramref name="slopes"/> are the lower ReLU slopes per activation layer (null: the adaptive CROWN choice),
    /// either one set for all rows (layer-size entries) or one per row (rows times layer-size entries, row-major);
    /// <paramref name="betas"/> the multipliers of split neurons (see <see cref="OptimiseRow"/>; null: none);
    /// <paramref name="lines"/> per step the parameters of its relaxation's lines (one row only; null: the relaxation's own).
    /// </summary>
    private double[] Backward(BoundState state, int target, double[] lambda, int rows, double[]?[]? slopes, double[]?[]? betas, Trace? trace,
        double[]?[]? lines = null, IterationScratch? scratch = null)
    {
        // Without a trace nothing allocated here outlives the call, so its buffers are recycled; an optimisation's
        // iteration recycles them once its gradient step is taken.
        var lease = scratch?.Buffers ?? (trace is null ? new ScratchArrays.Lease() : null);
        double[] Zeroed(int length) => lease?.Zeroed(length) ?? new double[length];
        var lambdas = new double[_names.Count][];
        lambdas[target] = lambda;
        var constant = Zeroed(rows);
        var slack = Zeroed(rows);
        var magnitude = Zeroed(rows);
        for (int s = _producer[target]; s >= 0; s--)
        {
            var step = _steps[s];
            var lam = lambdas[step.Output];
            if (lam is null) continue;
            lambdas[step.Output] = null!;
            int n = _size[step.Output];
            switch (step.Kind)
            {
                case StepKind.Affine:
                {
                    var map = step.Map!;
                    int v = step.Inputs[step.Signature.VariableInput];
                    var error = state.Errors[s]!;
                    if (map is SparseMap { UnitDiagonal: true } && lambdas[v] is null) lambdas[v] = lam;
                    else
                    {
                        bool zeroed = lambdas[v] is null;
                        map.AccumulateTransposeRows(lam, lambdas[v] ??= Zeroed(rows * map.InSize), rows, zeroed);
                    }
                    BiasAndError(lam, rows, n, map.Bias, error, constant, slack, magnitude);
                    break;
                }
                case StepKind.Sum:
                {
                    var error = state.Errors[s]!;
                    for (int k = 0; k < step.Inputs.Length; k++)
                    {
                        int v = step.Inputs[k], m = _size[v];
                        var into = lambdas[v] ??= Zeroed(rows * m);
                        var (c, src) = (step.Coefficients![k], step.Sources![k]);
                        for (int r = 0; r < rows; r++)
                            for (int o = 0; o < n; o++) into[r * m + src[o]] += c * lam[r * n + o];
                    }
                    for (int r = 0; r < rows; r++) slack[r] += AbsDot(new ReadOnlySpan<double>(lam, r * n, n), error);
                    break;
                }
                case StepKind.Activation:
                {
                    if (trace is not null) trace.Activations[step.Activation] = lam;
                    int v = step.Inputs[0];
                    // In place when nothing else feeds v's coefficients (unless the trace keeps lam).
                    bool inPlace = lambdas[v] is null && trace is null;
                    var into = inPlace ? lam : lambdas[v] ??= Zeroed(rows * n);
                    Relax(state.Lower[v], state.Upper[v], step.Slope, slopes?[step.Activation], lam, into, inPlace, rows, constant, slack, magnitude,
                        scratch?.Tables(step.Activation, state.Lower[v], state.Upper[v], step.Slope));
                    if (betas?[step.Activation] is { } beta) AddSplitMultipliers(beta, state.Splits.Layer(step.Activation)!, into, rows);
                    lambdas[v] = into;
                    break;
                }
                case StepKind.Relaxed when state.Relaxations[s] is { } relaxation:
                {
                    if (trace is not null) trace.Relaxed[s] = lam;
                    int v = VariableOf(step);
                    var into = lambdas[v] ??= Zeroed(rows * _size[v]);
                    if (lines?[s] is { } p && relaxation.Parameters is { } parameters && rows == 1)
                    {
                        relaxation = parameters.With(p);
                        if (trace is not null) trace.Chosen[s] = relaxation;
                    }
                    Substitute(relaxation, state.Lower[v], state.Upper[v], lam, into, rows, constant, slack, magnitude);
                    break;
                }
                default:
                    Concretise(lam, rows, state.Lower[step.Output], state.Upper[step.Output], constant, magnitude, null);
                    break;
            }
        }
        if (lambdas[0] is { } atInput)
        {
            if (trace is not null) trace.Input = atInput;
            Concretise(atInput, rows, state.Lower[0], state.Upper[0], constant, magnitude, null);
        }
        var result = new double[rows];
        for (int r = 0; r < rows; r++)
            result[r] = Rounding.Down(constant[r] - slack[r] - Rounding.AccumulationGamma * magnitude[r]);
        if (scratch is null) lease?.Release();
        return result;
    }

    /// <summary>
    /// What the iterations of one optimisation over one state share: buffers that come back once an iteration's
    /// step is taken (nothing its back-substitution or gradient allocates outlives it) and each ReLU layer's
    /// tables. Fresh buffers per iteration were 9 % of a search in memset and about as much in page faults on
    /// verivital's 23,328-neuron layer.
    /// </summary>
    private sealed class IterationScratch(int activations)
    {
        private readonly ReluTables?[] _tables = new ReluTables?[activations];

        public ScratchArrays.Lease Buffers { get; } = new();

        public ReluTables Tables(int layer, double[] l, double[] u, double a) => _tables[layer] ??= ReluTables.Of(l, u, a);

        public double[] Zeroed(int length) => Buffers.Zeroed(length);

        /// <summary>Ends an iteration: every buffer handed out so far comes back (none may be used afterwards).</summary>
        public void Recycle() => Buffers.Release();
    }

    /// <summary>Adds -beta_j d_j to each row's coefficient on z_j (the Lagrangian term of the split d_j z_j &gt;= 0).</summary>
    private static void AddSplitMultipliers(double[] beta, sbyte[] decisions, double[] into, int rows)
    {
        int n = beta.Length;
        for (int j = 0; j < n; j++)
        {
            if (beta[j] == 0 || decisions[j] == 0) continue;
            for (int r = 0; r < rows; r++) into[r * n + j] -= beta[j] * decisions[j];
        }
    }

    private static double AbsDot(ReadOnlySpan<double> row, double[] error)
    {
        double s = 0;
        for (int o = 0; o < row.Length; o++)
            if (row[o] != 0) s += Math.Abs(row[o]) * error[o];
        return s;
    }

    /// <summary>
    /// Adds min over [lower, upper] of each row's lambda . x to <paramref name="constant"/>; zero coefficients are
    /// skipped so that unbounded values they do not touch stay harmless.
    /// </summary>
    private static void Concretise(double[] lam, int rows, double[] lower, double[] upper, double[] constant, double[] magnitude, double[][]? minimizers)
    {
        int n = lower.Length;
        for (int r = 0; r < rows; r++)
        {
            double acc = 0, mag = 0;
            for (int j = 0; j < n; j++)
            {
                double c = lam[r * n + j];
                if (c == 0) continue;
                double t = c > 0 ? c * lower[j] : c * upper[j];
                acc += t;
                mag += Math.Abs(t);
            }
            constant[r] += double.IsNaN(acc) ? double.NegativeInfinity : acc;
            magnitude[r] += mag;
        }
    }

    /// <summary>
    /// Back-substitutes through y = x (x &gt;= 0), y = a x (x &lt; 0) on [l, u]. Unstable neurons use the chord
    /// y &lt;= s (x - l) + a l for negative coefficients and y &gt;= alpha x (alpha in [a, 1]) for positive ones.
    /// Slack: the float32 rounding of a x (u32 a |l|) and a few float64 roundings of the slopes (4 u64 |x|max).
    /// Each neuron's two slopes are tabulated first (<paramref name="tables"/> when the caller keeps them, else
    /// built here) so that the rows run as branch-free vector loops; the
    /// intercepts' magnitudes join the accumulation allowance. <paramref name="alpha"/> holds n slopes shared by
    /// every row, or rows * n, one set per row (any slope in [a, 1] is sound, so each row may have its own).
    /// </summary>
    private static void Relax(double[] l, double[] u, double a, double[]? alpha, double[] lam, double[] into, bool inPlace, int rows,
        double[] constant, double[] slack, double[] magnitude, ReluTables? tables = null)
    {
        int n = l.Length;
        var t = tables ?? ReluTables.ForThread(l, u, a);
        var (negative, intercept, rounding) = (t.Negative, t.Intercept, t.Charge);
        var unstable = t.Unstable.AsSpan(0, t.UnstableCount);
        bool perRow = alpha is not null && alpha.Length != n;
        if (perRow && alpha!.Length != rows * n) throw new ArgumentException("slopes must have one entry per neuron, or one per neuron and row");
        var positive = PositiveSlopes(n);
        Array.Copy(t.Positive, positive, n);
        if (alpha is not null && !perRow)
            foreach (int j in unstable) positive[j] = alpha[j];
        int width = Vector<double>.Count, vectorEnd = n - n % width;
        for (int r = 0; r < rows; r++)
        {
            if (perRow)
                foreach (int j in unstable) positive[j] = alpha![r * n + j];
            var row = lam.AsSpan(r * n, n);
            var target = into.AsSpan(r * n, n);
            Vector<double> shift = default, charge = default, size = default;
            for (int j = 0; j < vectorEnd; j += width)
            {
                var c = new Vector<double>(row.Slice(j));
                var negativeMask = Vector.LessThan(c, Vector<double>.Zero);
                var slope = Vector.ConditionalSelect(negativeMask, new Vector<double>(negative, j), new Vector<double>(positive, j));
                var product = c * slope;
                (inPlace ? product : product + new Vector<double>(target.Slice(j))).CopyTo(target.Slice(j));
                var offset = Vector.ConditionalSelect(negativeMask, c * new Vector<double>(intercept, j), Vector<double>.Zero);
                shift += offset;
                size += Vector.Abs(offset);
                charge += Vector.Abs(c) * new Vector<double>(rounding, j);
            }
            double sh = Vector.Sum(shift), ch = Vector.Sum(charge), sz = Vector.Sum(size);
            for (int j = vectorEnd; j < n; j++)
            {
                double c = row[j];
                if (c == 0) continue;
                double product = c * (c < 0 ? negative[j] : positive[j]);
                target[j] = inPlace ? product : target[j] + product;
                if (c < 0)
                {
                    sh += c * intercept[j];
                    sz += Math.Abs(c * intercept[j]);
                }
                ch += Math.Abs(c) * rounding[j];
            }
            constant[r] += sh;
            slack[r] += ch;
            magnitude[r] += sz;
        }
    }

    [ThreadStatic] private static double[]? _positiveSlopes;

    /// <summary>
    /// <see cref="Relax"/>'s slopes for positive coefficients, kept per thread (at least n long) instead of a fresh
    /// array per layer and call, which the GC had to zero (with the other tables, then also per thread: verivital
    /// avgpool prop 7 eps 0.04 bounded 708-718 sub-domains in 30 s instead of 654-672, a 23,328-neuron layer).
    /// </summary>
    private static double[] PositiveSlopes(int n) => _positiveSlopes is { } p && p.Length >= n ? p : _positiveSlopes = new double[n];

    /// <summary>CROWN's lower slope of an unstable neuron on [l, u]: 1 when the positive side is the wider one, else a.</summary>
    internal static double AdaptiveSlope(double l, double u, double a) => u >= -l ? 1 : a;

    /// <summary>Per row, lambda . bias into the constant (and its magnitude) and |lambda| . error into the slack.</summary>
    private static void BiasAndError(double[] lam, int rows, int n, double[] bias, double[] error, double[] constant, double[] slack, double[] magnitude)
    {
        int width = Vector<double>.Count, vectorEnd = n - n % width;
        for (int r = 0; r < rows; r++)
        {
            var row = lam.AsSpan(r * n, n);
            Vector<double> b = default, e = default;
            for (int j = 0; j < vectorEnd; j += width)
            {
                var c = new Vector<double>(row.Slice(j));
                b += c * new Vector<double>(bias, j);
                e += Vector.Abs(c) * new Vector<double>(error, j);
            }
            double sb = Vector.Sum(b), se = Vector.Sum(e);
            for (int j = vectorEnd; j < n; j++)
            {
                if (row[j] == 0) continue;
                sb += row[j] * bias[j];
                se += Math.Abs(row[j]) * error[j];
            }
            constant[r] += sb;
            magnitude[r] += Math.Abs(sb);
            slack[r] += se;
        }
    }
}
