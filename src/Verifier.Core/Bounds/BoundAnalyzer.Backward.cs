using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>What one back-substitution leaves behind for branching heuristics.</summary>
    private sealed class Trace(int activations)
    {
        public double[]? Input;
        public readonly double[]?[] Activations = new double[activations][];
    }

    /// <summary>
    /// Lower bounds of the rows of lambda * v over the domain (lambda is rows x size(v), row-major), by substituting
    /// every node's linear relaxation backwards to the input box (or to a cut node's interval). Every rounding of
    /// the network and of this computation is charged to a per-row slack (see <see cref="Rounding"/>).
    /// <paramref name="slopes"/> are the lower ReLU slopes per activation layer (null: the adaptive CROWN choice).
    /// </summary>
    private double[] Backward(BoundState state, int target, double[] lambda, int rows, double[]?[]? slopes, Trace? trace)
    {
        var lambdas = new double[_names.Count][];
        lambdas[target] = lambda;
        var constant = new double[rows];
        var slack = new double[rows];
        var magnitude = new double[rows];
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
                    var into = lambdas[v] ??= new double[rows * map.InSize];
                    var error = state.Errors[s]!;
                    for (int r = 0; r < rows; r++)
                    {
                        var row = new ReadOnlySpan<double>(lam, r * n, n);
                        map.AccumulateTranspose(row, into.AsSpan(r * map.InSize, map.InSize));
                        double b = TP.Dot(row, map.Bias);
                        constant[r] += b;
                        magnitude[r] += Math.Abs(b);
                        slack[r] += AbsDot(row, error);
                    }
                    break;
                }
                case StepKind.Sum:
                {
                    var error = state.Errors[s]!;
                    for (int k = 0; k < step.Inputs.Length; k++)
                    {
                        int v = step.Inputs[k], m = _size[v];
                        var into = lambdas[v] ??= new double[rows * m];
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
                    var into = lambdas[v] ??= new double[rows * n];
                    Relax(state.Lower[v], state.Upper[v], step.Slope, slopes?[step.Activation], lam, into, rows, constant, slack);
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
        return result;
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
    /// </summary>
    private static void Relax(double[] l, double[] u, double a, double[]? alpha, double[] lam, double[] into, int rows,
        double[] constant, double[] slack)
    {
        int n = l.Length;
        for (int j = 0; j < n; j++)
        {
            double lo = l[j], hi = u[j];
            double rounding = (lo < 0 ? a * -lo * Rounding.Unit32 : 0) + 4 * Rounding.Unit64 * Rounding.AbsMax(lo, hi);
            bool active = lo >= 0, inactive = hi <= 0;
            double s = 0, intercept = 0, lowerSlope = 0;
            if (!active && !inactive)
            {
                s = (hi - a * lo) / (hi - lo);
                intercept = a * lo - s * lo;
                lowerSlope = alpha?[j] ?? (hi >= -lo ? 1 : a);
            }
            for (int r = 0; r < rows; r++)
            {
                double c = lam[r * n + j];
                if (c == 0) continue;
                double slope;
                if (active) slope = 1;
                else if (inactive) slope = a;
                else if (c >= 0) slope = lowerSlope;
                else
                {
                    slope = s;
                    constant[r] += c * intercept;
                }
                into[r * n + j] += c * slope;
                slack[r] += Math.Abs(c) * rounding;
            }
        }
    }
}
