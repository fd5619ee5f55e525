namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// A certified lower bound of min over the domain of sum_j lambda_j (c_j . y - t_j) over a conjunction's rows,
    /// for the best weights lambda &gt;= 0 found. A positive value proves that no point of the domain satisfies every
    /// row (at each point some row exceeds its threshold), which single rows cannot show where two rows trade off
    /// against each other (ACAS Xu: the advisory is never maximal, near points where two others tie with it).
    /// The weights start on the best single row (with its relaxation), so the result is never worse than that
    /// row's bound scaled; for fixed relaxations the bound is concave in lambda and its supergradient in lambda_j
    /// is c_j . y(x*) - t_j at the relaxed network's minimiser, so the weights are optimised alongside the slopes.
    /// <para>
    /// Rounding: the back-substitution bounds w . y for the double w = fl(sum lambda_j c_j); the gap to the exact
    /// combination of the exact literals (weights rounding, literal rounding, the thresholds' sum) is charged as
    /// 4 (K + 2) u64 (sum_k |c_jk| |y_k|max + |t_j|) for the worst row j, the weights summing to at most 1.01.
    /// </para>
    /// </summary>
    public double ClauseMargin(BoundState state, LinearSpec spec, IReadOnlyList<int> rows, SpecBounds bounds, AlphaOptions options)
    {
        if (state.Infeasible) return double.PositiveInfinity;
        int m = OutputSize, k = rows.Count;
        var (yl, yu) = (state.Lower[OutputId], state.Upper[OutputId]);
        double slack = 0;
        foreach (int r in rows)
        {
            double magnitude = Math.Abs(spec.Thresholds[r]);
            for (int j = 0; j < m; j++) magnitude += Math.Abs(spec.Coefficients[r * m + j]) * Rounding.AbsMax(yl[j], yu[j]);
            slack = Math.Max(slack, 4.0 * (k + 2) * Rounding.Unit64 * magnitude);
        }
        int start = rows.MaxBy(r => bounds.Lower[r] - spec.Thresholds[r]);
        var mix = new RowMix(spec, rows, rows.ToList().IndexOf(start));
        var optimum = OptimiseRow(state, OutputId, default, 2 * slack, options, bounds.Relaxations[start], mix);
        return Rounding.Down(optimum.Bound - 1.01 * slack);
    }

    /// <summary>
    /// Non-negative weights over a conjunction's rows, summing to one, optimised by Adam with projection; the
    /// weighted row and threshold are what the back-substitution bounds.
    /// </summary>
    private sealed class RowMix
    {
        private const double B1 = 0.9, B2 = 0.999, Epsilon = 1e-8;
        private readonly LinearSpec _spec;
        private readonly int[] _rows;
        private readonly double[] _weights, _best, _m, _v;
        private int _t;

        public RowMix(LinearSpec spec, IReadOnlyList<int> rows, int start)
        {
            (_spec, _rows) = (spec, rows.ToArray());
            _weights = new double[_rows.Length];
            _weights[start] = 1;
            _best = (double[])_weights.Clone();
            _m = new double[_rows.Length];
            _v = new double[_rows.Length];
        }

        private int Width => _spec.Coefficients.Length / _spec.Rows;

        public double[] Row()
        {
            var row = new double[Width];
            for (int i = 0; i < _rows.Length; i++)
                if (_weights[i] != 0)
                    for (int j = 0; j < row.Length; j++) row[j] += _weights[i] * _spec.Coefficients[_rows[i] * row.Length + j];
            return row;
        }

        public double Offset()
        {
            double sum = 0;
            for (int i = 0; i < _rows.Length; i++) sum += _weights[i] * _spec.Thresholds[_rows[i]];
            return sum;
        }

        public void KeepBest() => _weights.CopyTo(_best, 0);

        /// <summary>One step along c_j . y - t_j (y: the relaxed output at the minimiser), then back onto the simplex.</summary>
        public void Ascend(double[] output, double rate)
        {
            _t++;
            double c1 = 1 - Math.Pow(B1, _t), c2 = 1 - Math.Pow(B2, _t);
            int width = Width;
            for (int i = 0; i < _rows.Length; i++)
            {
                double g = -_spec.Thresholds[_rows[i]];
                for (int j = 0; j < width; j++) g += _spec.Coefficients[_rows[i] * width + j] * output[j];
                _m[i] = B1 * _m[i] + (1 - B1) * g;
                _v[i] = B2 * _v[i] + (1 - B2) * g * g;
                _weights[i] = Math.Max(0, _weights[i] + rate * (_m[i] / c1) / (Math.Sqrt(_v[i] / c2) + Epsilon));
            }
            double total = _weights.Sum();
            if (total <= 0) _best.CopyTo(_weights, 0);
            else for (int i = 0; i < _weights.Length; i++) _weights[i] /= total;
        }
    }
}
