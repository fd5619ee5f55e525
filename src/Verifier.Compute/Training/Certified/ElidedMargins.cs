namespace Verifier.Compute.Training.Certified;

/// <summary>
/// Lower bounds of the margins z_y - z_j of a dense last layer z = W h + b over element-wise bounds of h, with the
/// layer folded into the margin (Gowal et al.'s elision): for c = W_y - W_j,
/// margin_j &gt;= c . mu - |c| . r + b_y - b_j with mu, r the centre and radius of h. Far tighter than subtracting
/// interval bounds of z_y and z_j. Computed on the host: a mini-batch times classes times the layer's inputs.
/// </summary>
public sealed class ElidedMargins
{
    private readonly int _classes, _inputs;
    private readonly float[] _weight, _bias;

    /// <param name="weight">The last layer's weights (classes x inputs), row-major.</param>
    public ElidedMargins(float[] weight, float[] bias)
    {
        (_weight, _bias, _classes) = (weight, bias, bias.Length);
        _inputs = weight.Length / _classes;
    }

    /// <summary>margins[s, j]: the bound for sample s against class j (0 at j = label).</summary>
    public float[] Compute(ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, ReadOnlySpan<int> labels, int batch)
    {
        var margins = new float[batch * _classes];
        for (int s = 0; s < batch; s++)
        {
            var l = lower.Slice(s * _inputs, _inputs);
            var u = upper.Slice(s * _inputs, _inputs);
            int y = labels[s];
            for (int j = 0; j < _classes; j++)
            {
                if (j == y) continue;
                double m = _bias[y] - _bias[j];
                for (int h = 0; h < _inputs; h++)
                {
                    double c = _weight[y * _inputs + h] - _weight[j * _inputs + h], mu = 0.5 * (l[h] + u[h]), r = 0.5 * (u[h] - l[h]);
                    m += c * mu - Math.Abs(c) * r;
                }
                margins[s * _classes + j] = (float)m;
            }
        }
        return margins;
    }

    /// <summary>
    /// Mean cross-entropy of the worst-case logits -margin_j (0 for the label) over the batch, times
    /// <paramref name="weight"/>; adds its gradient to the last layer's (<paramref name="dWeight"/>, <paramref name="dBias"/>)
    /// and writes it with respect to the bounds of h into <paramref name="dLower"/>, <paramref name="dUpper"/>.
    /// </summary>
    public double Loss(float[] margins, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, ReadOnlySpan<int> labels, int batch, float weight,
        float[] dWeight, float[] dBias, Span<float> dLower, Span<float> dUpper)
    {
        var dMargins = new double[batch * _classes];
        double loss = CrossEntropy(margins, labels, batch, weight, dMargins);
        Backward(dMargins, lower, upper, labels, batch, dWeight, dBias, dLower, dUpper);
        return loss;
    }

    /// <summary>
    /// Mean cross-entropy of the worst-case logits -margin_j (0 for the label) over the batch, times
    /// <paramref name="weight"/>; writes its gradient with respect to the margins into <paramref name="dMargins"/>.
    /// </summary>
    public double CrossEntropy(float[] margins, ReadOnlySpan<int> labels, int batch, float weight, Span<double> dMargins)
    {
        double total = 0;
        for (int s = 0; s < batch; s++)
        {
            int y = labels[s];
            var row = margins.AsSpan(s * _classes, _classes);
            double max = 0;
            for (int j = 0; j < _classes; j++) if (j != y) max = Math.Max(max, -row[j]);
            double sum = Math.Exp(-max);
            for (int j = 0; j < _classes; j++) if (j != y) sum += Math.Exp(-row[j] - max);
            total += max + Math.Log(sum);
            // d loss / d z'_j = softmax_j for j != y; z'_j = -margin_j.
            for (int j = 0; j < _classes; j++) dMargins[s * _classes + j] = j == y ? 0 : -Math.Exp(-row[j] - max) / sum * weight / batch;
        }
        return total / batch * weight;
    }

    /// <summary>
    /// The gradient of a loss through <see cref="Compute"/>: from <paramref name="dMargins"/> it adds the last layer's
    /// to <paramref name="dWeight"/>, <paramref name="dBias"/> and writes those of the bounds of h.
    /// </summary>
    public void Backward(ReadOnlySpan<double> dMargins, ReadOnlySpan<float> lower, ReadOnlySpan<float> upper, ReadOnlySpan<int> labels, int batch,
        float[] dWeight, float[] dBias, Span<float> dLower, Span<float> dUpper)
    {
        var dCentre = new double[_inputs];
        var dRadius = new double[_inputs];
        for (int s = 0; s < batch; s++)
        {
            int y = labels[s];
            Array.Clear(dCentre);
            Array.Clear(dRadius);
            var l = lower.Slice(s * _inputs, _inputs);
            var u = upper.Slice(s * _inputs, _inputs);
            for (int j = 0; j < _classes; j++)
            {
                double g = dMargins[s * _classes + j];
                if (g == 0 || j == y) continue;
                dBias[y] += (float)g;
                dBias[j] -= (float)g;
                for (int h = 0; h < _inputs; h++)
                {
                    double c = _weight[y * _inputs + h] - _weight[j * _inputs + h], mu = 0.5 * (l[h] + u[h]), r = 0.5 * (u[h] - l[h]);
                    double sign = Math.Sign(c);
                    dCentre[h] += g * c;
                    dRadius[h] -= g * Math.Abs(c);
                    float dc = (float)(g * (mu - sign * r));
                    dWeight[y * _inputs + h] += dc;
                    dWeight[j * _inputs + h] -= dc;
                }
            }
            for (int h = 0; h < _inputs; h++)
            {
                dLower[s * _inputs + h] = (float)(0.5 * (dCentre[h] - dRadius[h]));
                dUpper[s * _inputs + h] = (float)(0.5 * (dCentre[h] + dRadius[h]));
            }
        }
    }

    /// <summary>
    /// The margins as linear functions of h, for back-substitution: row s * classes + j holds c = W_y - W_j
    /// (zero for j = y), and <paramref name="constants"/> b_y - b_j.
    /// </summary>
    public float[] Rows(ReadOnlySpan<int> labels, int batch, double[] constants)
    {
        var rows = new float[batch * _classes * _inputs];
        for (int s = 0; s < batch; s++)
        {
            int y = labels[s];
            for (int j = 0; j < _classes; j++)
            {
                int r = s * _classes + j;
                constants[r] = j == y ? 0 : _bias[y] - _bias[j];
                if (j == y) continue;
                for (int h = 0; h < _inputs; h++) rows[r * _inputs + h] = _weight[y * _inputs + h] - _weight[j * _inputs + h];
            }
        }
        return rows;
    }

    /// <summary>
    /// The gradient through <see cref="Rows"/>: adds to the last layer's gradients those of a loss whose gradients
    /// with respect to the rows and constants are <paramref name="dRows"/> and <paramref name="dConstants"/>.
    /// </summary>
    public void RowsBackward(ReadOnlySpan<float> dRows, ReadOnlySpan<double> dConstants, ReadOnlySpan<int> labels, int batch, float[] dWeight, float[] dBias)
    {
        for (int s = 0; s < batch; s++)
        {
            int y = labels[s];
            for (int j = 0; j < _classes; j++)
            {
                int r = s * _classes + j;
                if (j == y) continue;
                dBias[y] += (float)dConstants[r];
                dBias[j] -= (float)dConstants[r];
                for (int h = 0; h < _inputs; h++)
                {
                    float d = dRows[r * _inputs + h];
                    dWeight[y * _inputs + h] += d;
                    dWeight[j * _inputs + h] -= d;
                }
            }
        }
    }
}
