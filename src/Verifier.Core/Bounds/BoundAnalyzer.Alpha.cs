namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// alpha-CROWN for one spec row: the lower slopes of the unstable neurons are optimisation variables in [a, 1]
    /// (every choice gives a sound bound, so the best bound evaluated is returned), improved by projected gradient
    /// ascent. For fixed slopes the bound is lambda_0 . x* + const, linear in each slope where the relaxation is
    /// used; its derivative in the slope of neuron j is c_j z_j(x*), with c_j the row's coefficient on the neuron's
    /// output and z_j(x*) the neuron's input in the relaxed network (each neuron on the line the row chose)
    /// evaluated at the bound's minimising vertex x*.
    /// </summary>
    private double OptimiseSlopes(BoundState state, LinearSpec spec, int row, AlphaOptions options)
    {
        var slopes = new double[_activations.Count][];
        foreach (var layer in _activations)
        {
            var (l, u) = (state.ActivationInput(layer).Lower, state.ActivationInput(layer).Upper);
            slopes[layer.Index] = Enumerable.Range(0, layer.Size).Select(j => u[j] >= -l[j] ? 1 : layer.NegativeSlope).ToArray();
        }
        var lambda = spec.Coefficients.AsSpan(row * OutputSize, OutputSize).ToArray();
        double best = double.NegativeInfinity, step = options.InitialStep;
        for (int it = 0; it <= options.Iterations; it++, step *= options.Decay)
        {
            var trace = new Trace(_activations.Count);
            double bound = Backward(state, OutputId, (double[])lambda.Clone(), 1, slopes, trace)[0];
            best = Math.Max(best, bound);
            if (it == options.Iterations || trace.Input is null) break;
            var gradient = SlopeGradient(state, slopes, trace);
            double scale = gradient.Where(g => g is not null).SelectMany(g => g!).Select(Math.Abs).DefaultIfEmpty(0).Max();
            if (!(scale > 0) || !double.IsFinite(scale)) break;
            foreach (var layer in _activations)
            {
                var (g, s) = (gradient[layer.Index], slopes[layer.Index]);
                if (g is null) continue;
                for (int j = 0; j < s.Length; j++) s[j] = Math.Clamp(s[j] + step * g[j] / scale, layer.NegativeSlope, 1);
            }
        }
        return best;
    }

    /// <summary>d bound / d slope per unstable neuron, by one forward pass of the relaxed network at the minimiser.</summary>
    private double[]?[] SlopeGradient(BoundState state, double[]?[] slopes, Trace trace)
    {
        var values = new double[_names.Count][];
        var x = new double[InputSize];
        for (int j = 0; j < InputSize; j++)
        {
            double c = trace.Input![j];
            x[j] = c > 0 ? state.InputLower[j] : c < 0 ? state.InputUpper[j] : state.InputLower[j] + (state.InputUpper[j] - state.InputLower[j]) / 2;
        }
        values[0] = x;
        var gradient = new double[_activations.Count][];
        for (int s = 0; s <= _producer[OutputId]; s++)
        {
            var step = _steps[s];
            int n = _size[step.Output];
            var y = new double[n];
            switch (step.Kind)
            {
                case StepKind.Affine:
                    step.Map!.Multiply(values[step.Inputs[step.Signature.VariableInput]], y, absolute: false);
                    for (int k = 0; k < n; k++) y[k] += step.Map.Bias[k];
                    break;
                case StepKind.Sum:
                    for (int t = 0; t < step.Inputs.Length; t++)
                        for (int k = 0; k < n; k++) y[k] += step.Coefficients![t] * values[step.Inputs[t]][step.Sources![t][k]];
                    break;
                case StepKind.Activation:
                {
                    int v = step.Inputs[0];
                    var (z, l, u) = (values[v], state.Lower[v], state.Upper[v]);
                    var c = trace.Activations[step.Activation];
                    var g = gradient[step.Activation] = new double[n];
                    double a = step.Slope;
                    for (int k = 0; k < n; k++)
                    {
                        if (l[k] >= 0) y[k] = z[k];
                        else if (u[k] <= 0) y[k] = a * z[k];
                        else if (c is null || c[k] >= 0)
                        {
                            y[k] = slopes[step.Activation]![k] * z[k];
                            g[k] = c is null ? 0 : c[k] * z[k];
                        }
                        else
                        {
                            double chord = (u[k] - a * l[k]) / (u[k] - l[k]);
                            y[k] = chord * (z[k] - l[k]) + a * l[k];
                        }
                    }
                    break;
                }
                default:
                    // A cut value enters the bound at one end of its interval; its midpoint is close enough for a direction.
                    for (int k = 0; k < n; k++) y[k] = state.Lower[step.Output][k] + (state.Upper[step.Output][k] - state.Lower[step.Output][k]) / 2;
                    break;
            }
            values[step.Output] = y;
        }
        return gradient;
    }
}
