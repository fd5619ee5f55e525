namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// Tightens the unstable inputs of every activation layer after the first, layer by layer: per neuron and side,
    /// a best-first branch and bound over splits of unstable neurons in earlier layers, each sub-domain bounded by
    /// alpha-beta-CROWN (<see cref="OptimiseRow"/>), for at most <paramref name="leaves"/> sub-domains. The sub-domains
    /// cover the domain (the two sides of a split overlap at 0; empty ones are dropped by sound bounds), so the least
    /// of their bounds is a sound bound; it is intersected with the one it replaces. This plays the part of
    /// alpha-beta-CROWN's MIP refinement of intermediate bounds, with our own bound search in place of a MIP solver.
    /// The given state's bounds are tightened in place; the returned state carries them with every later layer
    /// recomputed from them. Once <paramref name="cancellation"/> fires, neurons not reached keep their bounds.
    /// </summary>
    public BoundState Tighten(BoundState root, AlphaOptions options, int leaves, CancellationToken cancellation)
    {
        var state = root;
        foreach (var layer in _activations.Skip(1))
        {
            int v = _ids[layer.InputName];
            var (l, u) = (state.Lower[v], state.Upper[v]);
            var unstable = Enumerable.Range(0, l.Length).Where(j => l[j] < 0 && u[j] > 0).ToArray();
            var lower = new double[unstable.Length];
            var upper = new double[unstable.Length];
            var current = state;
            Parallel.For(0, unstable.Length, k =>
            {
                if (cancellation.IsCancellationRequested) { (lower[k], upper[k]) = (double.NegativeInfinity, double.PositiveInfinity); return; }
                lower[k] = NeuronSearch(current, v, unstable[k], 1, options, leaves, cancellation);
                upper[k] = lower[k] > 0 ? double.PositiveInfinity : -NeuronSearch(current, v, unstable[k], -1, options, leaves, cancellation);
            });
            for (int k = 0; k < unstable.Length; k++)
            {
                l[unstable[k]] = Math.Max(l[unstable[k]], lower[k]);
                u[unstable[k]] = Math.Min(u[unstable[k]], upper[k]);
            }
            if (unstable.Any(j => !(l[j] <= u[j]))) { state.Infeasible = true; return state; }
            state = Compute(state.InputLower, state.InputUpper, BoundMode.AlphaCrown, state.Splits, state, _producer[v] + 1, refine: true, null, cancellation);
        }
        return state;
    }

    /// <summary>A lower bound of side * value[neuron] over the state's domain, from at most <paramref name="leaves"/> split sub-domains.</summary>
    private double NeuronSearch(BoundState state, int v, int neuron, sbyte side, AlphaOptions options, int leaves, CancellationToken cancellation)
    {
        var (first, coefficients) = NeuronBound(state, v, neuron, side, options, cancellation);
        if (first > 0) return first;
        var queue = new PriorityQueue<(BoundState State, double[]?[] Coefficients, double Bound), double>();
        queue.Enqueue((state, coefficients, first), first);
        double closed = double.PositiveInfinity;
        int layerOfV = _activationOfValue[v];
        for (int processed = 0; processed < leaves && queue.Count > 0 && !cancellation.IsCancellationRequested; processed++)
        {
            var (s, c, b) = queue.Dequeue();
            var (split, j) = SplitCandidate(s, c, layerOfV);
            if (split < 0) { closed = Math.Min(closed, b); continue; }
            var activation = _activations[split];
            foreach (sbyte d in new sbyte[] { 1, -1 })
            {
                var child = Compute(s.InputLower, s.InputUpper, BoundMode.AlphaCrown, s.Splits.With(split, activation.Size, j, d), s,
                    StepsBefore(activation), refine: true, null, cancellation, lastStep: _producer[v]);
                if (child.Infeasible) continue;
                var (cb, cc) = NeuronBound(child, v, neuron, side, options, cancellation);
                if (cb > 0) closed = Math.Min(closed, cb);
                else queue.Enqueue((child, cc, cb), cb);
            }
        }
        return queue.TryPeek(out _, out var open) ? Math.Min(open, closed) : closed;
    }

    private (double Bound, double[]?[] Coefficients) NeuronBound(BoundState state, int v, int neuron, sbyte side, AlphaOptions options,
        CancellationToken cancellation)
    {
        var row = new double[_size[v]];
        row[neuron] = side;
        var trace = new Trace(_activations.Count);
        double crown = Backward(state, v, (double[])row.Clone(), 1, null, null, trace)[0];
        double optimised = OptimiseRow(state, v, row, double.PositiveInfinity, options, null, cancellation: cancellation).Bound;
        return (Math.Max(crown, optimised), trace.Activations);
    }

    /// <summary>
    /// BaBSR's estimate of what an unstable neuron's relaxation costs a row: |coefficient| times the triangle's height
    /// u (-l) / (u - l) (the height alone when the coefficient is 0). The one score both searches branch on.
    /// </summary>
    public static double BabsrScore(double coefficient, double lower, double upper) =>
        (Math.Abs(coefficient) + 1e-9) * (upper * -lower / (upper - lower));

    /// <summary>The unstable neuron before layer <paramref name="before"/> with the largest |coefficient| x triangle height.</summary>
    private (int Layer, int Neuron) SplitCandidate(BoundState state, double[]?[] coefficients, int before)
    {
        (int, int) best = (-1, -1);
        double bestScore = 0;
        for (int a = 0; a < before; a++)
        {
            var layer = _activations[a];
            var (l, u) = (state.Lower[_ids[layer.InputName]], state.Upper[_ids[layer.InputName]]);
            var c = coefficients[a];
            for (int j = 0; j < layer.Size; j++)
            {
                if (!(l[j] < 0 && u[j] > 0)) continue;
                double score = BabsrScore(c?[j] ?? 0, l[j], u[j]);
                if (score > bestScore) (best, bestScore) = ((a, j), score);
            }
        }
        return best;
    }
}
