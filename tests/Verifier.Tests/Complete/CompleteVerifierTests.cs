using Verifier.Complete;
using Verifier.Core.Analysis;
using Verifier.Core.Bounds;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Tests.Bounds;

namespace Verifier.Tests.Complete;

public class CompleteVerifierTests
{
    private static readonly CompleteOptions Quick = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Unsafe iff c . y &lt;= bound somewhere in [-1, 1]^n.</summary>
    internal static SafetyProperty Property(int inputs, int outputs, double[] c, double bound)
    {
        var box = new InputBox(Enumerable.Repeat(Literal.Of(-1.0), inputs).ToArray(), Enumerable.Repeat(Literal.Of(1.0), inputs).ToArray());
        var row = new OutputConstraint(c.Select((v, j) => (j, v)).Where(p => p.v != 0).ToDictionary(p => p.j, p => Literal.Of(p.v)), Literal.Of(bound));
        return new SafetyProperty("test.vnnlib", inputs, outputs, [new PropertyCase(box, [new OutputClause([row])])]);
    }

    /// <summary>c . y over a dense grid of [-1, 1]^n, in float32 and float64.</summary>
    private static List<double> GridValues(NetworkGraph graph, int inputs, double[] c, int perAxis)
    {
        var values = new List<double>();
        int total = (int)Math.Pow(perAxis, inputs);
        for (int k = 0; k < total; k++)
        {
            var x = new double[inputs];
            for (int i = 0, rest = k; i < inputs; i++, rest /= perAxis) x[i] = -1 + 2.0 * (rest % perAxis) / (perAxis - 1);
            var y64 = Evaluator.EvaluateFlat<double>(graph, x);
            var y32 = Evaluator.EvaluateFlat<float>(graph, x.Select(v => (float)v).ToArray());
            values.Add(c.Select((v, j) => v * y64[j]).Sum());
            values.Add(c.Select((v, j) => v * y32[j]).Sum());
        }
        return values;
    }

    /// <summary>c . y at uniformly random points of [-1, 1]^n, in float64.</summary>
    internal static List<double> RandomValues(NetworkGraph graph, int inputs, double[] c, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var y = Evaluator.EvaluateFlat<double>(graph, Enumerable.Range(0, inputs).Select(_ => random.NextDouble() * 2 - 1).ToArray());
            return c.Select((v, j) => v * y[j]).Sum();
        }).ToList();
    }

    /// <summary>Also with every sub-domain's intermediate bounds optimised (<see cref="CompleteOptions.InputSplitIntermediateAlpha"/>).</summary>
    [Theory]
    [InlineData(2, 0, false)]
    [InlineData(3, 1, false)]
    [InlineData(4, 2, false)]
    [InlineData(5, 3, false)]
    [InlineData(3, 4, true)]
    [InlineData(5, 5, true)]
    public void InputSplittingAloneDecidesLowDimensionalCasesAndAgreesWithGridSampling(int inputs, int seed, bool optimiseIntermediate)
    {
        var options = optimiseIntermediate ? Quick with { InputSplitIntermediateFromDepth = 1, InputSplitIntermediateEvery = 1 } : Quick;
        var graph = TestNetworks.Mlp(seed, inputs, 10, 10, 3);
        double[] c = [1, -1, 0];
        var samples = GridValues(graph, inputs, c, inputs switch { <= 2 => 41, 3 => 15, 4 => 8, _ => 5 });
        double min = samples.Min(), range = samples.Max() - min;
        foreach (double bound in new[] { min - 0.3 * range, min - 0.05 * range, min + 0.05 * range })
        {
            var property = Property(inputs, 3, c, bound);
            var result = new CompleteVerifier(null, null).Verify(graph, property, options);
            Assert.True(result.Verdict is Verdict.Verified or Verdict.Falsified, $"bound {bound}: {result.Verdict} ({result.Detail})");
            if (result.Verdict == Verdict.Verified)
                Assert.DoesNotContain(samples, v => v <= bound);
            else
                Assert.NotNull(WitnessCheck.Validate(graph, property, result.Witness!.Input, out _));
            if (bound > min) Assert.Equal(Verdict.Falsified, result.Verdict);
        }
    }

    /// <summary>
    /// Also with the root's intermediate bounds tightened from the start (After 0), and with the memory guard at 0
    /// bytes: no sub-domain keeps its parent, every one is bounded within the case's root, and the search still
    /// decides what it decides with inheritance.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ReluSplittingWithoutSolverStaysSoundOnWiderInputs(bool tightenAtOnce, bool noInheritance)
    {
        var graph = TestNetworks.Mlp(9, 12, 16, 16, 3);
        double[] c = [1, 0, -1];
        var samples = RandomValues(graph, 12, c, 3000, seed: 1);
        double min = samples.Min(), range = samples.Max() - min;
        var options = Quick with
        {
            InputSplitMaxDimension = 4, RootTightening = tightenAtOnce ? new RootTightening(After: 0) : Quick.RootTightening,
            InheritBoundsMaxBytes = noInheritance ? 0 : Quick.InheritBoundsMaxBytes,
        };
        foreach (double bound in new[] { min - 0.5 * range, min - 0.02 * range, min + 0.05 * range })
        {
            var property = Property(12, 3, c, bound);
            var result = new CompleteVerifier(null, null).Verify(graph, property, options);
            if (result.Verdict == Verdict.Verified) Assert.DoesNotContain(samples, v => v <= bound);
            if (result.Verdict == Verdict.Falsified) Assert.NotNull(WitnessCheck.Validate(graph, property, result.Witness!.Input, out _));
            if (bound > min) Assert.Equal(Verdict.Falsified, result.Verdict);
            else Assert.True(result.Verdict is Verdict.Verified or Verdict.Falsified, $"bound {bound:R}: {result.Verdict} ({result.Detail}, {result.Statistics.Domains} sub-domains)");
        }
    }

    /// <summary>
    /// The restart that tightens the root's intermediate bounds starts from the root as first bounded: its bounds and
    /// searches are not repeated (the minimiser search from the root's minimiser runs once), and the restarted root's
    /// children are bounded on their own, so the case is still decided (here by a sub-domain's point checks: the
    /// falsifier finds nothing).
    /// </summary>
    [Fact]
    public void TighteningRestartStartsFromTheBoundedRoot()
    {
        var graph = TestNetworks.Mlp(9, 12, 16, 16, 3);
        double[] c = [1, 0, -1];
        var samples = RandomValues(graph, 12, c, 3000, seed: 1);
        double min = samples.Min(), range = samples.Max() - min;
        var falsifier = new CountsRootMinimiserSearches();
        // Restarted once the first root is bounded (10 ms in): After 0 would tighten the root at once, without a restart.
        var options = Quick with { InputSplitMaxDimension = 4, RootTightening = new RootTightening(After: 0.001) };
        double bound = min - 0.02 * range;
        var property = Property(12, 3, c, bound);
        var result = new CompleteVerifier(null, falsifier).Verify(graph, property, options);
        Assert.True(result.Verdict is Verdict.Verified or Verdict.Falsified, $"{result.Verdict} ({result.Detail})");
        if (result.Verdict == Verdict.Verified) Assert.DoesNotContain(samples, v => v <= bound);
        else Assert.NotNull(WitnessCheck.Validate(graph, property, result.Witness!.Input, out _));
        Assert.True(result.Statistics.Domains > 2, $"{result.Statistics.Domains} sub-domains: the root alone closed the case");
        Assert.Equal(1, falsifier.RootStarts);
    }

    /// <summary>Finds nothing; counts the searches started at a depth-0 domain's minimiser (seed 0, a start point).</summary>
    private sealed class CountsRootMinimiserSearches : IFalsifier
    {
        public int RootStarts;

        public double[]? Search(NetworkGraph graph, PropertyCase problem, FalsifierOptions options, CancellationToken cancellation)
        {
            if (options.Start is not null && options.Seed == 0) Interlocked.Increment(ref RootStarts);
            return null;
        }
    }

    /// <summary>Claims whatever it is told to, to check that only validated points can falsify.</summary>
    private sealed class LyingSolver(Verdict verdict, double[]? candidate) : IExactSolver, IFalsifier
    {
        public int Calls;
        public TimeSpan LongestTimeout;

        public ExactResult Solve(NetworkGraph graph, PropertyCase problem, NetworkBounds bounds, TimeSpan timeout, CancellationToken cancellation)
        {
            Interlocked.Increment(ref Calls);
            lock (this) LongestTimeout = timeout > LongestTimeout ? timeout : LongestTimeout;
            Assert.True(bounds.Values.ContainsKey(graph.Output));
            return new ExactResult(verdict, candidate);
        }

        public double[]? Search(NetworkGraph graph, PropertyCase problem, FalsifierOptions options, CancellationToken cancellation) => candidate;
    }

    /// <summary>Finds nothing on its first call and the given point on every later one.</summary>
    private sealed class SecondTimeLucky(double[] point) : IFalsifier
    {
        public int Calls;

        public double[]? Search(NetworkGraph graph, PropertyCase problem, FalsifierOptions options, CancellationToken cancellation) =>
            Interlocked.Increment(ref Calls) == 1 ? null : point;
    }

    /// <summary>Runs until the deadline and throws, as a real attack does when cancelled.</summary>
    private sealed class RunsUntilCancelled : IFalsifier
    {
        public int Calls;

        public double[]? Search(NetworkGraph graph, PropertyCase problem, FalsifierOptions options, CancellationToken cancellation)
        {
            Interlocked.Increment(ref Calls);
            cancellation.WaitHandle.WaitOne();
            cancellation.ThrowIfCancellationRequested();
            return null;
        }
    }

    [Fact]
    public void AnAttackCutOffByTheDeadlineGivesTimeoutNotAnException()
    {
        var graph = TestNetworks.Mlp(9, 12, 16, 16, 3);
        double[] c = [1, 0, -1];
        double min = RandomValues(graph, 12, c, 200, seed: 2).Min();
        var falsifier = new RunsUntilCancelled();
        var result = new CompleteVerifier(null, falsifier).Verify(graph, Property(12, 3, c, min + 1e-3),
            Quick with { Timeout = TimeSpan.FromSeconds(1), FalsifierShare = 1, FalsifierCap = TimeSpan.FromSeconds(5) });
        Assert.Equal(1, falsifier.Calls);
        Assert.Equal(Verdict.Timeout, result.Verdict);
        // Alone this answers in about 1.0 s; in the full suite of a fresh-clone CI run (2 cores shared with the
        // tests running beside it) it answered in 1.59 s. The budget contract itself is checked out of process
        // (DeadlineProcessTests); here only a hang must fail.
        Assert.InRange(result.Statistics.Elapsed.TotalSeconds, 0.9, 2.5);
    }

    [Fact]
    public void TheLateAttackRunsOnceAfterItsDelayAndItsPointIsValidated()
    {
        var graph = TestNetworks.Mlp(4, 3, 8, 8, 3);
        double[] c = [1, -1, 0];
        var x = new double[3];
        var y = Evaluator.EvaluateFlat<double>(graph, x);
        var property = Property(3, 3, c, c.Select((v, j) => v * y[j]).Sum() + 1e-3);
        var options = Quick with { LocalSearchSteps = 0, LateAttackAfter = TimeSpan.Zero };

        var lucky = new SecondTimeLucky(x);
        var result = new CompleteVerifier(null, lucky).Verify(graph, property, options);
        Assert.Equal(Verdict.Falsified, result.Verdict);
        Assert.Contains("late attack", result.Detail);
        Assert.Equal(2, lucky.Calls);

        var later = new SecondTimeLucky(x);
        var notYet = new CompleteVerifier(null, later).Verify(graph, property, options with { LateAttackAfter = TimeSpan.FromHours(1) });
        Assert.DoesNotContain("late attack", notYet.Detail);
        Assert.Equal(1, later.Calls);

        // A point that does not violate the property is not a counterexample, late or not.
        var safe = Property(3, 3, c, GridValues(graph, 3, c, 11).Min() - 100);
        var wrong = new CompleteVerifier(null, new SecondTimeLucky(x)).Verify(graph, safe, options);
        Assert.Equal(Verdict.Verified, wrong.Verdict);
    }

    [Fact]
    public void UnvalidatedCandidatesFromSolverOrFalsifierNeverFalsify()
    {
        var graph = TestNetworks.Mlp(4, 3, 8, 8, 3);
        double[] c = [1, -1, 0];
        double min = GridValues(graph, 3, c, 11).Min();
        var property = Property(3, 3, c, min - 100);
        var liar = new LyingSolver(Verdict.Falsified, [0, 0, 0]);
        var result = new CompleteVerifier(liar, liar).Verify(graph, property, Quick with { SolverUnstableLimit = 1000 });
        Assert.Equal(Verdict.Verified, result.Verdict);
    }

    [Fact]
    public void TheExactSolverClosesSmallSubProblemsAndGetsTheRemainingTime()
    {
        var graph = TestNetworks.Mlp(6, 10, 12, 12, 3);
        double[] c = [1, -1, 0];
        var samples = RandomValues(graph, 10, c, 2000, seed: 3);
        var property = Property(10, 3, c, samples.Min() - 0.2 * (samples.Max() - samples.Min()));
        var solver = new LyingSolver(Verdict.Verified, null);
        var options = Quick with { InputSplitMaxDimension = 4, SolverUnstableLimit = 1000 };
        var result = new CompleteVerifier(solver, null).Verify(graph, property, options);
        if (result.Verdict == Verdict.Falsified)
        {
            Assert.NotNull(WitnessCheck.Validate(graph, property, result.Witness!.Input, out _));
            return;
        }
        Assert.Equal(Verdict.Verified, result.Verdict);
        Assert.Equal(solver.Calls, result.Statistics.SolverCalls);
        Assert.True(solver.Calls > 0 || result.Statistics.Domains == 1, result.Detail);
        Assert.True(solver.LongestTimeout <= options.Timeout);
    }

    [Fact]
    public void TheTimeBudgetIsRespected()
    {
        var graph = TestNetworks.Mlp(8, 20, 60, 60, 60, 60, 3);
        double[] c = [1, -1, 0];
        var samples = RandomValues(graph, 20, c, 300, seed: 2);
        var property = Property(20, 3, c, samples.Min() - 0.6 * (samples.Max() - samples.Min()));
        var budget = TimeSpan.FromSeconds(1.5);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = new CompleteVerifier(null, null).Verify(graph, property, Quick with { Timeout = budget });
        Assert.True(watch.Elapsed < budget * 1.05 + TimeSpan.FromMilliseconds(100), $"took {watch.Elapsed}");
        // Meant to be hard: 20 inputs and four wide layers over [-1, 1]^20 leave CROWN far from the threshold.
        Assert.True(result.Verdict is Verdict.Timeout or Verdict.Falsified, $"{result.Verdict} after {result.Statistics.Domains} domains");
        if (result.Verdict == Verdict.Falsified) Assert.NotNull(WitnessCheck.Validate(graph, property, result.Witness!.Input, out _));
    }
}
