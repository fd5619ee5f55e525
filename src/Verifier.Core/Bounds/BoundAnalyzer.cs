using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Bounds;

/// <summary>
/// Sound bounds of every value of a single-input network over an input box: interval propagation, then CROWN
/// back-substitution for the inputs of activations, relaxed and cut nodes and for the output, then the spec rows as a
/// final linear layer (optionally with optimised ReLU slopes, alpha-CROWN). Back-substitution passes affine nodes,
/// sums, ReLU-like activations (their own optimised path) and nodes that relax themselves into linear bounds
/// (<see cref="Operator.Relax"/>: sigmoid, tanh, MaxPool, Clip); it stops at the rest, the cuts (their intervals;
/// see docs/bounds.md). Precomputes the per-node maps once, so one analyzer serves every sub-domain of a
/// branch-and-bound search; it is thread-safe (all state is per call).
/// </summary>
public sealed partial class BoundAnalyzer
{
    private enum StepKind { Affine, Sum, Activation, Relaxed, Cut }

    private sealed record Step(int Index, Node Node, StepKind Kind, BoundSignature Signature, int[] Inputs, int Output,
        AffineMap? Map, double[]? Coefficients, int[][]? Sources, double Slope, int Activation);

    /// <summary>Back-substitution matrices are processed in chunks of rows of at most this many elements.</summary>
    private const int ChunkElements = 1 << 22;

    /// <summary>A refinement of at least this many (neurons x widest value) elements is split over the cores.</summary>
    private const long ParallelRefineElements = 1 << 20;

    private readonly Dictionary<string, int> _ids = new();
    private readonly List<string> _names = new();
    private readonly List<Step> _steps = new();
    private readonly int[] _producer;
    private readonly int[] _refine;
    private readonly int[] _size;
    private readonly int[] _activationOfValue;
    private readonly bool[] _feedsOnlyRelu;
    private readonly List<ActivationLayer> _activations = new();
    private readonly bool _symbolicPrePass;

    /// <summary>Cut nodes and outputs bigger than this are left to intervals (CROWN there costs size^2).</summary>
    private const int RefineAllLimit = 1024;

    /// <param name="symbolicPrePass">Use the forward symbolic pre-pass for inputs of at most <see cref="SymbolicInputLimit"/> dimensions.</param>
    public BoundAnalyzer(NetworkGraph graph, bool symbolicPrePass = true)
    {
        Graph = graph;
        _symbolicPrePass = symbolicPrePass;
        Id(graph.Input);
        var valueShapes = new List<Shape> { graph.InputShape };
        foreach (var node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(i => graph.Constants.ContainsKey(i) || i.Length == 0 ? -1 : _ids[i]).ToArray();
            var signature = new BoundSignature(
                node.Inputs.Select(i => i.Length == 0 ? Shape.Scalar : graph.Shapes[i]).ToList(),
                node.Inputs.Select(i => graph.Constants.GetValueOrDefault(i)).ToList(),
                graph.Shapes[node.Outputs[0]]);
            int output = Id(node.Outputs[0]);
            valueShapes.Add(signature.OutputShape);
            var op = node.Operator;
            var map = inputs.Count(i => i >= 0) == 1 ? op.AffineBounds(signature) : null;
            var coefficients = map is null ? op.SumCoefficients(signature) : null;
            double? slope = map is null && coefficients is null && inputs.Count(i => i >= 0) == 1 ? op.NegativeSlope : null;
            var kind = map is not null ? StepKind.Affine : coefficients is not null ? StepKind.Sum : slope is not null ? StepKind.Activation
                : inputs.Count(i => i >= 0) == 1 && op.Relaxes ? StepKind.Relaxed : StepKind.Cut;
            int activation = -1;
            if (kind == StepKind.Activation)
            {
                activation = _activations.Count;
                _activations.Add(new ActivationLayer(activation, node.Inputs[0], signature.OutputShape.ElementCount, slope!.Value));
            }
            var sources = coefficients is null ? null
                : signature.InputShapes.Select(s => Broadcasting.SourceIndices(s, signature.OutputShape)).ToArray();
            _steps.Add(new Step(_steps.Count, node, kind, signature, inputs, output, map, coefficients, sources, slope ?? 0, activation));
        }
        OutputId = _ids[graph.Output];
        _size = valueShapes.Select(s => s.ElementCount).ToArray();
        _producer = Enumerable.Repeat(-1, _names.Count).ToArray();
        foreach (var s in _steps) _producer[s.Output] = s.Index;
        _activationOfValue = Enumerable.Repeat(-1, _names.Count).ToArray();
        _refine = new int[_names.Count];
        foreach (var s in _steps)
        {
            if (s.Kind == StepKind.Activation)
            {
                _activationOfValue[s.Inputs[0]] = s.Activation;
                _refine[s.Inputs[0]] = Math.Max(_refine[s.Inputs[0]], 1);
            }
            else if (s.Kind == StepKind.Relaxed && RefinesRelaxedInput(VariableOf(s))) _refine[VariableOf(s)] = 2;
            else if (s.Kind == StepKind.Cut)
                foreach (var i in s.Inputs.Where(i => i >= 0 && _size[i] <= RefineAllLimit)) _refine[i] = 2;
        }
        if (_size[OutputId] <= RefineAllLimit) _refine[OutputId] = 2;
        // Values read by exactly one step, a ReLU (negative slope 0): their dead neurons do not matter downstream.
        var readers = new int[_names.Count];
        foreach (var s in _steps)
            foreach (var i in s.Inputs.Where(i => i >= 0)) readers[i]++;
        _feedsOnlyRelu = Enumerable.Range(0, _names.Count).Select(id => id != OutputId && readers[id] == 1 && _activationOfValue[id] >= 0
            && _activations[_activationOfValue[id]].NegativeSlope == 0).ToArray();
        InputSize = _size[0];
        OutputSize = _size[OutputId];
    }

    public NetworkGraph Graph { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    internal int OutputId { get; }
    internal IReadOnlyList<string> ValueNames => _names;
    public IReadOnlyList<ActivationLayer> Activations => _activations;

    /// <summary>True when back-substitution passes some node by its linear relaxation (<see cref="Operator.Relax"/>).</summary>
    public bool HasRelaxedNodes => _steps.Any(s => s.Kind == StepKind.Relaxed);

    internal int ValueId(string name) => _ids[name];

    private int Id(string name)
    {
        if (_ids.TryGetValue(name, out var id)) return id;
        _ids[name] = _names.Count;
        _names.Add(name);
        return _names.Count - 1;
    }

    /// <summary>
    /// Bounds of every value over the box [lower, upper] under the split decisions. In Crown and AlphaCrown modes
    /// the inputs of activations are tightened by back-substitution (only their unstable neurons: stable ones gain
    /// nothing for the relaxation).
    /// <para>
    /// <paramref name="parent"/>, when given, is the state of a domain that contains this one (a branch-and-bound
    /// parent: a larger box, or fewer split decisions). Its bounds hold here too, so every value is intersected
    /// with them before refinement, which then only works on neurons the parent left unstable. The first
    /// <paramref name="reusedSteps"/> steps must not depend on what differs from the parent (the steps before
    /// a new ReLU decision's layer, same box): their bounds are copied instead of recomputed.
    /// </para>
    /// <para>
    /// <paramref name="optimiseIntermediate"/>, in AlphaCrown mode, also optimises the slopes of every unstable
    /// activation input's two bounds, neuron by neuron (alpha-CROWN for intermediate layers; costly, meant for the
    /// root of a search, whose bounds every sub-domain inherits). The optimised slopes are kept with the state and
    /// passed on to every state computed from it as a parent: their refinement uses them, one set per neuron and
    /// side, instead of CROWN's adaptive slopes. Once <paramref name="cancellation"/> is cancelled, neurons not
    /// optimised yet keep their CROWN bounds (sound, looser), so a deadline is not overrun.
    /// </para>
    /// <para>
    /// Without <paramref name="refineOutput"/> the output keeps its interval bounds: for callers that bound their
    /// spec rows over the output by back-substitution anyway (<see cref="SpecBounds"/>), refining the output's
    /// elements first costs two more rows per element.
    /// </para>
    /// </summary>
    public BoundState Compute(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, BoundMode mode, ReluSplits? splits = null,
        BoundState? parent = null, int reusedSteps = 0, AlphaOptions? optimiseIntermediate = null, CancellationToken cancellation = default,
        bool refineOutput = true) =>
        Compute(lower, upper, mode, splits, parent, reusedSteps, refine: true, mode == BoundMode.AlphaCrown ? optimiseIntermediate : null, cancellation,
            refineOutput: refineOutput);

    /// <summary>
    /// A cheap estimate for branching decisions: the forward passes (interval, symbolic) intersected with the
    /// parent's bounds, without back-substitution for intermediate values. Sound, only looser.
    /// </summary>
    public BoundState Estimate(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, BoundState parent) =>
        Compute(lower, upper, BoundMode.Crown, parent.Splits, parent, 0, refine: false, null, default);

    private BoundState Compute(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, BoundMode mode, ReluSplits? splits,
        BoundState? parent, int reusedSteps, bool refine, AlphaOptions? intermediate, CancellationToken cancellation, int lastStep = int.MaxValue,
        bool refineOutput = true)
    {
        if (lower.Length != InputSize || upper.Length != InputSize)
            throw new ArgumentException($"box has {lower.Length} dimensions, the network takes {InputSize}");
        if (parent is not null && parent.Analyzer != this) throw new ArgumentException("the parent state belongs to another analyzer");
        var state = new BoundState(this, _names.Count, _steps.Count, splits ?? ReluSplits.None);
        if (parent is not null) state.IntermediateSlopes = parent.IntermediateSlopes;
        state.Lower[0] = lower.ToArray();
        state.Upper[0] = upper.ToArray();
        if (!Finalise(state, 0, mode)) return state;
        var symbolic = mode != BoundMode.Interval && _symbolicPrePass && InputSize <= SymbolicInputLimit ? new Symbolic(this, state) : null;
        if (parent is null || symbolic is not null) reusedSteps = 0;
        foreach (var step in _steps)
        {
            if (step.Index > lastStep) break;
            if (step.Index < reusedSteps)
            {
                state.Lower[step.Output] = (double[])parent!.Lower[step.Output].Clone();
                state.Upper[step.Output] = (double[])parent.Upper[step.Output].Clone();
                state.Errors[step.Index] = parent.Errors[step.Index];
                state.Relaxations[step.Index] = parent.Relaxations[step.Index];
                if (!Finalise(state, step.Output, BoundMode.Interval)) return state;
                continue;
            }
            var (lo, hi) = Forward(state, step);
            state.Lower[step.Output] = lo;
            state.Upper[step.Output] = hi;
            symbolic?.Apply(step);
            if (parent?.Lower[step.Output] is { } inheritedLower) Intersect(lo, hi, inheritedLower, parent.Upper[step.Output]);
            bool refined = refine && step.Index < lastStep && (refineOutput || step.Output != OutputId);
            if (!Finalise(state, step.Output, refined ? mode : BoundMode.Interval, intermediate, cancellation)) return state;
        }
        return state;
    }

    /// <summary>Steps that a new split decision on the given activation layer leaves unchanged (for <see cref="Compute"/>).</summary>
    public int StepsBefore(ActivationLayer layer) => _producer[_ids[layer.InputName]] + 1;

    private static void Intersect(double[] lower, double[] upper, double[] inheritedLower, double[] inheritedUpper)
    {
        for (int j = 0; j < lower.Length; j++)
        {
            if (inheritedLower[j] > lower[j]) lower[j] = inheritedLower[j];
            if (inheritedUpper[j] < upper[j]) upper[j] = inheritedUpper[j];
        }
    }

    private (double[], double[]) Forward(BoundState state, Step step)
    {
        switch (step.Kind)
        {
            case StepKind.Affine:
            {
                int v = step.Inputs[step.Signature.VariableInput];
                var b = step.Map!.Interval(state.Of(v), out var error);
                state.Errors[step.Index] = error;
                return (b.Lower, b.Upper);
            }
            case StepKind.Sum:
                return SumInterval(state, step);
            case StepKind.Relaxed:
                state.Relaxations[step.Index] = step.Node.Operator.Relax(step.Signature, state.Of(VariableOf(step)));
                goto default;
            default:
            {
                var inputs = step.Inputs.Select((id, k) => id >= 0 ? state.Of(id) : ConstantBounds(step, k)).ToList();
                var b = step.Node.Operator.IntervalBounds(step.Signature, inputs);
                return (b.Lower, b.Upper);
            }
        }
    }

    private static ValueBounds ConstantBounds(Step step, int k)
    {
        var c = step.Signature.Constants[k];
        return c is null ? ValueBounds.Point([0]) : ValueBounds.Point(c.As<double>().Data);
    }

    /// <summary>y = sum c_k x_k: one float32 rounding per addition, so E = gamma_K (sum |c_k| |x_k|max).</summary>
    private static (double[], double[]) SumInterval(BoundState state, Step step)
    {
        int n = step.Signature.OutputShape.ElementCount;
        var lower = new double[n];
        var upper = new double[n];
        var error = new double[n];
        double gamma = Rounding.AffineGamma(step.Inputs.Length + 1);
        for (int k = 0; k < step.Inputs.Length; k++)
        {
            var (l, u, c, src) = (state.Lower[step.Inputs[k]], state.Upper[step.Inputs[k]], step.Coefficients![k], step.Sources![k]);
            for (int o = 0; o < n; o++)
            {
                double a = l[src[o]] * c, b = u[src[o]] * c;
                lower[o] += Math.Min(a, b);
                upper[o] += Math.Max(a, b);
                error[o] += Math.Abs(c) * Rounding.AbsMax(l[src[o]], u[src[o]]);
            }
        }
        for (int o = 0; o < n; o++)
        {
            error[o] = error[o] * gamma + 1e-300;
            lower[o] = Rounding.Down(lower[o] - error[o]);
            upper[o] = Rounding.Up(upper[o] + error[o]);
        }
        state.Errors[step.Index] = error;
        return (lower, upper);
    }

    /// <summary>Refines a freshly bounded value by CROWN and applies split decisions; false when the domain is empty.</summary>
    private bool Finalise(BoundState state, int id, BoundMode mode, AlphaOptions? intermediate = null, CancellationToken cancellation = default)
    {
        if (mode != BoundMode.Interval && _refine[id] > 0 && _producer[id] >= 0) Refine(state, id, onlyUnstable: _refine[id] == 1);
        if (intermediate is not null && _activationOfValue[id] >= 0 && HasSlopesBelow(id)) OptimiseUnstable(state, id, intermediate, cancellation);
        var (l, u) = (state.Lower[id], state.Upper[id]);
        int layer = _activationOfValue[id];
        var decisions = layer >= 0 ? state.Splits.Layer(layer) : null;
        for (int j = 0; j < l.Length; j++)
        {
            if (decisions is not null && decisions[j] > 0) l[j] = Math.Max(l[j], 0);
            else if (decisions is not null && decisions[j] < 0) u[j] = Math.Min(u[j], 0);
            if (!(l[j] <= u[j]))
            {
                state.Infeasible = true;
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// True when back-substitution from the value passes an activation, whose slopes alpha-CROWN could optimise.
    /// Without one its CROWN bound is all there is: on fashion-cnn-adv the first convolution's 994 unstable outputs
    /// took 4.1 s of optimisation that could not move them, out of a root's 60 s.
    /// </summary>
    private bool HasSlopesBelow(int id) => _steps.Any(s => s.Kind == StepKind.Activation && s.Index < _producer[id]);

    /// <summary>CROWN bounds of the chosen elements of a value: row 2r bounds x_j from below, row 2r+1 bounds -x_j.</summary>
    private void Refine(BoundState state, int id, bool onlyUnstable)
    {
        var (l, u) = (state.Lower[id], state.Upper[id]);
        int n = l.Length;
        var chosen = Enumerable.Range(0, n).Where(j => !onlyUnstable || (l[j] < 0 && u[j] > 0)).ToArray();
        if (chosen.Length == 0) return;
        int widest = MaxSizeUpTo(id);
        var (perChunk, chunks, parallel) = NeuronChunks(chosen.Length, widest, (long)chosen.Length * widest >= ParallelRefineElements);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = parallel }, chunk =>
        {
            int start = chunk * perChunk;
            int count = Math.Min(perChunk, chosen.Length - start);
            var lease = new ScratchArrays.Lease();
            var lambda = lease.Zeroed(2 * count * n);
            for (int r = 0; r < count; r++)
            {
                lambda[2 * r * n + chosen[start + r]] = 1;
                lambda[(2 * r + 1) * n + chosen[start + r]] = -1;
            }
            var bounds = Backward(state, id, lambda, 2 * count, InheritedSlopes(state, id, chosen.AsSpan(start, count)), null, null);
            lease.Release();
            for (int r = 0; r < count; r++)
            {
                int j = chosen[start + r];
                l[j] = Math.Max(l[j], bounds[2 * r]);
                u[j] = Math.Min(u[j], -bounds[2 * r + 1]);
            }
        });
    }

    /// <summary>
    /// Chunks of neurons whose two back-substitution rows each (of <paramref name="elementsPerRow"/> elements held
    /// at once) are processed together: at most <see cref="ChunkElements"/> elements a chunk, and with
    /// <paramref name="parallel"/> one chunk per core at least, each a share of the memory one chunk would take (the
    /// root of a CNN is bounded by one domain alone, so this is what keeps both cores busy there).
    /// </summary>
    private static (int PerChunk, int Chunks, int Parallelism) NeuronChunks(int neurons, long elementsPerRow, bool parallel)
    {
        int cores = parallel ? Math.Max(1, Environment.ProcessorCount) : 1;
        int perChunk = (int)Math.Max(1, Math.Min(ChunkElements / cores / (2 * elementsPerRow), (neurons + cores - 1) / cores));
        return (perChunk, (neurons + perChunk - 1) / perChunk, cores);
    }

    /// <summary>
    /// alpha-CROWN for the unstable elements of an activation input: each neuron's lower bound (row e_j) and upper
    /// bound (row -e_j) with their own slopes, stopping once the neuron is proven stable. Where a row's values below
    /// hold at most <see cref="RowsTogetherMaxElements"/> elements, the rows of a chunk of neurons are optimised
    /// together (<see cref="OptimiseNeuronRows"/>), else one neuron at a time (<see cref="OptimiseNeuron"/>). Chunks run
    /// in parallel; every bound is sound, so the order of the intersections does not matter.
    /// </summary>
    private void OptimiseUnstable(BoundState state, int id, AlphaOptions options, CancellationToken cancellation)
    {
        var (l, u) = (state.Lower[id], state.Upper[id]);
        int n = l.Length;
        var unstable = Enumerable.Range(0, n).Where(j => l[j] < 0 && u[j] > 0).ToArray();
        if (unstable.Length == 0) return;
        var lower = new double[unstable.Length];
        var upper = new double[unstable.Length];
        var slopes = new double[]?[]?[2 * n];
        // A row's trace and forward pass keep a vector of every value below: those are what a chunk holds at once.
        long rowElements = TotalSizeUpTo(id);
        bool together = rowElements <= RowsTogetherMaxElements;
        var (perChunk, chunks, parallel) = together ? NeuronChunks(unstable.Length, rowElements, parallel: true) : (1, unstable.Length, -1);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = parallel }, chunk =>
        {
            int start = chunk * perChunk, count = Math.Min(perChunk, unstable.Length - start);
            var chosen = unstable.AsSpan(start, count).ToArray();
            var (bounds, best) = together ? OptimiseNeuronRows(state, id, chosen, options, cancellation) : OptimiseNeuron(state, id, chosen[0], options, cancellation);
            for (int r = 0; r < count; r++)
            {
                (lower[start + r], upper[start + r]) = (bounds[2 * r], -bounds[2 * r + 1]);
                (slopes[2 * chosen[r]], slopes[2 * chosen[r] + 1]) = (best[2 * r], best[2 * r + 1]);
            }
        });
        state.IntermediateSlopes = state.IntermediateSlopes.With(id, slopes);
        for (int k = 0; k < unstable.Length; k++)
        {
            int j = unstable[k];
            l[j] = Math.Max(l[j], lower[k]);
            u[j] = Math.Min(u[j], upper[k]);
        }
    }

    /// <summary>
    /// Rows whose values below hold at most this many elements are optimised together. Measured with 5 and 20 steps:
    /// on ACAS Xu (610 elements) together halves the cost of the sub-domains that optimise (225 s -> 196 s over the
    /// benchmark); at the root of MNIST-FC 256x4 prop 3 (1,040 elements and more) one neuron at a time took 0.35 s
    /// against 0.44 s together, of resnet_2b prop 2 9.5 s against 12.0 s (the same bounds): there a single row's
    /// forward pass updates the first layer's product by the few inputs that moved and skips dead outputs.
    /// </summary>
    private const long RowsTogetherMaxElements = 1024;

    /// <summary>
    /// One neuron's lower bound, then, unless that proves it active, its upper bound (rows 0 and 1 of the result,
    /// as <see cref="OptimiseNeuronRows"/> returns them; slopes per row and activation layer).
    /// </summary>
    private (double[] Bounds, double[]?[]?[] Slopes) OptimiseNeuron(BoundState state, int id, int j, AlphaOptions options, CancellationToken cancellation)
    {
        var result = (Bounds: new[] { double.NegativeInfinity, double.NegativeInfinity }, Slopes: new double[]?[]?[2]);
        if (cancellation.IsCancellationRequested) return result;
        var row = new double[_size[id]];
        for (int side = 0; side < 2; side++)
        {
            row[j] = side == 0 ? 1 : -1;
            var best = OptimiseRow(state, id, row, 0, options, null, cancellation: cancellation);
            (result.Bounds[side], result.Slopes[side]) = (best.Bound, best.Variables.Slopes);
            if (best.Bound > 0) break;
        }
        return result;
    }

    /// <summary>
    /// Adam on the slopes of rows 2r (e_j) and 2r + 1 (-e_j) of the chosen neurons of value <paramref name="id"/>,
    /// started from the slopes the state inherited (CROWN's where none). Returns each row's best lower bound and the
    /// slopes it was found with. A neuron either of whose rows proves it stable leaves the batch (its other bound
    /// matters no more: the relaxation of a stable neuron is exact). Every evaluated bound comes from
    /// <see cref="Backward"/>, so each is sound whatever the optimiser does; a cancelled search returns the best so far.
    /// </summary>
    private (double[] Bounds, double[]?[]?[] Slopes) OptimiseNeuronRows(BoundState state, int id, int[] chosen, AlphaOptions options, CancellationToken cancellation)
    {
        int n = _size[id];
        var bounds = Enumerable.Repeat(double.NegativeInfinity, 2 * chosen.Length).ToArray();
        var variables = new RowRelaxation(InheritedSlopes(state, id, chosen, adaptiveWhenNoneKept: true)!, new double[]?[_activations.Count]);
        var best = variables.Copy().Slopes;
        var active = Enumerable.Range(0, chosen.Length).ToArray();
        var adam = new Adam(variables);
        var scratch = new IterationScratch(_activations.Count);
        double alphaStep = options.AlphaStep;
        for (int it = 0; it <= options.Iterations; it++, alphaStep *= options.Decay, scratch.Recycle())
        {
            int rows = 2 * active.Length;
            var lambda = new double[rows * n];
            for (int q = 0; q < active.Length; q++) (lambda[2 * q * n + chosen[active[q]]], lambda[(2 * q + 1) * n + chosen[active[q]]]) = (1, -1);
            var trace = new Trace(_activations.Count);
            var bound = Backward(state, id, lambda, rows, variables.Slopes, null, trace, scratch: scratch);
            for (int r = 0; r < rows; r++)
            {
                int original = 2 * active[r / 2] + r % 2;
                if (!(bound[r] > bounds[original])) continue;
                bounds[original] = bound[r];
                foreach (var layer in _activations)
                    if (variables.Slopes[layer.Index] is { } s) Array.Copy(s, r * layer.Size, best[layer.Index]!, original * layer.Size, layer.Size);
            }
            var open = Enumerable.Range(0, active.Length).Where(q => !(bounds[2 * active[q]] > 0 || bounds[2 * active[q] + 1] > 0)).ToArray();
            if (it == options.Iterations || trace.Input is null || cancellation.IsCancellationRequested || open.Length == 0) break;
            adam.Ascend(variables, Gradient(state, id, variables, trace, null, rows, scratch).Gradient, alphaStep, 0, _activations, state.Relaxations);
            if (open.Length == active.Length) continue;
            var keptRows = open.SelectMany(q => new[] { 2 * q, 2 * q + 1 }).ToArray();
            variables = variables.SelectRows(keptRows, _activations);
            adam.KeepRows(keptRows, _activations);
            active = open.Select(q => active[q]).ToArray();
        }
        scratch.Recycle();
        return (bounds, Enumerable.Range(0, bounds.Length).Select(r => RowOf(best, r)).ToArray());
    }

    /// <summary>Row r of per-row slopes (one array per activation layer, rows x layer size), as one set per layer.</summary>
    private double[]?[] RowOf(double[]?[] perRow, int r) =>
        _activations.Select(layer => perRow[layer.Index] is { } s ? s.AsSpan(r * layer.Size, layer.Size).ToArray() : null).ToArray();

    /// <summary>
    /// Per-row slopes for refining the chosen neurons of a value (rows 2r and 2r + 1: lower and upper bound of
    /// chosen[r]) from the optimised ones the state inherited; CROWN's adaptive slopes where none were kept.
    /// Null when the state kept none for this value, unless <paramref name="adaptiveWhenNoneKept"/> (CROWN's throughout then).
    /// </summary>
    private double[]?[]? InheritedSlopes(BoundState state, int id, ReadOnlySpan<int> chosen, bool adaptiveWhenNoneKept = false)
    {
        var kept = state.IntermediateSlopes.Of(id);
        if (kept is null && !adaptiveWhenNoneKept) return null;
        var perLayer = new double[]?[_activations.Count];
        foreach (var layer in _activations)
        {
            int v = _ids[layer.InputName];
            if (_producer[v] >= _producer[id] || state.Lower[v] is not { } l) continue;
            var u = state.Upper[v];
            int n = layer.Size;
            var slopes = perLayer[layer.Index] = new double[2 * chosen.Length * n];
            for (int r = 0; r < 2 * chosen.Length; r++)
            {
                var source = kept?[2 * chosen[r / 2] + r % 2]?[layer.Index];
                for (int j = 0; j < n; j++) slopes[r * n + j] = source?[j] ?? AdaptiveSlope(l[j], u[j], layer.NegativeSlope);
            }
        }
        return perLayer;
    }

    private long TotalSizeUpTo(int id)
    {
        long total = _size[0];
        for (int s = 0; s <= _producer[id]; s++) total += _size[_steps[s].Output];
        return total;
    }

    private int MaxSizeUpTo(int id)
    {
        int m = _size[0];
        for (int s = 0; s <= _producer[id]; s++) m = Math.Max(m, _size[_steps[s].Output]);
        return m;
    }
}
