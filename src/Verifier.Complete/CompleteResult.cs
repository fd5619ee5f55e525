using Verifier.Core.Bounds;
using Verifier.Core.Results;

namespace Verifier.Complete;

/// <summary>Budget and strategy of the complete verifier.</summary>
public sealed record CompleteOptions
{
    /// <summary>Wall-clock budget for the whole property (all cases, falsification included).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public int Seed { get; init; }

    /// <summary>Bound mode of every sub-domain.</summary>
    public BoundMode Mode { get; init; } = BoundMode.AlphaCrown;

    /// <summary>Optimisation budget of the whole box's spec rows (AlphaCrown mode): every sub-domain starts from it.</summary>
    public AlphaOptions RootAlpha { get; init; } = new(Iterations: 50);

    /// <summary>
    /// Optimisation budget of the intermediate bounds of the whole box under ReLU splitting (null: CROWN's), which
    /// every sub-domain inherits, with the optimised slopes, which sub-domains refine their own intermediate bounds
    /// with. Measured on MNIST-FC 256x4 with the slopes against CROWN's in sub-domains: prop 5 eps 0.03 proven in 90 s
    /// instead of 178 s, prop 10 eps 0.05 in 44 s instead of 172 s, props 13 and 0 eps 0.03 after 57 and 237
    /// sub-domains instead of 235 and 577.
    /// </summary>
    public AlphaOptions? RootIntermediateAlpha { get; init; } = new(Iterations: 20);

    /// <summary>
    /// Optimisation budget per input-split sub-domain. A few steps close as many sub-domains as ten: measured on ACAS
    /// Xu (server GC), 3_3 prop 2 36.8 s with 83,781 sub-domains against 51.0 s with 81,913, 4_2 prop 2 21.1 s
    /// against 25.6 s, 4_9 prop 1 15.8 s against 18.5 s. None is too few: 1_1 prop 5 closes with 2,111 sub-domains
    /// in 1.6 s with 3 steps (1,617 with 10) and stays open past 110 s with plain CROWN.
    /// </summary>
    public AlphaOptions InputSplitAlpha { get; init; } = new(Iterations: 3);

    /// <summary>
    /// Optimisation budget per ReLU-split sub-domain (warm-started from the parent's optimum). The split multipliers
    /// are Lagrange multipliers on the scale of the row's coefficients, far above what 20 steps of 0.1 reach: on
    /// MNIST-FC 256x4 prop 5 eps 0.03, 20 iterations (decay 0.95, beta step 0.1) proved it with 15,703 sub-domains in
    /// 65 s, 60 iterations without decay with beta step 0.2 with 5,051 in 24 s, 0.4 3,605 in 18 s, 0.8 3,549 in 17 s,
    /// 1.6 3,541 in 16 s (30 iterations at 0.8: 5,721 in 23 s; 100 at 0.2: 3,701 in 23 s); prop 10 eps 0.05 took
    /// 1,429 sub-domains and 13 s instead of 2,731 and 20 s.
    /// </summary>
    public AlphaOptions ReluSplitAlpha { get; init; } = new(Iterations: 60, BetaStep: 0.8, Decay: 1.0);

    /// <summary>
    /// Optimisation budget of the intermediate bounds (alpha-CROWN for every unstable neuron's two bounds, as at a
    /// ReLU-splitting root) of the input-split sub-domains at depths <see cref="InputSplitIntermediateFromDepth"/> + k
    /// <see cref="InputSplitIntermediateEvery"/> (null: never); their descendants refine with the optimised slopes.
    /// On the sub-boxes still open at depth 20 of ACAS Xu 4_9 prop 1, CROWN left 96-131 neurons unstable where 20
    /// such steps left 36-57 and 20,000 samples showed 24-30 (the last two layers' widths halved). Measured on 13 slow
    /// instances with all rows of a layer optimised together (5 steps): 79-82 s in all from depth 12 every 5th (4_9
    /// prop 1 16.6 s -> 5.6 s with 3,191 sub-domains instead of 31,117; 3_3 prop 2 39 s -> 28 s with 35,891 instead
    /// of 83,781), 81 s every 4th (3_3 prop 2 32 s), 88 s with 8 steps, 88 s from depth 10 every 3rd, 97 s only once
    /// 2,000 sub-domains were bounded. At every depth the sub-domains fell tenfold but each cost more than ten times
    /// as much; instances closed by depth 15 pay for the first optimised depth (3_5 prop 1 1.6 s -> 2.0-2.3 s).
    /// </summary>
    public AlphaOptions? InputSplitIntermediateAlpha { get; init; } = new(Iterations: 5);

    /// <summary>The first input-split depth whose intermediate bounds are optimised (see <see cref="InputSplitIntermediateAlpha"/>).</summary>
    public int InputSplitIntermediateFromDepth { get; init; } = 12;

    /// <summary>From <see cref="InputSplitIntermediateFromDepth"/> on, every this-many-th depth is optimised.</summary>
    public int InputSplitIntermediateEvery { get; init; } = 5;

    /// <summary>The intermediate bounds' optimisation budget of an input-split sub-domain at this depth (null: CROWN's).</summary>
    public AlphaOptions? InputSplitIntermediate(int depth) =>
        depth >= InputSplitIntermediateFromDepth && (depth - InputSplitIntermediateFromDepth) % Math.Max(1, InputSplitIntermediateEvery) == 0
            ? InputSplitIntermediateAlpha : null;

    /// <summary>Inputs of at most this many dimensions are split; wider inputs split ReLUs.</summary>
    public int InputSplitMaxDimension { get; init; } = 10;

    /// <summary>True when inputs of this many dimensions are split (rather than ReLUs).</summary>
    public bool SplitsInputs(int inputSize) => inputSize <= InputSplitMaxDimension;

    /// <summary>
    /// From this depth on, input splits are chosen by bounding both halves of every dimension cheaply (strong
    /// branching) instead of by the bound's input coefficients. Measured on ACAS Xu: coefficients starve a
    /// dimension on some instances (4_7 prop 1: over 160,000 sub-domains without closing) and estimates mislead
    /// on others (3_5 and 2_7 prop 1: timeouts instead of 2,200 sub-domains); coefficients first and estimates for
    /// domains still open after 20 splits (about 4 halvings per dimension) solved all of them in 2-26 s. The
    /// estimates cost about as much as the rest of a sub-domain; from depth 25 instead of 20, 3_3 prop 2 took 55 s
    /// instead of 104 s, 3_6 prop 1 4 s instead of 29 s and 4_2 prop 2 29 s instead of 49 s (4_7 prop 1: 9 s
    /// instead of 5 s; from depth 30 it took 36 s), 12 slow instances 161 s instead of 256 s in all.
    /// </summary>
    public int EstimatedInputSplitsFromDepth { get; init; } = 25;

    /// <summary>
    /// Descent steps of the falsifier inside each open input-split sub-box (0: none). Measured on ACAS Xu: 5_3
    /// property 2 (sat) falsified after 639 sub-domains instead of a timeout past 37,000; about 10 % more CPU on
    /// properties that hold.
    /// </summary>
    public int LocalSearchSteps { get; init; } = 10;

    /// <summary>
    /// The local and minimiser searches run at every this-many-th depth only (a child's box is half its parent's,
    /// so its neighbours' searches cover it). Measured on ACAS Xu: 10 slow unsat instances 116 s -> 104 s with 3
    /// instead of 1; the 47 sat instances all still falsified (36 s in total against 35 s).
    /// </summary>
    public int LocalSearchEvery { get; init; } = 3;

    /// <summary>
    /// No local search in sub-boxes deeper than this (each dimension halved about depth / d times, so their
    /// centres and vertices, which are checked, sample them densely). On ACAS Xu every counterexample found in a
    /// sub-box was found at depth 14 or less, while the deep sub-boxes of the slow unsat instances paid the search
    /// (3_3 prop 2, up to depth 33: 45.3 s without this limit, 37.6 s with it; the same 83,781 sub-domains).
    /// </summary>
    public int LocalSearchMaxDepth { get; init; } = 21;

    /// <summary>
    /// Steps of the descent started from the worst open row's bound minimiser on each ReLU-split domain (0: off).
    /// Measured on MNIST-FC: 256x2 prop_0 eps 0.05 (sat) falsified in 2.8 s, where restarts from random points
    /// found nothing in 30 s; 4-7 % more time on properties that hold (10 steps: the same cost, found in 3.4 s).
    /// </summary>
    public int MinimiserSearchSteps { get; init; } = 20;

    /// <summary>
    /// A clause of several rows that no single row proves impossible is tried once more with the rows' optimised
    /// weighted sum (AlphaCrown mode), with this budget (null: none).
    /// </summary>
    public AlphaOptions? ClauseAlpha { get; init; } = new(Iterations: 10);

    /// <summary>
    /// Under ReLU splitting, the root's intermediate bounds are tightened by a search per unstable neuron before
    /// branching (null: not). Measured on MNIST-FC with 40 leaves: in the harness, 256x4 prop 5 eps 0.03 goes from
    /// 146 unstable ReLUs to 89 and the root alone proves it (15.5 s; without: 3,549 sub-domains, 16.5 s), 256x2 prop
    /// 3 eps 0.03 from 84 to 73, proven with 5,403 sub-domains in 24 s (9,047, 33-35 s); with the CLI at VNN-COMP
    /// timeouts, 256x6 props 5, 12 and 13 eps 0.03 are unsat in 52-63, 65-81 and 46-64 s over three runs (all
    /// timeouts at 300 s without).
    /// </summary>
    public RootTightening? RootTightening { get; init; } = new();

    /// <summary>
    /// Before <see cref="RootTightening"/>'s search, the triangle LP (safe bounds from the LP solver's duals) tightens
    /// the root's intermediate bounds of affine+ReLU networks (null: not; needs an LP solver). Off by default: on
    /// MNIST-FC it gains next to nothing over the root's alpha-CROWN bounds (the LP of the same relaxation is what
    /// optimised slopes converge to) and costs the search time; numbers in src/Verifier.Lp/README.md.
    /// </summary>
    public LpTighteningOptions? RootLp { get; init; }

    /// <summary>ReLU branching looks ahead at this many of the best BaBSR candidates (1: BaBSR alone).</summary>
    public int ReluBranchingCandidates { get; init; } = 8;

    /// <summary>
    /// A sub-domain with at most this many unstable ReLUs goes to the exact solver. On MNIST-FC eps 0.03 the limit is
    /// never reached (256x2 prop 1: 142 unstable at the root, still 99 at depth 35; no call with a limit of 60 either):
    /// there, bounds alone close sub-domains.
    /// </summary>
    public int SolverUnstableLimit { get; init; } = 15;

    /// <summary>
    /// A sub-domain this deep goes to the exact solver whatever its unstable count. Off by default: measured on
    /// ACAS Xu, Z3 4.8 stalls on sub-domains with many unstable ReLUs and can overrun its own timeout.
    /// </summary>
    public int SolverDepth { get; init; } = int.MaxValue;

    /// <summary>Share of the budget given to the falsifier before branch and bound.</summary>
    public double FalsifierShare { get; init; } = 0.1;

    /// <summary>
    /// At most this long for the attack before bounds are tried: most violations are found within a second,
    /// and properties that hold should not pay for a long attack (branch and bound still checks points).
    /// </summary>
    public TimeSpan FalsifierCap { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The attack's cap when inputs are split (at most <see cref="InputSplitMaxDimension"/> dimensions): every
    /// sub-box is point-checked there, which is a search of its own. Measured on the 47 sat ACAS Xu instances:
    /// all found with 0.3 s as with 1.5 s (49 s against 43 s in total), while each of the 132 unsat ones saves 1.2 s;
    /// and again with 0.03 s (31 s against 35 s with 0.3 s, the sub-box checks find the rest), so 0.05 s.
    /// </summary>
    public TimeSpan InputSplitFalsifierCap { get; init; } = TimeSpan.FromSeconds(0.05);

    /// <summary>
    /// Input splitting: once the search has run this long, the falsifier gets <see cref="LateAttackBudget"/> on the
    /// whole case, once. Measured on ACAS Xu 1_9 prop 7 (sat): the attack finds it in 1-2 s, branch and bound not
    /// in 116 s; 8 of the 184 decided instances run longer than 10 s and pay the 3 s.
    /// </summary>
    public TimeSpan LateAttackAfter { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan LateAttackBudget { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Sub-domains bounded in parallel per round (results merged in a fixed order, so runs are deterministic).</summary>
    public int BatchSize { get; init; } = 8;

    public int Parallelism { get; init; } = Math.Max(1, Math.Min(2, Environment.ProcessorCount));

    /// <summary>
    /// Children inherit their parent's bounds (tighter, and fewer neurons to refine) while at most this many
    /// sub-domains are open; beyond, the parents' states are not kept alive (memory guard).
    /// </summary>
    public int InheritBoundsMaxOpen { get; init; } = 100_000;

    /// <summary>
    /// Children inherit while the open sub-domains keep at most about this many bytes of parents' states and warm
    /// starts alive; beyond, they are bounded within the case's root (memory guard). Measured on verivital avgpool
    /// prop 7 eps 0.04 (about 1.5 MB a sub-domain), under the count alone: 8.4 GB peak RSS at 300 s with 7,689 open;
    /// with this guard 1.8 GB. Within the root with the first split layer's steps reused, 60 s bound 1,266
    /// sub-domains there instead of 1,346 (guard at 50 MB);
    /// on MNIST-FC 256x4 prop 3 eps 0.03 (about 80 KB a sub-domain; guard at 100 MB) 7,411 instead of 7,818.
    /// </summary>
    public long InheritBoundsMaxBytes { get; init; } = 1L << 30;

    /// <summary>Open sub-domains beyond which the search gives up (memory guard).</summary>
    public int MaxOpenDomains { get; init; } = 2_000_000;

    /// <summary>Told of the search's state after every batch of sub-domains (on the search's thread: keep it cheap).</summary>
    public Action<SearchProgress>? Progress { get; init; }
}

/// <summary>What the search did.</summary>
public sealed record CompleteStatistics(long Domains, long SolverCalls, long PointChecks, int MaxDepth, TimeSpan Elapsed)
{
    /// <summary>What the root's LP tightening did, when it ran.</summary>
    public LpTighteningReport? RootLp { get; init; }
}

/// <summary>
/// The answer: <see cref="Verdict.Verified"/> only when every sub-domain of every case was closed by sound bounds or
/// the exact solver; <see cref="Verdict.Falsified"/> only with a witness validated by <see cref="WitnessCheck"/>.
/// </summary>
public sealed record CompleteResult(Verdict Verdict, Witness? Witness, CompleteStatistics Statistics, string Detail);

/// <summary>
/// The root's intermediate-bound search: it starts once branching without it has used <paramref name="After"/> of
/// the timeout (the search then starts over from a tightened root), with <paramref name="Leaves"/> sub-domains per
/// neuron on its near side, then deeper searches of the neurons still unstable, within <paramref name="Share"/> of
/// the time left (<see cref="BoundAnalyzer.Tighten"/>), each sub-domain's bound optimised by <see cref="Alpha"/>.
/// </summary>
public sealed record RootTightening(int Leaves = 40, double Share = 0.25, double After = 0.05)
{
    public AlphaOptions Alpha { get; init; } = new(Iterations: 20);
}
