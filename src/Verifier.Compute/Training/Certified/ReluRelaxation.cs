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
        for (int r = 0; r < rows; r++)
        {
            int sample = r / rowsPerSample * n;
            double constant = 0;
            for (int k = 0; k < n; k++)
            {
                float a = above[r * n + k];
                if (a >= 0) below[r * n + k] = a * _lowerSlope[sample + k];
                else
                {
                    below[r * n + k] = a * _upperSlope[sample + k];
                    constant += a * _intercept[sample + k];
                }
            }
            constants[r] += constant;
        }
    }

    /// <summary>
    /// The gradient through <see cref="Substitute"/>: from that of the rows below (<paramref name="dBelow"/>) and of
    /// the constants (<paramref name="dConstants"/>), writes that of the rows above into <paramref name="dAbove"/> and
    /// returns that of the pre-activation bounds (batch x neurons each).
    /// </summary>
    public (float[] Lower, float[] Upper) Differentiate(float[] above, float[] dBelow, ReadOnlySpan<double> dConstants, float[] dAbove, int rows, int rowsPerSample)
    {
        int n = _neurons;
        var dSlope = new double[_lower.Length];
        var dIntercept = new double[_lower.Length];
        for (int r = 0; r < rows; r++)
        {
            int sample = r / rowsPerSample * n;
            double g = dConstants[r];
            for (int k = 0; k < n; k++)
            {
                int i = r * n + k;
                float a = above[i];
                if (a >= 0) dAbove[i] = dBelow[i] * _lowerSlope[sample + k];
                else
                {
                    dAbove[i] = (float)(dBelow[i] * _upperSlope[sample + k] + g * _intercept[sample + k]);
                    dSlope[sample + k] += dBelow[i] * a;
                    dIntercept[sample + k] += g * a;
                }
            }
        }
        var (dLower, dUpper) = (new float[_lower.Length], new float[_lower.Length]);
        for (int k = 0; k < _lower.Length; k++)
        {
            double l = _lower[k], u = _upper[k];
            if (!(l < 0 && u > 0)) continue;
            // slope = u / (u - l), intercept = -u l / (u - l).
            double w2 = (u - l) * (u - l);
            dLower[k] = (float)((dSlope[k] * u - dIntercept[k] * u * u) / w2);
            dUpper[k] = (float)((-dSlope[k] * l + dIntercept[k] * l * l) / w2);
        }
        return (dLower, dUpper);
    }
}
