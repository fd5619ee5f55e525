using System.Diagnostics;
using Verifier.Core.Analysis;
using Verifier.Core.Bounds;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;

namespace Verifier.Complete;

/// <summary>The branch-and-bound state of one property: clock, statistics and the per-case loop.</summary>
internal sealed class Search : IDisposable
{
    private readonly NetworkGraph _graph;
    private readonly SafetyProperty _property;
    private readonly BoundAnalyzer _analyzer;
    private readonly CompleteOptions _options;
    private readonly IExactSolver? _solver;
    private readonly IFalsifier? _falsifier;
    private readonly ILinearProgramSolver? _linearSolver;
    private LpTighteningReport? _lpReport;
    private readonly Stopwatch _clock;
    private readonly Deadline _deadline;
    private long _domains, _solverCalls, _pointChecks;
    private int _maxDepth;
    private int _openDomains;

    public Search(NetworkGraph graph, SafetyProperty property, BoundAnalyzer analyzer, CompleteOptions options, IExactSolver? solver,
        IFalsifier? falsifier, ILinearProgramSolver? linearSolver, Stopwatch clock, CancellationToken cancellation)
    {
        (_graph, _property, _analyzer, _options, _solver, _falsifier, _clock) = (graph, property, analyzer, options, solver, falsifier, clock);
        _linearSolver = linearSolver;
        _deadline = new Deadline(Remaining, cancellation);
    }

    public CancellationToken Token => _deadline.Token;

    public void Dispose() => _deadline.Dispose();
    private TimeSpan Remaining => _options.Timeout - _clock.Elapsed is var r && r > TimeSpan.Zero ? r : TimeSpan.Zero;
    public bool OutOfTime => Remaining <= TimeSpan.Zero || _deadline.IsCancellationRequested;

    public CompleteResult Result(Verdict verdict, Witness? witness, string detail) =>
        new(verdict, witness, new CompleteStatistics(_domains, _solverCalls, _pointChecks, _maxDepth, _clock.Elapsed) { RootLp = _lpReport }, detail);

    /// <summary>The only way to a counterexample: a point that <see cref="WitnessCheck"/> accepts.</summary>
    public Witness? Validate(ReadOnlySpan<double> candidate) => WitnessCheck.ClampAndValidate(_graph, _property, candidate, out _);

    /// <summary>Branch and bound over one case.</summary>
    public (Verdict, Witness?, string) Case(int caseIndex)
    {
        var pc = _property.Cases[caseIndex];
        var lower = pc.Box.Lower.Select(v => v.Value).ToArray();
        var upper = pc.Box.Upper.Select(v => v.Value).ToArray();
        if (pc.Clauses.Count == 0)
            return Validate(Centre(lower, upper)) is { } w ? (Verdict.Falsified, w, "the box itself is unsafe") : (Verdict.Unknown, null, "unsafe box did not validate");
        var caseSpec = new CaseSpec(_analyzer, pc);
        var queue = new PriorityQueue<Domain, (double, long)>();
        long sequence = 0;
        var root = new Domain(lower, upper, ReluSplits.None, 0, Enumerable.Range(0, pc.Clauses.Count).ToArray());
        // A root has no bound yet; it is alone in the queue, so its priority orders nothing.
        queue.Enqueue(root, (double.NegativeInfinity, sequence++));
        string? stuck = null;
        (_boundedRoot, _caseRoot) = (null, null);
        var tightening = _options.SplitsInputs(lower.Length) || _options.Mode != BoundMode.AlphaCrown ? null : _options.RootTightening;
        var restartAt = _clock.Elapsed + _options.Timeout * (tightening?.After ?? 0);
        while (queue.Count > 0)
        {
            if (OutOfTime) return (Verdict.Timeout, null, $"{queue.Count} sub-domains open at the deadline");
            if (tightening is not null && _clock.Elapsed >= restartAt)
            {
                // Not closed quickly without it: start over from a root with tightened intermediate bounds.
                (tightening, stuck) = (null, null);
                queue.Clear();
                queue.Enqueue(root with { Tighten = true, Bounded = _boundedRoot }, (double.NegativeInfinity, sequence++));
                _boundedRoot = null;
            }
            if (queue.Count > _options.MaxOpenDomains) return (Verdict.Unknown, null, $"more than {_options.MaxOpenDomains} open sub-domains");
            if (LateAttack(pc) is { } late) return (Verdict.Falsified, late, "counterexample from the late attack");
            Volatile.Write(ref _openDomains, queue.Count);
            Report(caseIndex, queue);
            var batch = new List<Domain>();
            while (batch.Count < _options.BatchSize && queue.TryDequeue(out var d, out _)) batch.Add(d);
            var outcomes = new Outcome[batch.Count];
            Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism },
                k => outcomes[k] = Process(batch[k], caseSpec, pc));
            for (int k = 0; k < outcomes.Length; k++)
            {
                switch (outcomes[k])
                {
                    case Outcome.Violated v: return (Verdict.Falsified, v.Witness, $"counterexample in a sub-domain at depth {batch[k].Depth}");
                    case Outcome.Branched b:
                        foreach (var (child, priority) in b.Children) queue.Enqueue(child, (priority, sequence++));
                        break;
                    case Outcome.Stuck s:
                        if (OutOfTime) return (Verdict.Timeout, null, $"{queue.Count + 1} sub-domains open at the deadline");
                        stuck ??= s.Reason;
                        break;
                }
            }
        }
        return stuck is null ? (Verdict.Verified, null, "closed") : (Verdict.Unknown, null, stuck);
    }

    /// <summary>Tells <see cref="CompleteOptions.Progress"/> where the search of a case stands.</summary>
    public void Report(int caseIndex, PriorityQueue<Domain, (double, long)>? queue = null)
    {
        if (_options.Progress is not { } progress) return;
        double? lowest = queue is not null && queue.TryPeek(out _, out var head) && double.IsFinite(head.Item1) ? head.Item1 : null;
        var stage = queue is null ? SearchStage.Attack : Interlocked.Read(ref _domains) == 0 ? SearchStage.Bounds : SearchStage.BranchAndBound;
        progress(new SearchProgress(stage, caseIndex, _property.Cases.Count, Interlocked.Read(ref _domains), queue?.Count ?? 0,
            Volatile.Read(ref _maxDepth), lowest, _clock.Elapsed));
    }

    private static readonly Outcome.Stuck Late = new("out of time");

    /// <summary>
    /// The case's root as first bounded (ReLU splitting): the restart with tightening starts from it instead of
    /// bounding the same box again (on fashion-cnn-adv that was 10-15 s of intermediate alpha-CROWN out of 60).
    /// </summary>
    private BoundedRoot? _boundedRoot;

    /// <summary>
    /// The state of the case's root (tightened, once restarted): its bounds hold in every sub-domain, so children
    /// that may not keep their parent alive (<see cref="Inherits"/>) are bounded within it instead.
    /// </summary>
    private BoundState? _caseRoot;

    private Outcome Process(Domain domain, CaseSpec spec, PropertyCase pc)
    {
        // Checked between the phases too: past the deadline, a cancelled bound computation returns early, but the
        // next phase would still run in full (measured: 0.19-0.26 s past a 1.5 s budget with the 2 cores overloaded 3x).
        if (OutOfTime) return Late;
        Interlocked.Increment(ref _domains);
        InterlockedMax(ref _maxDepth, domain.Depth);
        bool lowDimensional = _options.SplitsInputs(domain.Lower.Length);
        bool splitRoot = domain.Depth == 0 && !lowDimensional;
        var alpha = domain.Depth == 0 ? _options.RootAlpha : lowDimensional ? _options.InputSplitAlpha : _options.ReluSplitAlpha;
        if (domain.Bounded is not { } bounded)
        {
            if (Bound(domain, spec, pc, splitRoot, alpha, out bounded) is { } settled) return settled;
            if (splitRoot && !domain.Tighten) _boundedRoot = bounded;
        }
        var (state, bounds, open) = bounded;
        // After the root's bounds and searches, which may settle the case without it.
        if (domain.Depth == 0 && domain.Tighten)
        {
            state = TightenRoot(state);
            if (state.Infeasible) return new Outcome.Closed();
            bounds = _analyzer.SpecBounds(state, spec.Linear, _options.Mode, alpha, bounds.Relaxations, spec.Schedule(open), Token);
            open = OpenClauses(open, state, spec, bounds);
            if (open.Length == 0) return new Outcome.Closed();
        }

        if (domain.Depth == 0) _caseRoot = state;
        int unstable = state.UnstableCount();
        // Input splitting alone converges on low-dimensional inputs; Z3 4.8 was measured to ignore its timeout
        // and interrupt on some of those small queries (big rationals), so it only serves ReLU splitting.
        if (_solver is not null && !lowDimensional && (unstable <= _options.SolverUnstableLimit || domain.Depth >= _options.SolverDepth))
        {
            var exact = CallSolver(domain, pc, open, state);
            if (exact is Outcome.Closed or Outcome.Violated) return exact;
        }

        double priority = open.Min(k => spec.Margin(k, bounds.Lower));
        bool inputSplit = lowDimensional || unstable == 0;
        if (!inputSplit)
        {
            var (layer, neuron) = Branching.Relu(state, bounds, spec.Linear, spec.NearestRow(open, bounds.Lower), _options.ReluBranchingCandidates);
            if (layer >= 0)
            {
                var activation = _analyzer.Activations[layer];
                // Within the case's root, what the child may reuse ends at its first split layer, not at this split's.
                bool inherits = Inherits(state, bounds.Relaxations);
                int reusedUpTo = inherits ? layer : Math.Min(layer, domain.Splits.FirstLayer ?? layer);
                var child = domain with { Depth = domain.Depth + 1, Bounded = null, OpenClauses = open, Parent = inherits ? state : _caseRoot,
                    ReusedSteps = _analyzer.StepsBefore(_analyzer.Activations[reusedUpTo]), Warm = inherits ? bounds.Relaxations : null };
                return Children(priority,
                    child with { Splits = domain.Splits.With(layer, activation.Size, neuron, 1) },
                    child with { Splits = domain.Splits.With(layer, activation.Size, neuron, -1) });
            }
        }
        int dim = domain.Depth >= _options.EstimatedInputSplitsFromDepth ? EstimatedBestDimension(domain, state, spec, open) : -1;
        if (dim < 0) dim = Branching.InputDimension(domain, bounds, spec.WorstRow(open, bounds.Lower), spec.RootWidths);
        if (dim < 0) return new Outcome.Stuck("a sub-box too small to split is neither closed nor a counterexample");
        var (leftUpper, rightLower) = Branching.Halves(domain, dim);
        var half = domain with { Depth = domain.Depth + 1, Bounded = null, OpenClauses = open, Parent = Inherits(state, []) ? state : _caseRoot, ReusedSteps = 0 };
        return Children(priority, half with { Upper = leftUpper }, half with { Lower = rightLower });
    }

    /// <summary>
    /// A domain's bounds, spec bounds and open clauses (<paramref name="bounded"/>), then the cheap searches for a
    /// counterexample in it; the outcome when that settles it (closed, violated, out of time), else null.
    /// </summary>
    private Outcome? Bound(Domain domain, CaseSpec spec, PropertyCase pc, bool splitRoot, AlphaOptions alpha, out BoundedRoot bounded)
    {
        bounded = null!;
        bool lowDimensional = _options.SplitsInputs(domain.Lower.Length);
        var crownRoot = splitRoot && !domain.Tighten ? _analyzer.Compute(domain.Lower, domain.Upper, BoundMode.Crown, domain.Splits, cancellation: Token) : null;
        if (crownRoot is not null && ClosedByCrown(crownRoot, domain, spec)) return new Outcome.Closed();
        using var intermediateShare = splitRoot ? new Deadline(Remaining * RootIntermediateShare, Token) : null;
        // CROWN's root bounds hold on the same domain: as the parent they leave refinement only CROWN's unstable neurons.
        // A ReLU-split sub-domain's spec rows are bounded directly, so its output is not refined first (20 rows for
        // 10 outputs; measured, alternating builds: verivital avgpool prop 7 eps 0.04 bounds 936-982 sub-domains in
        // 30 s instead of 720-740, MNIST-FC 256x4 prop 3 eps 0.03 about 20 % more). Roots keep it (the interval of
        // the refined output may beat a row's own CROWN bound), and so does input splitting, where it is cheap.
        var state = _analyzer.Compute(domain.Lower, domain.Upper, _options.Mode, domain.Splits, crownRoot ?? domain.Parent, crownRoot is null ? domain.ReusedSteps : 0,
            IntermediateAlpha(domain, lowDimensional), intermediateShare?.Token ?? Token, refineOutput: lowDimensional || domain.Depth == 0);
        if (state.Infeasible) return new Outcome.Closed();
        if (OutOfTime) return Late;
        var bounds = _analyzer.SpecBounds(state, spec.Linear, _options.Mode, alpha, domain.Warm, spec.Schedule(domain.OpenClauses), Token);
        var open = OpenClauses(domain.OpenClauses, state, spec, bounds);
        if (open.Length == 0) return new Outcome.Closed();
        if (OutOfTime) return Late;
        bounded = new BoundedRoot(state, bounds, open);

        if (CheckPoints(domain, spec, open, bounds) is { } witness) return new Outcome.Violated(witness);
        if (LocalSearch(domain, pc, open) is { } found) return new Outcome.Violated(found);
        if (!lowDimensional && MinimiserSearch(domain, spec, pc, open, bounds) is { } pocket) return new Outcome.Violated(pocket);
        if (OutOfTime) return Late;
        return null;
    }

    /// <summary>
    /// The root's intermediate bounds tightened by a small search per unstable neuron (<see cref="BoundAnalyzer.Tighten"/>),
    /// within a share of the time left; every sub-domain inherits them. Neurons not reached keep their bounds. Only
    /// roots that <see cref="Case"/> marked (tightening on, ReLU splitting, alpha-CROWN) get here. With
    /// <see cref="CompleteOptions.RootLp"/> on an affine+ReLU network, the triangle LP tightens them first, within
    /// the same share, and the search continues from its bounds.
    /// </summary>
    private BoundState TightenRoot(BoundState state)
    {
        var tightening = _options.RootTightening!;
        var budget = Remaining * tightening.Share;
        using var share = new Deadline(budget, Token);
        if (_linearSolver is not null && _options.RootLp is { } lp && _analyzer.SupportsTriangleLp)
        {
            state = _analyzer.TightenByLp(state, _linearSolver, lp, share.Token, out var report);
            _lpReport = report;
            if (state.Infeasible) return state;
        }
        return _analyzer.Tighten(state, tightening.Alpha, tightening.Leaves, share.Token, budget);
    }

    /// <summary>
    /// Whose intermediate bounds are optimised: a ReLU-splitting root's (every sub-domain inherits them) and
    /// input-split sub-domains at the depths <see cref="CompleteOptions.InputSplitIntermediate"/> names.
    /// </summary>
    private AlphaOptions? IntermediateAlpha(Domain domain, bool lowDimensional) =>
        !lowDimensional ? domain.Depth == 0 ? _options.RootIntermediateAlpha : null
        : domain.Depth > 0 ? _options.InputSplitIntermediate(domain.Depth) : null;

    /// <summary>
    /// The share of the time left that optimising the intermediate bounds at the root may take; the neurons not
    /// reached by then keep CROWN's bounds (see <see cref="ClosedByCrown"/> for why).
    /// </summary>
    private const double RootIntermediateShare = 0.25;

    /// <summary>
    /// Plain CROWN first at a ReLU-splitting root: each intermediate neuron's alpha optimisation substitutes through
    /// every layer below, so on a CNN it can take the whole budget where CROWN's bounds alone, in a second or two,
    /// already rule out every clause (fashion-cnn with MaxPool, eps 0.004, image 3: past 30 s; cifar10_resnet
    /// resnet_2b prop 2: CROWN 1.2 s, intermediate alpha 23 s). On fully connected networks the pass costs little.
    /// </summary>
    private bool ClosedByCrown(BoundState state, Domain domain, CaseSpec spec)
    {
        if (state.Infeasible) return true;
        var rows = _analyzer.SpecBounds(state, spec.Linear, BoundMode.Crown).Lower;
        return domain.OpenClauses.All(k => spec.Impossible(k, rows));
    }

    /// <summary>The clauses neither a single row nor a combination of rows proves impossible.</summary>
    private int[] OpenClauses(int[] clauses, BoundState state, CaseSpec spec, SpecBounds bounds) =>
        clauses.Where(k => !spec.Impossible(k, bounds.Lower) && !CombinationProves(state, spec, bounds, k)).ToArray();

    /// <summary>A clause of several rows proven impossible by a weighted sum of its rows (<see cref="BoundAnalyzer.ClauseMargin"/>).</summary>
    private bool CombinationProves(BoundState state, CaseSpec spec, SpecBounds bounds, int clause)
    {
        if (_options.ClauseAlpha is not { } alpha || _options.Mode != BoundMode.AlphaCrown) return false;
        var rows = spec.RowsOf(clause).ToArray();
        return rows.Length > 1 && _analyzer.ClauseMargin(state, spec.Linear, rows, bounds, alpha) > 0;
    }

    /// <summary>
    /// Whether children inherit their parent's state and warm starts: not once the open sub-domains would keep more
    /// than <see cref="CompleteOptions.InheritBoundsMaxBytes"/> alive, each as much as this parent's half (two
    /// children share it), or once more than <see cref="CompleteOptions.InheritBoundsMaxOpen"/> are open. Those that
    /// do not inherit are bounded within the case's root (<see cref="_caseRoot"/>), which is kept anyway.
    /// </summary>
    private bool Inherits(BoundState state, RowRelaxation?[] warm)
    {
        long open = Volatile.Read(ref _openDomains);
        if (open > _options.InheritBoundsMaxOpen) return false;
        long perDomain = (state.RetainedBytes() + RowRelaxation.Bytes(warm)) / 2;
        return open * perDomain <= _options.InheritBoundsMaxBytes;
    }

    /// <summary>
    /// Strong branching on inputs with cheap bounds: every dimension is tried, both halves bounded by
    /// <see cref="BoundAnalyzer.Estimate"/>, and the split whose worse half gets closest to closed wins (the sum
    /// breaks ties). Coefficient-based scores miss dimensions whose width feeds unstable neurons; this sees them.
    /// Returns -1 when no split improves the estimate of the whole domain (the coefficient heuristic decides then),
    /// or when the winner is far narrower than the widest dimension (<see cref="Branching.Balanced"/>).
    /// </summary>
    private int EstimatedBestDimension(Domain domain, BoundState state, CaseSpec spec, int[] open)
    {
        double unsplit = EstimatedMargin(domain.Lower, domain.Upper, state, spec, open);
        int best = -1;
        (double Worse, double Sum) bestScore = (double.NegativeInfinity, double.NegativeInfinity);
        for (int i = 0; i < domain.Lower.Length; i++)
        {
            if (!Branching.Splittable(domain, i)) continue;
            var (upper, lower) = Branching.Halves(domain, i);
            double left = EstimatedMargin(domain.Lower, upper, state, spec, open);
            double right = EstimatedMargin(lower, domain.Upper, state, spec, open);
            var score = (Math.Min(left, right), left + right);
            if (score.Item1 > bestScore.Worse || (score.Item1 == bestScore.Worse && score.Item2 > bestScore.Sum)) (best, bestScore) = (i, score);
        }
        if (best < 0 || !(bestScore.Worse > unsplit)) return -1;
        return Branching.Balanced(domain, best, spec.RootWidths);
    }

    private double EstimatedMargin(double[] lower, double[] upper, BoundState parent, CaseSpec spec, int[] open)
    {
        var estimate = _analyzer.Estimate(lower, upper, parent);
        if (estimate.Infeasible) return double.PositiveInfinity;
        var rows = _analyzer.SpecBounds(estimate, spec.Linear, BoundMode.Crown).Lower;
        return open.Min(k => spec.Margin(k, rows));
    }

    private static Outcome Children(double priority, Domain a, Domain b) => new Outcome.Branched([(a, priority), (b, priority)]);

    /// <summary>
    /// Cheap falsification: the box centre and the vertices that minimise each open row's linear bound. A point is
    /// screened in float64 first and only then validated (float32 and float64 at zero tolerance).
    /// </summary>
    private Witness? CheckPoints(Domain domain, CaseSpec spec, int[] open, SpecBounds bounds)
    {
        var points = new List<double[]> { Centre(domain.Lower, domain.Upper) };
        foreach (var k in open)
            foreach (var r in spec.RowsOf(k))
                if (bounds.Minimizers[r] is { } m) points.Add(m);
        foreach (var x in points)
        {
            Interlocked.Increment(ref _pointChecks);
            var y = Evaluator.EvaluateFlat<double>(_graph, x);
            if (!open.Any(k => spec.Case.Clauses[k].Rows.All(row => row.Slack(y) >= 0))) continue;
            if (Validate(x) is { } w) return w;
        }
        return null;
    }

    /// <summary>
    /// A few descent steps of the falsifier inside an input-split sub-box that bounds did not close: the point
    /// checks only see vertices and the centre, while counterexamples of low-dimensional properties often sit in
    /// small pockets inside. Off for ReLU splitting (the box does not shrink there).
    /// </summary>
    private Witness? LocalSearch(Domain domain, PropertyCase pc, int[] open)
    {
        if (_falsifier is null || _options.LocalSearchSteps <= 0 || !_options.SplitsInputs(domain.Lower.Length) || OutOfTime) return null;
        if (domain.Depth % _options.LocalSearchEvery != 0 || domain.Depth > _options.LocalSearchMaxDepth) return null;
        return Falsify(SubProblem(domain, pc, open), new FalsifierOptions(_options.Seed + domain.Depth, Restarts: 1, Steps: _options.LocalSearchSteps));
    }

    /// <summary>
    /// Under ReLU splitting: a short descent started at the vertex that minimises the worst open row's bound. The
    /// split sub-domains share the whole box, and their minimisers point the attack at the activation patterns the
    /// bounds find most dangerous, which random restarts miss.
    /// </summary>
    private Witness? MinimiserSearch(Domain domain, CaseSpec spec, PropertyCase pc, int[] open, SpecBounds bounds)
    {
        if (_falsifier is null || _options.MinimiserSearchSteps <= 0 || domain.Depth % _options.LocalSearchEvery != 0 || OutOfTime) return null;
        int worst = spec.WorstRow(open, bounds.Lower);
        if (worst < 0 || bounds.Minimizers[worst] is not { } start) return null;
        return Falsify(SubProblem(domain, pc, open), new FalsifierOptions(_options.Seed + domain.Depth, Restarts: 1, Steps: _options.MinimiserSearchSteps, Start: start));
    }

    /// <summary>
    /// The falsifier's candidate on a problem, as a validated witness (null when none, not valid, or cut off by the
    /// deadline: the falsifier throws on cancellation, and a worker must not take its batch down with it).
    /// </summary>
    public Witness? Falsify(PropertyCase problem, FalsifierOptions options)
    {
        if (_falsifier is null) return null;
        try { return _falsifier.Search(_graph, problem, options, Token) is { } candidate ? Validate(candidate) : null; }
        catch (OperationCanceledException) when (Token.IsCancellationRequested) { return null; }
    }

    /// <summary>The domain's box with the clauses still open on it.</summary>
    private static PropertyCase SubProblem(Domain domain, PropertyCase pc, int[] open) =>
        new(new InputBox(domain.Lower.Select(Literal.Of).ToArray(), domain.Upper.Select(Literal.Of).ToArray()), open.Select(k => pc.Clauses[k]).ToArray());

    private bool _lateAttackDone;

    /// <summary>
    /// Once a low-dimensional search has run <see cref="CompleteOptions.LateAttackAfter"/>, one longer attack on
    /// the whole case: the upfront attack is kept short because most properties hold, and this one is only paid by
    /// the searches that last.
    /// </summary>
    private Witness? LateAttack(PropertyCase pc)
    {
        if (_lateAttackDone || _falsifier is null || !_options.SplitsInputs(pc.Box.Dimension) || _clock.Elapsed < _options.LateAttackAfter) return null;
        _lateAttackDone = true;
        var budget = _options.LateAttackBudget < Remaining ? _options.LateAttackBudget : Remaining;
        return Falsify(pc, new FalsifierOptions(_options.Seed + 1, Budget: budget));
    }

    private Outcome? CallSolver(Domain domain, PropertyCase pc, int[] open, BoundState state)
    {
        if (OutOfTime) return null;
        Interlocked.Increment(ref _solverCalls);
        var result = _solver!.Solve(_graph, SubProblem(domain, pc, open), state.ToNetworkBounds(), Remaining, Token);
        if (result.Verdict == Verdict.Verified) return new Outcome.Closed();
        if (result.Verdict == Verdict.Falsified && result.Candidate is not null && Validate(result.Candidate) is { } w) return new Outcome.Violated(w);
        return null;
    }

    private static double[] Centre(double[] lower, double[] upper) => lower.Select((l, i) => l + (upper[i] - l) / 2).ToArray();

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}

/// <summary>All clauses of a case as one linear spec, with the row ranges of each clause.</summary>
public sealed class CaseSpec
{
    private readonly int[] _start;

    public CaseSpec(BoundAnalyzer analyzer, PropertyCase pc)
    {
        Case = pc;
        RootWidths = pc.Box.Lower.Select((l, i) => pc.Box.Upper[i].Value - l.Value).ToArray();
        _start = new int[pc.Clauses.Count + 1];
        for (int k = 0; k < pc.Clauses.Count; k++) _start[k + 1] = _start[k] + pc.Clauses[k].Rows.Count;
        Linear = analyzer.Spec(pc.Clauses.SelectMany(c => c.Rows).ToArray());
    }

    public PropertyCase Case { get; }
    public LinearSpec Linear { get; }

    /// <summary>Widths of the case's box, against which sub-box widths are compared.</summary>
    public double[] RootWidths { get; }

    public IEnumerable<int> RowsOf(int clause) => Enumerable.Range(_start[clause], _start[clause + 1] - _start[clause]);

    /// <summary>How far the clause is from being proven impossible: its best row's lower bound minus threshold (&gt; 0 proven).</summary>
    public double Margin(int clause, double[] lower) =>
        RowsOf(clause).Select(r => lower[r] - Linear.Thresholds[r]).DefaultIfEmpty(double.NegativeInfinity).Max();

    /// <summary>
    /// The order in which a sub-domain's rows are optimised: clauses nearest to proven first, within a clause its
    /// best row first, until one row proves the clause impossible. Once a clause's rows are all tried and it is still
    /// possible, the domain will be split whatever the other clauses' bounds, so optimisation stops there (their
    /// warm starts pass on to the children). Measured on MNIST-FC, where a robustness case has 9 one-row clauses.
    /// </summary>
    public RowSchedule Schedule(int[] open) => (lower, optimised) =>
    {
        foreach (int k in open.OrderByDescending(k => Margin(k, lower)))
        {
            if (Impossible(k, lower)) continue;
            var next = RowsOf(k).Where(r => !optimised[r]).OrderByDescending(r => lower[r] - Linear.Thresholds[r]).ToArray();
            return next.Length > 0 ? next[0] : -1;
        }
        return -1;
    };

    /// <summary>A clause (a conjunction) is impossible when one of its rows provably exceeds its bound.</summary>
    public bool Impossible(int clause, double[] lower) => RowsOf(clause).Any(r => lower[r] > Linear.Thresholds[r]);

    /// <summary>
    /// Within the clause nearest to proven (the one <see cref="Schedule"/> optimised), its best row: the row ReLU
    /// splits work for, so that each subtree closes one clause after another instead of splitting for the worst
    /// clause while optimising the best. Measured on MNIST-FC 256x4 against splitting for the worst row: prop 10
    /// eps 0.05 proven in 21 s with 2,731 sub-domains instead of 34-47 s with 6,261, prop 5 eps 0.03 in 60 s with
    /// 15,703 instead of 71-96 s with 22,475.
    /// </summary>
    public int NearestRow(int[] open, double[] lower) => BestRowOf(open.MaxBy(k => Margin(k, lower)), lower);

    /// <summary>Within the clause furthest from proven, its row closest to being proven: the one to work on.</summary>
    public int WorstRow(int[] open, double[] lower) => BestRowOf(open.MinBy(k => Margin(k, lower)), lower);

    /// <summary>The clause's row closest to being proven (-1 for a clause without rows).</summary>
    private int BestRowOf(int clause, double[] lower)
    {
        var rows = RowsOf(clause).ToArray();
        return rows.Length == 0 ? -1 : rows.MaxBy(r => lower[r] - Linear.Thresholds[r]);
    }
}
