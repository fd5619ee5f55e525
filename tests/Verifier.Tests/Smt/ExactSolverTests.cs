using Verifier.Core.Bounds;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Smt;

namespace Verifier.Tests.Smt;

/// <summary>
/// On tiny 2-input ReLU networks the exact solver must agree with dense grid sampling: it finds a violation
/// wherever sampling does, and proves the property where the sampled minimum minus the Lipschitz gap of
/// the grid clears the threshold (so the margin is positive for certain, not just on the samples).
/// </summary>
public class ExactSolverTests
{
    private const int GridSide = 101; // spacing 0.02 over [-1, 1]
    private static readonly NetworkBounds NoBounds = new(new Dictionary<string, ValueBounds>());
    private static readonly InputBox Box = new([Literal.Of(-1.0), Literal.Of(-1.0)], [Literal.Of(1.0), Literal.Of(1.0)]);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Agrees_with_dense_grid_sampling(int seed)
    {
        var graph = TestNetworks.Mlp(seed, 2, 8, 1);
        var (min, max) = SampledRange(graph);
        double gap = Lipschitz(graph) * (2.0 / (GridSide - 1)) / 2 + 1e-3;
        var solver = new Z3ExactSolver();

        double violated = min + 0.25 * (max - min);
        var found = solver.Solve(graph, Case(AtMost(violated)), NoBounds, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(found.Verdict == Verdict.Falsified, $"{found.Verdict}: {found.Detail}");
        Assert.True(Box.Contains(found.Candidate));
        double y = Evaluator.EvaluateFlat<double>(graph, found.Candidate)[0];
        Assert.True(y <= violated + 1e-4 * (1 + Math.Abs(violated)), $"candidate output {y} is not below {violated}");

        var proved = solver.Solve(graph, Case(AtMost(min - gap), AtLeast(max + gap)), NoBounds, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(proved.Verdict == Verdict.Verified, $"{proved.Verdict}: {proved.Detail}");

        var either = solver.Solve(graph, Case(AtMost(min - gap), AtLeast(max - 0.25 * (max - min))), NoBounds, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(either.Verdict == Verdict.Falsified, $"{either.Verdict}: {either.Detail}");
    }

    [Fact]
    public void Cancelled_query_reports_timeout()
    {
        var graph = TestNetworks.Mlp(1, 2, 6, 1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = new Z3ExactSolver().Solve(graph, Case(AtMost(0)), NoBounds, TimeSpan.FromSeconds(5), cancelled.Token);
        Assert.Equal(Verdict.Timeout, result.Verdict);
    }

    [Fact]
    public void Non_linear_network_is_unknown_with_the_reason()
    {
        var graph = new NetworkGraphBuilder("test", "engine").AddInput("x", new Verifier.Core.Tensors.Shape(1, 2))
            .AddNode(new Node("t", new Tanh(), ["x"], ["y"])).AddOutput("y").Build();
        var result = new Z3ExactSolver().Solve(graph, Case(AtMost(0)), NoBounds, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(Verdict.Unknown, result.Verdict);
        Assert.Contains("Tanh", result.Detail);
    }

    private static PropertyCase Case(params OutputClause[] clauses) => new(Box, clauses);

    private static OutputClause AtMost(double b) => new([new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(1.0) }, Literal.Of(b))]);
    private static OutputClause AtLeast(double b) => new([new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(-1.0) }, Literal.Of(-b))]);

    private static (double Min, double Max) SampledRange(NetworkGraph graph)
    {
        var inputs = new float[GridSide * GridSide * 2];
        for (int i = 0; i < GridSide; i++)
            for (int j = 0; j < GridSide; j++)
            {
                inputs[(i * GridSide + j) * 2] = -1 + 2f * i / (GridSide - 1);
                inputs[(i * GridSide + j) * 2 + 1] = -1 + 2f * j / (GridSide - 1);
            }
        var y = Evaluator.EvaluateBatch(graph, inputs, GridSide * GridSide);
        return (y.Min(), y.Max());
    }

    /// <summary>Product of the layers' infinity norms: a Lipschitz constant in the max norm (ReLU is 1-Lipschitz).</summary>
    private static double Lipschitz(NetworkGraph graph) => graph.Nodes.Select(n => n.Operator).OfType<AffineOperator>()
        .Aggregate(1.0, (l, op) => l * Enumerable.Range(0, op.OutFeatures).Max(o =>
            op.Weight.Floats!.Skip(o * op.InFeatures).Take(op.InFeatures).Sum(w => Math.Abs((double)w))));
}
