using Verifier.Core.Analysis;
using Verifier.Core.Bounds;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Tensors;
using Verifier.Lp;
using Verifier.Tests.Bounds;

namespace Verifier.Tests.Lp;

/// <summary>
/// The triangle LP of a ReLU network (<see cref="BoundAnalyzer.TightenByLp"/>) with GLOP: every float32 and float64
/// trace satisfies every row (so the LP relaxes the network as it computes), and the tightened bounds contain every
/// trace whatever the solver claims.
/// </summary>
public class TriangleLpTests
{
    private static readonly LpTighteningOptions Options = new(TimeSpan.FromSeconds(5), 2);

    [Fact]
    public void EveryTraceSatisfiesEveryRowOfTheTriangleProgram()
    {
        var random = new Random(17);
        for (int net = 0; net < 3; net++)
        {
            var graph = TestNetworks.Mlp(730 + net, 6, 16, 16, 16, 3);
            var analyzer = new BoundAnalyzer(graph);
            var (lower, upper) = BoundSoundnessTests.Box(random, 6, 0.5);
            var state = analyzer.Compute(lower, upper, BoundMode.AlphaCrown);
            var (lp, variables) = analyzer.TriangleProgramBelow(state, analyzer.Activations[^1])!.Value;
            for (int s = 0; s < 200; s++)
            {
                var x = BoundSoundnessTests.Sample(random, lower, upper);
                var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
                var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
                AssertSatisfies(lp, variables, name => v32[name].Data.Select(v => (double)v).ToArray(), $"net {net} float32");
                AssertSatisfies(lp, variables, name => v64[name].Data, $"net {net} float64");
            }
        }
    }

    /// <summary>Rows checked in float64 with a margin far below float32's rounding, so a row missing its error term fails.</summary>
    private static void AssertSatisfies(LinearProgram lp, Dictionary<string, int[]> variables, Func<string, double[]> trace, string what)
    {
        var point = new double[lp.VariableCount];
        foreach (var (name, ids) in variables)
        {
            var values = trace(name);
            for (int j = 0; j < ids.Length; j++)
                if (ids[j] >= 0) point[ids[j]] = values[j];
                else Assert.Equal(0, values[j]);
        }
        for (int j = 0; j < lp.VariableCount; j++) Assert.InRange(point[j], lp.VariableLower[j], lp.VariableUpper[j]);
        for (int i = 0; i < lp.RowCount; i++)
        {
            double sum = 0, magnitude = 0;
            for (int e = lp.RowStart[i]; e < lp.RowStart[i + 1]; e++)
            {
                sum += lp.Coefficients[e] * point[lp.Columns[e]];
                magnitude += Math.Abs(lp.Coefficients[e] * point[lp.Columns[e]]);
            }
            double margin = 1e-13 * magnitude;
            Assert.True(sum >= lp.RowLower[i] - margin && sum <= lp.RowUpper[i] + margin, $"{what}: row {i} = {sum:R} outside [{lp.RowLower[i]:R}, {lp.RowUpper[i]:R}]");
        }
    }

    [Fact]
    public void TightenedBoundsContainEveryTraceAndAreNeverLooser() => AssertSoundTightening(new OrToolsLpSolver(), minimumGain: 1e-9);

    /// <summary>Bounds taken from the lying solver's claimed optimum (100 too good) would exclude every trace.</summary>
    [Fact]
    public void ALyingSolverCostsTightnessNeverSoundness()
    {
        var lying = new LyingLpSolver(new OrToolsLpSolver(), seed: 3);
        AssertSoundTightening(lying, minimumGain: 0);
        Assert.True(lying.Calls > 20);
    }

    private static void AssertSoundTightening(ILinearProgramSolver solver, double minimumGain)
    {
        var random = new Random(23);
        double gain = 0;
        for (int net = 0; net < 3; net++)
        {
            var graph = TestNetworks.Mlp(740 + net, 6, 20, 20, 20, 4);
            var analyzer = new BoundAnalyzer(graph);
            var (lower, upper) = BoundSoundnessTests.Box(random, 6, 0.4);
            var reference = analyzer.Compute(lower, upper, BoundMode.AlphaCrown);
            var tight = analyzer.TightenByLp(analyzer.Compute(lower, upper, BoundMode.AlphaCrown), solver, Options, default, out var report);
            Assert.False(tight.Infeasible);
            Assert.True(report.Solved > 0);
            foreach (var layer in analyzer.Activations.Skip(1))
            {
                var (r, t) = (reference.ActivationInput(layer), tight.ActivationInput(layer));
                for (int j = 0; j < layer.Size; j++)
                {
                    Assert.True(t.Lower[j] >= r.Lower[j] && t.Upper[j] <= r.Upper[j], $"net {net} {layer.InputName}[{j}] looser");
                    gain += r.Upper[j] - r.Lower[j] - (t.Upper[j] - t.Lower[j]);
                }
            }
            BoundSoundnessTests.AssertSampledTracesInside(graph, tight, lower, upper, random, $"net {net} LP-tightened");
        }
        Assert.True(gain >= minimumGain, $"total width gained {gain}");
    }

    [Fact]
    public void GlopDualsHaveTheSignsTheSafeBoundExpects()
    {
        var (lp, objective) = SafeLinearBoundTests.SmallProgram();
        using var session = new OrToolsLpSolver().Load(lp);
        var solution = session.Minimize(objective, TimeSpan.FromSeconds(5), default);
        Assert.Equal(LinearProgramStatus.Optimal, solution.Status);
        Assert.Equal(1.5, solution.RowDuals[0], 9);
        Assert.Equal(-0.5, solution.RowDuals[1], 9);
        Assert.InRange(SafeLinearBound.Minimum(session, lp, objective, TimeSpan.FromSeconds(5), default), 1.25 - 1e-9, 1.25);
    }

    [Fact]
    public void OnlyAffineAndReluNetworksGoToTheLp()
    {
        Assert.True(new BoundAnalyzer(TestNetworks.Mlp(1, 4, 8, 8, 2)).SupportsTriangleLp);
        Assert.False(new BoundAnalyzer(TestNetworks.Mlp(1, 4, 8, 2)).SupportsTriangleLp);
        Assert.False(new BoundAnalyzer(TestNetworks.ConvNet(1)).SupportsTriangleLp);
    }

    [Fact]
    public void ACancelledLpTighteningKeepsTheBoundsItStartedFrom()
    {
        var graph = TestNetworks.Mlp(750, 6, 20, 20, 4);
        var analyzer = new BoundAnalyzer(graph);
        var (lower, upper) = BoundSoundnessTests.Box(new Random(3), 6, 0.4);
        var reference = analyzer.Compute(lower, upper, BoundMode.AlphaCrown);
        var tight = analyzer.TightenByLp(analyzer.Compute(lower, upper, BoundMode.AlphaCrown), new OrToolsLpSolver(), Options,
            new CancellationToken(canceled: true), out _);
        foreach (var layer in analyzer.Activations)
        {
            Assert.Equal(reference.ActivationInput(layer).Lower, tight.ActivationInput(layer).Lower);
            Assert.Equal(reference.ActivationInput(layer).Upper, tight.ActivationInput(layer).Upper);
        }
    }
}
