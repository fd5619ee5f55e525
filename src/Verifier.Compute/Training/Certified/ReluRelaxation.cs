using System.Numerics;

namespace Verifier.Compute.Training.Certified;

/// <summary>
/// CROWN's linear relaxation of a ReLU layer on its IBP pre-activation bounds [l, u], per sample and neuron, and
/// back-substitution through it of coefficient rows (one row per sample and class, <c>rowsPerSample</c> rows a sample).
/// Lower line: slope 1 on active neurons, 0 on dead ones, and on unstable ones 1 when u &gt;= -l else 0 (CROWN-IBP's
/// adaptive choice, Core's too). Upper line on unstable neurons: u / (u - l) (x - l). A positive coefficient takes the
/// lower line and a negative one the upper line, so the row stays a lower bound.
/// The slopes' dependence on (l, u) is differentiated through the upper line only: the lower slope and which neurons
/// are stable are piecewise constant. Host arrays: the element-wise work is small next to the GEMMs around it.
/// </summary>
internal sealed class ReluRelaxation
{
    private float[] _lower = [], _upper = [], _lowerSlope = [], _upperSlope = [], _intercept = [];
    private int _neurons;

    /// <summary>Tabulates both lines from the pre-activation bounds (batch x neurons).</summary>
    public void Relax(float[] lower, float[] upper, int neurons)
    {
        (_lower, _upper, _neurons) = (lower, upper, neurons);
        int n = lower.Length;
        if (_lowerSlope.Length < n) (_lowerSlope, _upperSlope, _intercept) = (new float[n], new float[n], new float[n]);
        for (int k = 0; k < n; k++)
        {
            float l = lower[k], u = upper[k];
            if (l >= 0) (_lowerSlope[k], _upperSlope[k], _intercept[k]) = (1, 1, 0);
            else if (u <= 0) (_lowerSlope[k], _upperSlope[k], _intercept[k]) = (0, 0, 0);
            else
            {
                float slope = u / (u - l);
                (_lowerSlope[k], _upperSlope[k], _intercept[k]) = (u >= -l ? 1 : 0, slope, -slope * l);
            }
        }
    }

    /// <summary>below = the rows through the relaxation; adds the intercepts they pick up to <paramref name="constants"/>.</summary>
    public void Substitute(float[] above, float[] below, double[] constants, int rows, int rowsPerSample)
    {
        int n = _neurons;
        Parallel.For(0, rows / rowsPerSample, s =>
        {
            for (int r = s * rowsPerSample; r < (s + 1) * rowsPerSample; r++)
                constants[r] += SubstituteRow(above.AsSpan(r * n, n), below.AsSpan(r * n, n),
                    _lowerSlope.AsSpan(s * n, n), _upperSlope.AsSpan(s * n, n), _intercept.AsSpan(s * n, n));
        });
    }

    /// <summary>b = max(a, 0) lower + min(a, 0) upper (a's sign picks the line); returns the intercepts picked up, sum min(a, 0) intercept.</summary>
    private static double SubstituteRow(ReadOnlySpan<float> a, Span<float> b, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, ReadOnlySpan<float> intercept)
    {
        var sum = Vector<float>.Zero;
        int k = 0;
        for (; k <= a.Length - Vector<float>.Count; k += Vector<float>.Count)
        {
            var va = new Vector<float>(a[k..]);
            var negative = Vector.Min(va, Vector<float>.Zero);
            (Vector.Max(va, Vector<float>.Zero) * new Vector<float>(lower[k..]) + negative * new Vector<float>(upper[k..])).CopyTo(b[k..]);
            sum += negative * new Vector<float>(intercept[k..]);
        }
        double constant = Vector.Sum(sum);
        for (; k < a.Length; k++)
        {
            float negative = Math.Min(a[k], 0);
            b[k] = Math.Max(a[k], 0) * lower[k] + negative * upper[k];
            constant += negative * intercept[k];
        }
        return constant;
    }

    /// <summary>
    /// The gradient through <see cref="Substitute"/>: from that of the rows below (<paramref name="dBelow"/>) and of
    /// the constants (<paramref name="dConstants"/>), writes that of the rows above into <paramref name="dAbove"/> and
    /// returns that of the pre-activation bounds (batch x neurons each).
    /// </summary>
    public (float[] Lower, float[] Upper) Differentiate(float[] above, float[] dBelow, double[] dConstants, float[] dAbove, int rows, int rowsPerSample)
    {
        int n = _neurons;
        var (dLower, dUpper) = (new float[_lower.Length], new float[_lower.Length]);
        Parallel.For(0, rows / rowsPerSample, s =>
        {
            var dSlope = new float[n];
            var dIntercept = new float[n];
            for (int r = s * rowsPerSample; r < (s + 1) * rowsPerSample; r++)
                DifferentiateRow(above.AsSpan(r * n, n), dBelow.AsSpan(r * n, n), (float)dConstants[r], dAbove.AsSpan(r * n, n),
                    _lowerSlope.AsSpan(s * n, n), _upperSlope.AsSpan(s * n, n), _intercept.AsSpan(s * n, n), dSlope, dIntercept);
            for (int k = 0; k < n; k++)
            {
                double l = _lower[s * n + k], u = _upper[s * n + k];
                if (!(l < 0 && u > 0)) continue;
                // slope = u / (u - l), intercept = -u l / (u - l).
                double w2 = (u - l) * (u - l);
                dLower[s * n + k] = (float)((dSlope[k] * u - dIntercept[k] * u * u) / w2);
                dUpper[s * n + k] = (float)((-dSlope[k] * l + dIntercept[k] * l * l) / w2);
            }
        });
        return (dLower, dUpper);
    }

    /// <summary>
    /// One row of <see cref="Differentiate"/>: da = db (a &gt;= 0 ? lower : upper) + (a &lt; 0 ? g intercept : 0), and where
    /// a &lt; 0 the upper line's slope and intercept gain db a and g a.
    /// </summary>
    private static void DifferentiateRow(ReadOnlySpan<float> a, ReadOnlySpan<float> db, float g, Span<float> da, ReadOnlySpan<float> lower,
        ReadOnlySpan<float> upper, ReadOnlySpan<float> intercept, Span<float> dSlope, Span<float> dIntercept)
    {
        var vg = new Vector<float>(g);
        int k = 0;
        for (; k <= a.Length - Vector<float>.Count; k += Vector<float>.Count)
        {
            var va = new Vector<float>(a[k..]);
            var vdb = new Vector<float>(db[k..]);
            var positive = Vector.GreaterThanOrEqual(va, Vector<float>.Zero);
            var negative = Vector.ConditionalSelect(positive, Vector<float>.Zero, va);
            var slope = Vector.ConditionalSelect(positive, new Vector<float>(lower[k..]), new Vector<float>(upper[k..]));
            (vdb * slope + vg * Vector.ConditionalSelect(positive, Vector<float>.Zero, new Vector<float>(intercept[k..]))).CopyTo(da[k..]);
            (new Vector<float>(dSlope[k..]) + vdb * negative).CopyTo(dSlope[k..]);
            (new Vector<float>(dIntercept[k..]) + vg * negative).CopyTo(dIntercept[k..]);
        }
        for (; k < a.Length; k++)
        {
            bool positive = a[k] >= 0;
            float negative = positive ? 0 : a[k];
            da[k] = db[k] * (positive ? lower[k] : upper[k]) + (positive ? 0 : g * intercept[k]);
            dSlope[k] += db[k] * negative;
            dIntercept[k] += g * negative;
        }
    }
}
