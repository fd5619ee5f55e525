namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// Tightens the unstable inputs of every activation layer after the first, layer by layer: per neuron, a
    /// best-first branch and bound over splits of unstable neurons in earlier layers, each sub-domain bounded by
    /// alpha-beta-CROWN (<see cref="OptimiseRow"/>). The sub-domains cover the domain (the two sides of a split
    /// overlap at 0; empty ones are dropped by sound bounds), so the least of their bounds is a sound bound; it is
    /// intersected with the one it replaces. This plays the part of alpha-beta-CROWN's MIP refinement of
    /// intermediate bounds, with our own bound search in place of a MIP solver.
    /// <para>
    /// The near side of a neuron (the bound closer to 0) gets <paramref name="leaves"/> sub-domains, the far side an
    /// eighth: a ReLU's triangle is about as high as its near bound, so that is where a search pays, and only it
    /// can make the neuron stable. Given a <paramref name="budget"/>, each layer then takes its part of it to search
    /// again, with four times the sub-domains per round, the neurons still unstable, nearest to stable first.
    /// </para>
    /// The given state's bounds are tightened in place; the returned state carries them with every later layer
    /// recomputed from them. Once <paramref name="cancellation"/> fires, neurons not reached keep their bounds.
    /// </summary>
    public BoundState Tighten(BoundState root, AlphaOptions options, int leaves, CancellationToken cancellation, TimeSpan? budget = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var state = root;
        for (int a = 1; a < _activations.Count; a++)
        {
            int v = _ids[_activations[a].InputName];
            var (l, u) = (state.Lower[v], state.Upper[v]);
            var unstable = Unstable(l, u);
            var current = state;
            Update(unstable, k => NeuronSides(current, v, unstable[k], options, leaves, Math.Max(1, leaves / 8), cancellation), cancellation);
            if (budget is { } total)
            {
                using var share = new Analysis.Deadline((total - clock.Elapsed) / (_activations.Count - a), cancellation);
                for (int round = 1, more = leaves * 4; !share.Token.IsCancellationRequested && more <= leaves * MaxRoundGrowth; round++, more *= 4)
                {
                    // Nearest to stable first: the near bound's share of the neuron's width.
                    var again = Unstable(l, u).OrderBy(j => Math.Min(u[j], -l[j]) / (u[j] - l[j])).ToArray();
                    if (again.Length == 0) break;
                    int searches = more;
                    Update(again, k => NeuronSides(current, v, again[k], options, searches, 0, share.Token), share.Token);
                }
            }
            if (!l.Zip(u).All(b => b.First <= b.Second)) { state.Infeasible = true; return state; }
            state = Compute(state.InputLower, state.InputUpper, BoundMode.AlphaCrown, state.Splits, state, _producer[v] + 1, refine: true, null, cancellation);

            // Searches neurons[k] in order, two at a time at most per core, and intersects l and u with the bounds found.
            void Update(int[] neurons, Func<int, (double Lower, double Upper)> search, CancellationToken token)
            {
                var found = Enumerable.Repeat((Lower: double.NegativeInfinity, Upper: double.PositiveInfinity), neurons.Length).ToArray();
                int next = -1;
                Parallel.For(0, Environment.ProcessorCount, _ =>
                {
                    for (int k; (k = Interlocked.Increment(ref next)) < neurons.Length && !token.IsCancellationRequested;) found[k] = search(k);
                });
                for (int k = 0; k < neurons.Length; k++)
                    (l[neurons[k]], u[neurons[k]]) = (Math.Max(l[neurons[k]], found[k].Lower), Math.Min(u[neurons[k]], found[k].Upper));
            }
        }
        return state;
    }

    /// <summary>The last round's sub-domains per neuron over <c>leaves</c>: their queues are held in memory.</summary>
    private const int MaxRoundGrowth = 16;

    private static int[] Unstable(double[] l, double[] u) => Enumerable.Range(0, l.Length).Where(j => l[j] < 0 && u[j] > 0).ToArray();

    /// <summary>
    /// Bounds of value[neuron]: its near side (the bound closer to 0) searched with <paramref name="near"/>
    /// sub-domains, then the far side with <paramref name="far"/> unless the near one made the neuron stable (0: not at all).
    /// </summary>
    private (double Lower, double Upper) NeuronSides(BoundState state, int v, int neuron, AlphaOptions options, int near, int far,
        CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return (double.NegativeInfinity, double.PositiveInfinity);
        bool upperNear = state.Upper[v][neuron] < -state.Lower[v][neuron];
        sbyte side = upperNear ? (sbyte)-1 : (sbyte)1;
        double nearBound = NeuronSearch(state, v, neuron, side, options, near, cancellation);
        double farBound = nearBound > 0 || far == 0 ? double.NegativeInfinity : NeuronSearch(state, v, neuron, (sbyte)-side, options, far, cancellation);
        return upperNear ? (farBound, -nearBound) : (nearBound, -farBound);
    }

    /// <summary>A lower bound of side * value[neuron] over the state's domain, from at most <paramref name="leaves"/> split sub-domains.</summary>
    private double NeuronSearch(BoundState state, int v, int neuron, sbyte side, AlphaOptions options, int leaves, CancellationToken cancellation)
    {
        var root = NeuronBound(state, v, neuron, side, options, null, double.NegativeInfinity, cancellation);
        if (root.Bound > 0) return root.Bound;
        var queue = new PriorityQueue<(BoundState State, NeuronOptimum Optimum), double>();
        queue.Enqueue((state, root), root.Bound);
        double closed = double.PositiveInfinity;
        int layerOfV = _activationOfValue[v];
        for (int processed = 0; processed < leaves && queue.Count > 0 && !cancellation.IsCancellationRequested; processed++)
        {
            var (s, parent) = queue.Dequeue();
            var (split, j) = SplitCandidate(s, parent.Coefficients, layerOfV);
            if (split < 0) { closed = Math.Min(closed, parent.Bound); continue; }
            var activation = _activations[split];
            foreach (sbyte d in new sbyte[] { 1, -1 })
            {
                var child = Compute(s.InputLower, s.InputUpper, BoundMode.AlphaCrown, s.Splits.With(split, activation.Size, j, d), s,
                    StepsBefore(activation), refine: true, null, cancellation, lastStep: _producer[v]);
                if (child.Infeasible) continue;
                var optimum = NeuronBound(child, v, neuron, side, options, parent.Relaxation, parent.Bound, cancellation);
                if (optimum.Bound > 0) closed = Math.Min(closed, optimum.Bound);
                else queue.Enqueue((child, optimum), optimum.Bound);
            }
        }
        return queue.TryPeek(out _, out var open) ? Math.Min(open, closed) : closed;
    }

    /// <summary>
    /// A lower bound of side * value[neuron] over the state's domain: CROWN's or alpha-beta-CROWN's (warm-started
    /// from the parent's optimum), whichever is higher, and never below the state's own bound or the parent's (both
    /// hold on the sub-domain too). Also the CROWN trace's coefficients, which choose the next split.
    /// </summary>
    private NeuronOptimum NeuronBound(BoundState state, int v, int neuron, sbyte side, AlphaOptions options, RowRelaxation? warm,
        double parentBound, CancellationToken cancellation)
    {
        var row = new double[_size[v]];
        row[neuron] = side;
        var trace = new Trace(_activations.Count);
        double crown = Backward(state, v, (double[])row.Clone(), 1, null, null, trace)[0];
        var optimised = OptimiseRow(state, v, row, double.PositiveInfinity, options, warm, cancellation: cancellation);
        double own = side > 0 ? state.Lower[v][neuron] : -state.Upper[v][neuron];
        return new NeuronOptimum(Math.Max(Math.Max(crown, optimised.Bound), Math.Max(own, parentBound)), trace.Activations, optimised.Variables);
    }

    private sealed record NeuronOptimum(double Bound, double[]?[] Coefficients, RowRelaxation Relaxation);

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
