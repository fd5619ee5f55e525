using Verifier.Compute.Attacks;
using Verifier.Core.Analysis;
using Verifier.Core.Graph;
using Verifier.Core.Numerics;
using Verifier.Core.Operators;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Attacks;

public class SpecMarginPgdTests
{
    /// <summary>y = x0 + x1: its maximum over a box is at the upper corner.</summary>
    private static NetworkGraph Sum()
    {
        var net = new TestNetworks(new Shape(1, 2), 0);
        net.Then(new Gemm(ConstantTensor.FromFloats(new Shape(1, 2), [1, 1]), null, 1f, 1f, false));
        return net.Build();
    }

    /// <summary>The case "y &gt;= threshold" (as -y &lt;= -threshold) over the given box.</summary>
    private static PropertyCase AtLeast(double threshold, double[] lower, double[] upper) =>
        new(new InputBox(lower.Select(Literal.Of).ToArray(), upper.Select(Literal.Of).ToArray()),
            [new OutputClause([new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(-1) }, Literal.Of(-threshold))])]);

    private static readonly FalsifierOptions Options = new(Seed: 3, Restarts: 8, Steps: 40);

    [Fact]
    public void FindsThePointAtTheCornerAndStaysInTheBox()
    {
        // The box bounds are not float32 values: the witness must still lie inside in both precisions.
        var problem = AtLeast(0.59, [0.1, 0.1], [0.3, 0.3]);
        var x = new SpecMarginPgd().Search(Sum(), problem, Options, CancellationToken.None);
        Assert.NotNull(x);
        Assert.True(problem.Box.Contains(x));
        Assert.True(problem.Box.Contains(x.Select(v => (double)(float)v).ToArray()));
        var property = new SafetyProperty("t", 2, 1, [problem]);
        Assert.NotNull(WitnessCheck.Validate(Sum(), property, x, out var reason));
    }

    [Fact]
    public void NeverLeavesTheBoxToReachAnUnreachableThreshold()
    {
        // The maximum over the box is 0.6 (up to float rounding of the corner), so 0.61 is out of reach.
        Assert.Null(new SpecMarginPgd().Search(Sum(), AtLeast(0.61, [0.1, 0.1], [0.3, 0.3]), Options, CancellationToken.None));
    }

    [Fact]
    public void DecidesBoundsExactlyWhereTheirDoubleIsRoundedAcross()
    {
        // The lower bound is just above 0.5, but its double is 0.5: the point 0.5 is outside the box.
        Assert.True(Rational.TryParseDecimal("0.5000000000000000000000001", out var justAbove));
        // Only points at the lower corner reach y <= 1.0000002, so the search is pressed against that bound.
        var box = new InputBox([Literal.Of(justAbove), Literal.Of(justAbove)], [Literal.Of(0.6), Literal.Of(0.6)]);
        var low = new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(1) }, Literal.Of(1.0000002));
        var x = new SpecMarginPgd().Search(Sum(), new PropertyCase(box, [new OutputClause([low])]), Options, CancellationToken.None);
        Assert.NotNull(x);
        Assert.All(x, v => Assert.True(Rational.FromDouble(v) > justAbove));
    }

    [Fact]
    public void KeepsSearchingWithFreshRestartsUntilTheBudgetIsSpent()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var options = Options with { Budget = TimeSpan.FromMilliseconds(300) };
        Assert.Null(new SpecMarginPgd().Search(Sum(), AtLeast(0.61, [0.1, 0.1], [0.3, 0.3]), options, CancellationToken.None));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.3, 30);
    }

    [Fact]
    public void PicksTheSatisfiableClauseOfADisjunction()
    {
        // Clause A: y <= -5 (impossible on [0,1]^2). Clause B: 1.5 <= y <= 1.9.
        var box = new InputBox([Literal.Of(0), Literal.Of(0)], [Literal.Of(1), Literal.Of(1)]);
        var impossible = new OutputClause([new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(1) }, Literal.Of(-5))]);
        var reachable = new OutputClause([
            new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(-1) }, Literal.Of(-1.5)),
            new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(1) }, Literal.Of(1.9)),
        ]);
        var problem = new PropertyCase(box, [impossible, reachable]);
        var x = new SpecMarginPgd().Search(Sum(), problem, Options, CancellationToken.None);
        Assert.NotNull(x);
        Assert.InRange(x[0] + x[1], 1.5, 1.9);
    }

    [Fact]
    public void TheFirstRestartBeginsAtTheGivenStart()
    {
        // 1.2344 <= y <= 1.2346 on [0, 1]^2: a band that one sign step from the centre jumps over.
        var box = new InputBox([Literal.Of(0), Literal.Of(0)], [Literal.Of(1), Literal.Of(1)]);
        var band = new OutputClause([
            new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(-1) }, Literal.Of(-1.2344)),
            new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(1) }, Literal.Of(1.2346)),
        ]);
        var problem = new PropertyCase(box, [band]);
        var oneStep = new FalsifierOptions(Seed: 1, Restarts: 1, Steps: 1);
        Assert.Null(new SpecMarginPgd().Search(Sum(), problem, oneStep, CancellationToken.None));
        var x = new SpecMarginPgd().Search(Sum(), problem, oneStep with { Start = [0.6, 0.6345] }, CancellationToken.None);
        Assert.NotNull(x);
        Assert.Equal([0.6f, 0.6345f], x.Select(v => (float)v));
    }

    [Fact]
    public void IsDeterministicForASeed()
    {
        var graph = TestNetworks.Mlp(8, 5, 12, 12, 3);
        var box = new InputBox(Enumerable.Repeat(Literal.Of(-1), 5).ToArray(), Enumerable.Repeat(Literal.Of(1), 5).ToArray());
        // Somewhere in the box output 0 exceeds output 1 by 0.5.
        var row = new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(-1), [1] = Literal.Of(1) }, Literal.Of(-0.5));
        var problem = new PropertyCase(box, [new OutputClause([row])]);
        var options = new FalsifierOptions(Seed: 11, Restarts: 6, Steps: 30);
        var first = new SpecMarginPgd().Search(graph, problem, options, CancellationToken.None);
        var second = new SpecMarginPgd().Search(graph, problem, options, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Equal(first, second);
    }
}
