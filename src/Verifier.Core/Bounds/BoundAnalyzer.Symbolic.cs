namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>Inputs up to this many dimensions get the forward symbolic pre-pass before CROWN.</summary>
    public const int SymbolicInputLimit = 16;

    /// <summary>
    /// Forward symbolic bounds (DeepPoly without back-substitution): every value gets linear lower and upper
    /// functions of the input, L(x) &lt;= v &lt;= U(x). For few input dimensions this costs a few matrix-vector
    /// products per node and leaves far fewer unstable neurons for the costlier CROWN refinement. Functions are
    /// stored column-major, (d + 1) columns of the value's size, the last column being the constant.
    /// Float32 rounding enters as the same E as in the interval pass; our own float64 rounding of the
    /// coefficients is charged as 4 gamma64 (|A| |v|sym) where |v|sym bounds |L(x)| and |U(x)| over the box.
    /// </summary>
    private sealed class Symbolic
    {
        private readonly BoundAnalyzer _analyzer;
        private readonly BoundState _state;
        private readonly int _d;
        private readonly double[][] _lower, _upper, _magnitude;
        private readonly double[] _absInput;

        public Symbolic(BoundAnalyzer analyzer, BoundState state)
        {
            (_analyzer, _state) = (analyzer, state);
            _d = analyzer.InputSize;
            int values = analyzer._names.Count;
            (_lower, _upper, _magnitude) = (new double[values][], new double[values][], new double[values][]);
            _absInput = new double[_d];
            for (int j = 0; j < _d; j++) _absInput[j] = Rounding.AbsMax(state.InputLower[j], state.InputUpper[j]);
            var identity = new double[(_d + 1) * _d];
            for (int j = 0; j < _d; j++) identity[j * _d + j] = 1;
            (_lower[0], _upper[0]) = (identity, identity);
            _magnitude[0] = (double[])_absInput.Clone();
        }

        /// <summary>Computes the step's functions and tightens its output bounds with their concretisation.</summary>
        public void Apply(Step step)
        {
            int n = _analyzer._size[step.Output];
            var lo = new double[(_d + 1) * n];
            var hi = new double[(_d + 1) * n];
            var extra = new double[n];
            switch (step.Kind)
            {
                case StepKind.Affine: Affine(step, n, lo, hi, extra); break;
                case StepKind.Sum: Sum(step, n, lo, hi, extra); break;
                case StepKind.Activation: Activation(step, n, lo, hi, extra); break;
                case StepKind.Relaxed when _state.Relaxations[step.Index] is { } relaxation: Relaxed(step, relaxation, n, lo, hi, extra); break;
                default:
                    Array.Copy(_state.Lower[step.Output], 0, lo, _d * n, n);
                    Array.Copy(_state.Upper[step.Output], 0, hi, _d * n, n);
                    break;
            }
            for (int k = 0; k < n; k++)
            {
                lo[_d * n + k] -= extra[k];
                hi[_d * n + k] += extra[k];
            }
            (_lower[step.Output], _upper[step.Output]) = (lo, hi);
            Tighten(step.Output, n, lo, hi);
        }

        private void Affine(Step step, int n, double[] lo, double[] hi, double[] extra)
        {
            var map = step.Map!;
            int v = step.Inputs[step.Signature.VariableInput], m = map.InSize;
            var (l, u) = (_lower[v], _upper[v]);
            var mid = new double[m];
            var half = new double[m];
            var am = new double[n];
            var ar = new double[n];
            for (int j = 0; j <= _d; j++)
            {
                for (int i = 0; i < m; i++)
                {
                    double a = l[j * m + i], b = u[j * m + i];
                    mid[i] = a + (b - a) / 2;
                    half[i] = (b - a) / 2;
                }
                map.Multiply(mid, am, absolute: false);
                map.Multiply(half, ar, absolute: true);
                for (int k = 0; k < n; k++)
                {
                    lo[j * n + k] = am[k] - ar[k];
                    hi[j * n + k] = am[k] + ar[k];
                }
            }
            map.Multiply(_magnitude[v], extra, absolute: true);
            double gamma = 4 * Rounding.Gamma(map.Terms + _d + 4, Rounding.Unit64);
            var error = _state.Errors[step.Index]!;
            for (int k = 0; k < n; k++)
            {
                extra[k] = extra[k] * gamma + error[k];
                lo[_d * n + k] += map.Bias[k];
                hi[_d * n + k] += map.Bias[k];
            }
        }

        private void Sum(Step step, int n, double[] lo, double[] hi, double[] extra)
        {
            var error = _state.Errors[step.Index]!;
            for (int t = 0; t < step.Inputs.Length; t++)
            {
                int v = step.Inputs[t], m = _analyzer._size[v];
                var (c, src) = (step.Coefficients![t], step.Sources![t]);
                var (from, to) = c >= 0 ? (_lower[v], _upper[v]) : (_upper[v], _lower[v]);
                for (int j = 0; j <= _d; j++)
                    for (int k = 0; k < n; k++)
                    {
                        lo[j * n + k] += c * from[j * m + src[k]];
                        hi[j * n + k] += c * to[j * m + src[k]];
                    }
                for (int k = 0; k < n; k++) extra[k] += Math.Abs(c) * _magnitude[v][src[k]];
            }
            double gamma = 4 * Rounding.Gamma(step.Inputs.Length + _d + 4, Rounding.Unit64);
            for (int k = 0; k < n; k++) extra[k] = extra[k] * gamma + error[k];
        }

        /// <summary>The same relaxation as back-substitution: chord above, y &gt;= alpha x below (adaptive alpha).</summary>
        private void Activation(Step step, int n, double[] lo, double[] hi, double[] extra)
        {
            int v = step.Inputs[0];
            var (l, u) = (_state.Lower[v], _state.Upper[v]);
            var (fl, fu) = (_lower[v], _upper[v]);
            double a = step.Slope;
            for (int k = 0; k < n; k++)
            {
                double lk = l[k], uk = u[k];
                double lowerSlope, upperSlope, intercept = 0;
                if (lk >= 0) (lowerSlope, upperSlope) = (1, 1);
                else if (uk <= 0) (lowerSlope, upperSlope) = (a, a);
                else
                {
                    upperSlope = (uk - a * lk) / (uk - lk);
                    intercept = a * lk - upperSlope * lk;
                    lowerSlope = uk >= -lk ? 1 : a;
                }
                for (int j = 0; j <= _d; j++)
                {
                    lo[j * n + k] = lowerSlope * fl[j * n + k];
                    hi[j * n + k] = upperSlope * fu[j * n + k];
                }
                hi[_d * n + k] += intercept;
                extra[k] = (lk < 0 ? a * -lk * Rounding.Unit32 : 0) + 4 * Rounding.Unit64 * (Rounding.AbsMax(lk, uk) + _magnitude[v][k]);
            }
        }

        /// <summary>
        /// A relaxed node's lines composed with its input's functions: a line's positive coefficient takes the input's
        /// lower function into the lower one, a negative coefficient its upper function (and the other way round for
        /// the upper line). Rounding as for a sum of the row's terms.
        /// </summary>
        private void Relaxed(Step step, LinearRelaxation relaxation, int n, double[] lo, double[] hi, double[] extra)
        {
            int v = VariableOf(step), m = _analyzer._size[v];
            var (fl, fu, l, u) = (_lower[v], _upper[v], _state.Lower[v], _state.Upper[v]);
            for (int k = 0; k < n; k++)
            {
                int start = relaxation.RowStart[k], end = relaxation.RowStart[k + 1];
                for (int e = start; e < end; e++)
                {
                    double a = relaxation.Lower[e], b = relaxation.Upper[e];
                    int i = relaxation.Index[e];
                    if (a == 0 && b == 0) continue;
                    var (forLower, forUpper) = (a >= 0 ? fl : fu, b >= 0 ? fu : fl);
                    for (int j = 0; j <= _d; j++)
                    {
                        lo[j * n + k] += a * forLower[j * m + i];
                        hi[j * n + k] += b * forUpper[j * m + i];
                    }
                    extra[k] += (Math.Abs(a) + Math.Abs(b)) * (Rounding.AbsMax(l[i], u[i]) + _magnitude[v][i]);
                }
                lo[_d * n + k] += relaxation.LowerIntercept[k];
                hi[_d * n + k] += relaxation.UpperIntercept[k];
                extra[k] *= 4 * Rounding.Gamma(end - start + _d + 4, Rounding.Unit64);
            }
        }

        /// <summary>Concretises L and U over the box, intersects them with the value's bounds and records |v|sym.</summary>
        private void Tighten(int id, int n, double[] lo, double[] hi)
        {
            var (boxLower, boxUpper) = (_state.InputLower, _state.InputUpper);
            var magnitude = new double[n];
            var (l, u) = (_state.Lower[id], _state.Upper[id]);
            for (int k = 0; k < n; k++)
            {
                double min = lo[_d * n + k], max = hi[_d * n + k], mag = Math.Max(Math.Abs(min), Math.Abs(max));
                for (int j = 0; j < _d; j++)
                {
                    double p = lo[j * n + k], q = hi[j * n + k];
                    if (p != 0) min += p > 0 ? p * boxLower[j] : p * boxUpper[j];
                    if (q != 0) max += q > 0 ? q * boxUpper[j] : q * boxLower[j];
                    mag += Math.Max(Math.Abs(p), Math.Abs(q)) * _absInput[j];
                }
                double slack = Rounding.Gamma(_d + 2, Rounding.Unit64) * mag;
                magnitude[k] = mag * (1 + 1e-12);
                if (!double.IsNaN(min)) l[k] = Math.Max(l[k], Rounding.Down(min - slack));
                if (!double.IsNaN(max)) u[k] = Math.Min(u[k], Rounding.Up(max + slack));
            }
            _magnitude[id] = magnitude;
        }
    }
}
