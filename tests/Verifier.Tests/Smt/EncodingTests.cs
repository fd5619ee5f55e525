using Verifier.Core.Bounds;
using Verifier.Core.Encoding;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Numerics;
using Verifier.Core.Operators;
using Verifier.Core.Specifications;
using Verifier.Core.Tensors;
using Verifier.Smt;

namespace Verifier.Tests.Smt;

/// <summary>
/// With the input fixed to a float32 point, the encoding must admit the float32 execution exactly (it
/// contains every float32 behaviour), stay within rounding slack of the float64 evaluation, and exclude
/// outputs far from it (it is not vacuous).
/// </summary>
public class EncodingTests
{
    public static TheoryData<string, int> Networks => new()
    {
        { "mlp", 1 }, { "mlp", 2 }, { "mlp", 3 }, { "conv-max", 4 }, { "conv-max", 5 }, { "conv-average", 6 }, { "conv-padded", 12 },
        { "mixed", 7 }, { "mixed", 8 }, { "mixed", 9 }, { "acas-like", 10 },
    };

    internal static NetworkGraph Build(string kind, int seed) => kind switch
    {
        "mlp" => TestNetworks.Mlp(seed, 3, 8, 8, 2),
        "conv-max" => TestNetworks.ConvNet(seed, maxPool: true),
        "conv-average" => TestNetworks.ConvNet(seed, maxPool: false),
        "mixed" => TestNetworks.Mixed(seed),
        "conv-padded" => TestNetworks.PaddedConvNet(seed),
        // ACAS Xu's input and output sizes and depth, narrower: exact LRA on full width is too slow for a unit test.
        _ => TestNetworks.Mlp(seed, 5, 16, 16, 16, 16, 16, 16, 5),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Encoding_at_a_fixed_input_reproduces_the_evaluator(string kind, int seed)
    {
        var graph = Build(kind, seed);
        var random = new Random(seed);
        var x = Enumerable.Range(0, graph.InputShape.ElementCount).Select(_ => (double)(float)(random.NextDouble() * 2 - 1)).ToArray();
        var y32 = Evaluator.EvaluateFlat<float>(graph, x.Select(v => (float)v).ToArray()).Select(v => (double)v).ToArray();
        var y64 = Evaluator.EvaluateFlat<double>(graph, x);
        var box = new InputBox(x.Select(Literal.Of).ToArray(), x.Select(Literal.Of).ToArray());

        // The float32 execution is a solution.
        using (var q = new Query(graph, box, null))
        {
            for (int j = 0; j < y32.Length; j++) q.Assert(j, Relation.Equal, y32[j]);
            Assert.Equal(Z3Status.Sat, q.Solver.Check());
        }
        // Any solution is within the rounding slack of the float64 evaluation.
        using (var q = new Query(graph, box, GenerousBounds(graph, x)))
        {
            Assert.Equal(Z3Status.Sat, q.Solver.Check());
            for (int j = 0; j < y64.Length; j++)
                Assert.True(Math.Abs(q.Output(j) - y64[j]) <= 1e-4 * (1 + Math.Abs(y64[j])), $"output {j}: encoding {q.Output(j)}, evaluator {y64[j]}");
        }
        // Outputs clearly away from the evaluation are excluded.
        using (var q = new Query(graph, box, null))
        {
            q.Assert(0, Relation.GreaterOrEqual, y64[0] + 1e-3 * (1 + Math.Abs(y64[0])));
            Assert.Equal(Z3Status.Unsat, q.Solver.Check());
        }
    }

    [Fact]
    public void Given_bounds_are_asserted()
    {
        var graph = TestNetworks.Mlp(11, 3, 8, 2);
        var x = new double[] { 0.25, -0.5, 0.125 };
        var y = Evaluator.EvaluateFlat<double>(graph, x);
        var box = new InputBox(x.Select(Literal.Of).ToArray(), x.Select(Literal.Of).ToArray());
        // Bounds that exclude the true output make the sub-problem infeasible.
        var bounds = new NetworkBounds(new Dictionary<string, ValueBounds> { [graph.Output] = new(y.Select(v => v + 1).ToArray(), y.Select(v => v + 2).ToArray()) });
        using var q = new Query(graph, box, bounds);
        Assert.Equal(Z3Status.Unsat, q.Solver.Check());
    }

    [Fact]
    public void Non_linear_operators_are_refused_by_name()
    {
        var builder = new NetworkGraphBuilder("test", "engine").AddInput("x", new Shape(1, 2))
            .AddNode(new Node("squash", new Sigmoid(), ["x"], ["y"])).AddOutput("y");
        var graph = builder.Build();
        var box = new InputBox([Literal.Of(0), Literal.Of(0)], [Literal.Of(1), Literal.Of(1)]);
        using var z3 = new Z3Context();
        var e = Assert.Throws<NotEncodableException>(() => NetworkEncoder.Encode(graph, new Z3EncodingSink(z3, z3.Solver()), box, null));
        Assert.Contains("Sigmoid 'squash'", e.Message);
    }

    /// <summary>Evaluator values at the point, widened far beyond any rounding: sound, and exercises the intersection.</summary>
    private static NetworkBounds GenerousBounds(NetworkGraph graph, double[] x)
    {
        var values = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x));
        return new NetworkBounds(values.ToDictionary(kv => kv.Key, kv => new ValueBounds(
            kv.Value.Data.Select(v => v - 0.5 - Math.Abs(v)).ToArray(), kv.Value.Data.Select(v => v + 0.5 + Math.Abs(v)).ToArray())));
    }

    /// <summary>A network encoded into a fresh context.</summary>
    private sealed class Query : IDisposable
    {
        private readonly Z3Context _z3 = new();
        private readonly Z3EncodingSink _sink;
        private readonly EncodedNetwork _network;

        public Query(NetworkGraph graph, InputBox box, NetworkBounds? bounds)
        {
            Solver = _z3.Solver(TimeSpan.FromSeconds(20), simple: true);
            _sink = new Z3EncodingSink(_z3, Solver);
            _network = NetworkEncoder.Encode(graph, _sink, box, bounds);
        }

        public Z3Solver Solver { get; }

        public void Assert(int output, Relation relation, double value) =>
            _sink.AddLinear([new Term(new Rational(1, 1), _network.Output.Variables![output])], relation, Rational.FromDouble(value));

        public double Output(int j) => Solver.Value(_sink[_network.Output.Variables![j]]).ToDouble();

        public void Dispose() => _z3.Dispose();
    }
}
