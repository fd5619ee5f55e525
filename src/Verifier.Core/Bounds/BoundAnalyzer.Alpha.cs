using System.Runtime.InteropServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// alpha-beta-CROWN for one spec row. Optimisation variables: the lower slopes of the unstable neurons, in
    /// [a, 1], and one multiplier beta_j &gt;= 0 per split neuron, which adds -beta_j d_j z_j to the row (d_j = +1
    /// for "z_j &gt;= 0", -1 for "z_j &lt;= 0"); on the sub-domain d_j z_j &gt;= 0, so the row only gets smaller and
    /// every choice gives a sound bound (Lagrangian relaxation of the split constraints). The best bound evaluated
    /// is returned. For fixed variables the bound is the relaxed network (each neuron on the line the row chose)
    /// evaluated at the bound's minimising vertex x*, so its derivative in alpha_j is c_j z_j(x*) (c_j: the row's
    /// coefficient on the neuron's output) and in beta_j it is -d_j z_j(x*). Adam steps, projected back.
    /// Relaxations with parameters add theirs (<see cref="IRelaxationParameters"/>: MaxPool's lower-line weights,
    /// the tangent points of sigmoid and tanh), started at the relaxation's own lines, their derivatives taken at x*
    /// as the relaxation gives them, each step projected back.
    /// </summary>
    /// <param name="target">The value the row is over: the output for spec rows, an activation input for intermediate bounds.</param>
    /// <param name="stopAbove">The search stops as soon as the bound exceeds this (the row is proven).</param>
    /// <param name="warm">Variables to start from (a parent domain's optimum); missing ones start at CROWN's choice and 0.</param>
    /// <param name="mix">
    /// When given, the row is the mix's weighted sum of rows minus its weighted thresholds, and the weights are
    /// optimised too (<see cref="RowMix"/>); <paramref name="row"/> is then ignored.
    /// </param>
    /// <param name="cancellation">Stops the search early; the best bound so far (at least CROWN's) is still sound.</param>
    private RowOptimum OptimiseRow(BoundState state, int target, ReadOnlySpan<double> row, double stopAbove, AlphaOptions options,
        RowRelaxation? warm, RowMix? mix = null, CancellationToken cancellation = default)
    {
        var variables = StartingPoint(state, target, warm, options.RelaxationParameters);
        var adam = new Adam(variables);
        RowOptimum? best = null;
        var forward = new ForwardCache();
        var scratch = new IterationScratch(_activations.Count);
        double alphaStep = options.AlphaStep, betaStep = options.BetaStep;
        for (int it = 0; it <= options.Iterations; it++, alphaStep *= options.Decay, betaStep *= options.Decay, scratch.Recycle())
        {
            var trace = new Trace(_activations.Count);
            var lambda = mix?.Row() ?? row.ToArray();
            double bound = Backward(state, target, lambda, 1, variables.Slopes, variables.Betas, trace, variables.Lines, scratch)[0] - (mix?.Offset() ?? 0);
            if (best is null || bound > best.Bound)
            {
                best = new RowOptimum(bound, variables.Copy());
                mix?.KeepBest();
            }
            if (bound > stopAbove || it == options.Iterations || trace.Input is null || cancellation.IsCancellationRequested) break;
            var (gradient, values) = Gradient(state, target, variables, trace, forward, scratch: scratch, targetValues: mix is not null);
            adam.Ascend(variables, gradient, alphaStep, betaStep, _activations, state.Relaxations);
            mix?.Ascend(values!, betaStep);
        }
        scratch.Recycle();
        return best!;
    }

    /// <summary>
    /// Warm slopes where given (else CROWN's adaptive choice), warm multipliers of split neurons (else 0); none for
    /// layers not bounded yet (when the row is over an intermediate value). Warm parameters of relaxations, else
    /// their own lines' (a parent's are feasible for its children: each relaxation clamps them to its own bounds).
    /// </summary>
    private RowRelaxation StartingPoint(BoundState state, int target, RowRelaxation? warm, bool relaxationParameters)
    {
        var lines = relaxationParameters ? new double[_steps.Count][] : null;
        for (int s = 0; lines is not null && s <= _producer[target]; s++)
            if (state.Relaxations[s]?.Parameters is { } parameters)
            {
                var start = parameters.Start();
                lines[s] = warm?.Lines?[s] is { } w && w.Length == start.Length ? (double[])w.Clone() : start;
            }
        var slopes = new double[_activations.Count][];
        var betas = new double[_activations.Count][];
        foreach (var layer in _activations)
        {
            var (l, u) = (state.Lower[_ids[layer.InputName]], state.Upper[_ids[layer.InputName]]);
            if (l is null || u is null) continue;
            slopes[layer.Index] = warm?.Slopes[layer.Index] is { } s ? (double[])s.Clone()
                : Enumerable.Range(0, layer.Size).Select(j => AdaptiveSlope(l[j], u[j], layer.NegativeSlope)).ToArray();
            var decisions = state.Splits.Layer(layer.Index);
            if (decisions is null) continue;
            var b = betas[layer.Index] = new double[layer.Size];
            var old = warm?.Betas[layer.Index];
            for (int j = 0; j < layer.Size; j++) b[j] = decisions[j] != 0 && old is not null ? old[j] : 0;
        }
        return new RowRelaxation(slopes, betas, lines);
    }

    /// <summary>
    /// d bound / d variable of each of the <paramref name="rows"/> rows of a back-substitution (the variables hold
    /// one set for all rows, or one per row as <see cref="Backward"/> takes them; the gradient has one per row), by
    /// one forward pass of the relaxed network at each row's minimiser, all rows through each layer together; with
    /// <paramref name="targetValues"/> also the relaxed network's value of the target there (rows x size; else
    /// null, and the pass stops at the last activation or relaxed step, which is all the gradient reads: on
    /// fashion-cnn-adv the second convolution's product, an intermediate target, was most of the pass).
    /// <paramref name="forward"/> (one row only) lets the first layer's product be updated instead of recomputed.
    /// </summary>
    private (RowRelaxation Gradient, double[]? Target) Gradient(BoundState state, int target, RowRelaxation variables, Trace trace, ForwardCache? forward,
        int rows = 1, IterationScratch? scratch = null, bool targetValues = false)
    {
        int last = _producer[target];
        while (!targetValues && last >= 0 && _steps[last].Kind is not (StepKind.Activation or StepKind.Relaxed)) last--;
        double[] Zeroed(int length) => scratch?.Zeroed(length) ?? new double[length];
        var values = new double[_names.Count][];
        values[0] = Zeroed(rows * InputSize);
        for (int r = 0; r < rows; r++) MinimisingVertex(state, trace.Input, r).CopyTo(values[0], r * InputSize);
        var slopeGradient = new double[_activations.Count][];
        var betaGradient = new double[_activations.Count][];
        var lineGradient = variables.Lines is null ? null : new double[_steps.Count][];
        for (int s = 0; s <= last; s++)
        {
            var step = _steps[s];
            int n = _size[step.Output];
            var y = Zeroed(rows * n);
            switch (step.Kind)
            {
                case StepKind.Affine:
                    var x = values[step.Inputs[step.Signature.VariableInput]];
                    if (rows == 1) ForwardProduct(state, step, x, y, forward ?? new ForwardCache());
                    else step.Map!.MultiplyRows(x, y, rows);
                    for (int r = 0; r < rows; r++) TP.Add(y.AsSpan(r * n, n), step.Map!.Bias, y.AsSpan(r * n, n));
                    break;
                case StepKind.Sum:
                    for (int t = 0; t < step.Inputs.Length; t++)
                    {
                        var (source, m) = (values[step.Inputs[t]], _size[step.Inputs[t]]);
                        for (int r = 0; r < rows; r++)
                            for (int k = 0; k < n; k++) y[r * n + k] += step.Coefficients![t] * source[r * m + step.Sources![t][k]];
                    }
                    break;
                case StepKind.Activation:
                {
                    int v = step.Inputs[0];
                    var (z, l, u) = (values[v], state.Lower[v], state.Upper[v]);
                    var c = trace.Activations[step.Activation];
                    var g = slopeGradient[step.Activation] = Zeroed(rows * n);
                    var slopes = variables.Slopes[step.Activation]!;
                    bool shared = slopes.Length == n;
                    double a = step.Slope;
                    for (int r = 0; r < rows; r++)
                        for (int k = 0, i = r * n; k < n; k++, i++)
                        {
                            if (l[k] >= 0) y[i] = z[i];
                            else if (u[k] <= 0) y[i] = a * z[i];
                            else if (c is null || c[i] >= 0)
                            {
                                y[i] = slopes[shared ? k : i] * z[i];
                                g[i] = c is null ? 0 : c[i] * z[i];
                            }
                            else
                            {
                                double chord = (u[k] - a * l[k]) / (u[k] - l[k]);
                                y[i] = chord * (z[i] - l[k]) + a * l[k];
                            }
                        }
                    if (state.Splits.Layer(step.Activation) is { } decisions)
                    {
                        var gb = betaGradient[step.Activation] = Zeroed(rows * n);
                        for (int r = 0; r < rows; r++)
                            for (int k = 0; k < n; k++) gb[r * n + k] = -decisions[k] * z[r * n + k];
                    }
                    break;
                }
                case StepKind.Relaxed when state.Relaxations[s] is { } relaxation:
                {
                    // The line back-substitution took: the upper one where the row's coefficient is negative.
                    var (z, m, c) = (values[VariableOf(step)], _size[VariableOf(step)], trace.Relaxed.GetValueOrDefault(s));
                    if (variables.Lines?[s] is { } p && relaxation.Parameters is { } parameters)
                    {
                        if (c is not null) parameters.Gradient(p, c, z, lineGradient![s] = Zeroed(p.Length));
                        relaxation = trace.Chosen.GetValueOrDefault(s) ?? parameters.With(p);
                    }
                    for (int r = 0; r < rows; r++)
                        for (int k = 0; k < n; k++) y[r * n + k] = relaxation.Evaluate(k, z.AsSpan(r * m, m), upper: c is not null && c[r * n + k] < 0);
                    break;
                }
                default:
                    // A cut value enters the bound at one end of its interval; its midpoint is close enough for a direction.
                    for (int r = 0; r < rows; r++)
                        for (int k = 0; k < n; k++) y[r * n + k] = state.Lower[step.Output][k] + (state.Upper[step.Output][k] - state.Lower[step.Output][k]) / 2;
                    break;
            }
            values[step.Output] = y;
        }
        return (new RowRelaxation(slopeGradient, betaGradient, lineGradient), targetValues ? values[target] : null);
    }

    /// <summary>The first layer's product at the previous iteration's minimising vertex (see <see cref="ForwardProduct"/>).</summary>
    private sealed class ForwardCache
    {
        public double[]? Input, Product;

        /// <summary>Keeps copies of x and A x (the pass's own vectors are recycled), in the arrays kept before.</summary>
        public void Keep(double[] x, double[] y)
        {
            Input = Copy(Input, x);
            Product = Copy(Product, y);
        }

        private static double[] Copy(double[]? into, double[] from)
        {
            if (into is null || into.Length != from.Length) return (double[])from.Clone();
            from.CopyTo(into, 0);
            return into;
        }
    }

    /// <summary>Below this many weights a full product is cheaper than deciding what to skip (ACAS Xu: 2,500).</summary>
    private const long PartialProductMinimum = 1 << 14;

    /// <summary>
    /// A x for the gradient's forward pass, which only steers the optimisation (the bound is always recomputed by
    /// <see cref="Backward"/>), so it may skip work: on the input, the minimising vertex moves in few coordinates
    /// from one iteration to the next, so the previous product is updated by their columns; elsewhere outputs that
    /// feed only a dead ReLU (upper bound &lt; 0, not split, value 0 whatever its input; at l = u = 0 the relaxed
    /// network passes its input on) are not computed.
    /// </summary>
    private void ForwardProduct(BoundState state, Step step, double[] x, double[] y, ForwardCache forward)
    {
        var map = step.Map!;
        if ((long)x.Length * y.Length < PartialProductMinimum)
        {
            map.Multiply(x, y, absolute: false);
            return;
        }
        if (step.Inputs[step.Signature.VariableInput] == 0)
        {
            if (forward.Input is { } previous && forward.Product is { } product)
            {
                var changed = new List<int>();
                var deltas = new List<double>();
                for (int i = 0; i < x.Length && changed.Count * 8 <= x.Length; i++)
                {
                    if (x[i] == previous[i]) continue;
                    changed.Add(i);
                    deltas.Add(x[i] - previous[i]);
                }
                if (changed.Count * 8 <= x.Length)
                {
                    product.CopyTo(y, 0);
                    if (map.TryAddColumns(CollectionsMarshal.AsSpan(changed), CollectionsMarshal.AsSpan(deltas), y))
                    {
                        forward.Keep(x, y);
                        return;
                    }
                }
            }
            map.Multiply(x, y, absolute: false);
            forward.Keep(x, y);
            return;
        }
        if (!_feedsOnlyRelu[step.Output])
        {
            map.Multiply(x, y, absolute: false);
            return;
        }
        var upper = state.Upper[step.Output];
        var decisions = state.Splits.Layer(_activationOfValue[step.Output]);
        var skip = new bool[y.Length];
        for (int k = 0; k < y.Length; k++) skip[k] = upper[k] < 0 && (decisions is null || decisions[k] == 0);
        map.MultiplySome(x, y, skip);
    }

    /// <summary>Adam ascent with projection: slopes onto [a, 1], multipliers onto [0, inf), relaxations' parameters by the relaxation.</summary>
    private sealed class Adam(RowRelaxation shape)
    {
        private const double B1 = 0.9, B2 = 0.999, Epsilon = 1e-8;
        private RowRelaxation _m = shape.Zeros(), _v = shape.Zeros();
        private int _t;

        /// <summary>Keeps the moments of the given rows only, when the variables hold one set per row.</summary>
        public void KeepRows(int[] rows, IReadOnlyList<ActivationLayer> layers) => (_m, _v) = (_m.SelectRows(rows, layers), _v.SelectRows(rows, layers));

        public void Ascend(RowRelaxation x, RowRelaxation gradient, double alphaStep, double betaStep, IReadOnlyList<ActivationLayer> layers,
            LinearRelaxation?[] relaxations)
        {
            _t++;
            double c1 = 1 - Math.Pow(B1, _t), c2 = 1 - Math.Pow(B2, _t);
            foreach (var layer in layers)
            {
                Step(x.Slopes[layer.Index], gradient.Slopes[layer.Index], _m.Slopes[layer.Index], _v.Slopes[layer.Index], alphaStep, layer.NegativeSlope, 1);
                Step(x.Betas[layer.Index], gradient.Betas[layer.Index], _m.Betas[layer.Index], _v.Betas[layer.Index], betaStep, 0, double.PositiveInfinity);
            }
            if (x.Lines is { } lines)
                for (int s = 0; s < lines.Length; s++)
                {
                    if (lines[s] is not { } p || gradient.Lines?[s] is null || relaxations[s]?.Parameters is not { } parameters) continue;
                    Step(p, gradient.Lines[s], _m.Lines![s], _v.Lines![s], alphaStep, double.NegativeInfinity, double.PositiveInfinity);
                    parameters.Project(p);
                }

            void Step(double[]? p, double[]? g, double[]? m, double[]? v, double rate, double min, double max)
            {
                if (p is null || g is null || m is null || v is null) return;
                for (int j = 0; j < p.Length; j++)
                {
                    if (g[j] == 0 && m[j] == 0) continue;
                    m[j] = B1 * m[j] + (1 - B1) * g[j];
                    v[j] = B2 * v[j] + (1 - B2) * g[j] * g[j];
                    p[j] = Math.Clamp(p[j] + rate * (m[j] / c1) / (Math.Sqrt(v[j] / c2) + Epsilon), min, max);
                }
            }
        }
    }

    /// <summary>The best bound of one row and its variables.</summary>
    private sealed record RowOptimum(double Bound, RowRelaxation Variables);
}

/// <summary>
/// The optimisation variables of one spec row: per activation layer, the lower ReLU slopes (null: layer not
/// relaxed yet) and the split multipliers beta (null: no split in the layer); per step, the parameters of its
/// relaxation's lines (null: none, or rows bounded together). A parent's optimum warm-starts its children.
/// </summary>
public sealed record RowRelaxation(double[]?[] Slopes, double[]?[] Betas, double[]?[]? Lines = null)
{
    /// <summary>Bytes of the given rows' variables (null rows hold none).</summary>
    public static long Bytes(IEnumerable<RowRelaxation?> rows) =>
        8 * rows.Sum(r => r is null ? 0L : Count(r.Slopes) + Count(r.Betas) + Count(r.Lines));

    private static long Count(double[]?[]? arrays) => arrays?.Sum(a => (long)(a?.Length ?? 0)) ?? 0;

    private static double[]?[]? Copied(double[]?[]? arrays) => arrays?.Select(a => (double[]?)a?.Clone()).ToArray();

    internal RowRelaxation Copy() => new(Copied(Slopes)!, Copied(Betas)!, Copied(Lines));

    /// <summary>The given rows of variables that hold one set per row (rows x layer size per layer).</summary>
    internal RowRelaxation SelectRows(int[] rows, IReadOnlyList<ActivationLayer> layers)
    {
        double[]? Select(double[]? perRow, int width) =>
            perRow is null ? null : rows.SelectMany(r => perRow.AsSpan(r * width, width).ToArray()).ToArray();
        return new(layers.Select(l => Select(Slopes[l.Index], l.Size)).ToArray(), layers.Select(l => Select(Betas[l.Index], l.Size)).ToArray());
    }

    internal RowRelaxation Zeros() => new(ZerosLike(Slopes)!, ZerosLike(Betas)!, ZerosLike(Lines));

    private static double[]?[]? ZerosLike(double[]?[]? arrays) => arrays?.Select(a => a is null ? null : new double[a.Length]).ToArray();
}

/// <summary>
/// Budget of the alpha-beta optimisation: Adam steps for the slopes and for the split multipliers, decayed per
/// iteration; <paramref name="RelaxationParameters"/>: relaxations' parameters (MaxPool's lower lines, sigmoid and tanh
/// tangent points) are optimised too, with the slopes' step.
/// </summary>
public sealed record AlphaOptions(int Iterations = 10, double AlphaStep = 0.3, double BetaStep = 0.1, double Decay = 0.9, bool RelaxationParameters = true);
