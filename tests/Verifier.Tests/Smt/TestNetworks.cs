using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Smt;

/// <summary>Small random networks built directly with <see cref="NetworkGraphBuilder"/> for the SMT tests.</summary>
internal sealed class TestNetworks
{
    private readonly Random _random;
    private readonly NetworkGraphBuilder _builder = new("test", "engine");
    private int _counter;

    private TestNetworks(int seed) => _random = new Random(seed);

    private float[] Floats(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((_random.NextDouble() * 2 - 1) * scale)).ToArray();

    private string Node(Operator op, params string[] inputs)
    {
        var output = $"v{_counter++}";
        _builder.AddNode(new Node($"n{_counter}", op, inputs, [output]));
        return output;
    }

    private string Constant(Shape shape, float[] values)
    {
        var name = $"c{_counter++}";
        _builder.AddConstant(name, ConstantTensor.FromFloats(shape, values));
        return name;
    }

    private string Dense(string x, int inputs, int outputs) =>
        Node(new Gemm(ConstantTensor.FromFloats(new Shape(outputs, inputs), Floats(outputs * inputs, 1.5 / Math.Sqrt(inputs))),
            ConstantTensor.FromFloats(new Shape(outputs), Floats(outputs, 0.5)), 1f, 1f, false), x);

    private NetworkGraph Finish(string output) => _builder.AddOutput(output).Build();

    /// <summary>Gemm layers of the given widths with ReLU between them (ACAS Xu has the shape 5, 50 x 6, 5).</summary>
    public static NetworkGraph Mlp(int seed, params int[] widths)
    {
        var t = new TestNetworks(seed);
        t._builder.AddInput("x", new Shape(1, widths[0]));
        string v = "x";
        for (int i = 1; i < widths.Length; i++)
        {
            v = t.Dense(v, widths[i - 1], widths[i]);
            if (i < widths.Length - 1) v = t.Node(new Relu(), v);
        }
        return t.Finish(v);
    }

    /// <summary>Conv 3x3 (pad 1) -> ReLU -> 2x2 pool -> Flatten -> Gemm, on a 1x1x6x6 input.</summary>
    public static NetworkGraph ConvNet(int seed, bool maxPool)
    {
        var t = new TestNetworks(seed);
        t._builder.AddInput("x", new Shape(1, 1, 6, 6));
        var conv = new Conv(ConstantTensor.FromFloats(new Shape(2, 1, 3, 3), t.Floats(18, 0.6)), ConstantTensor.FromFloats(new Shape(2), t.Floats(2, 0.3)),
            new Window2D(3, 3, 1, 1, 1, 1, 1, 1, 1, 1, "NOTSET"));
        var v = t.Node(new Relu(), t.Node(conv, "x"));
        v = t.Node(new Pool(maxPool, new Window2D(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, "NOTSET"), false), v);
        v = t.Node(new Flatten(1), v);
        return t.Finish(t.Dense(v, 18, 3));
    }

    /// <summary>Conv 3x3 -> ReLU -> Pad (constant 0.25 with a crop, reflect, edge) -> 2x2 average pool -> Gemm, on 1x1x4x4.</summary>
    public static NetworkGraph PaddedConvNet(int seed)
    {
        var t = new TestNetworks(seed);
        t._builder.AddInput("x", new Shape(1, 1, 4, 4));
        var conv = new Conv(ConstantTensor.FromFloats(new Shape(2, 1, 3, 3), t.Floats(18, 0.6)), ConstantTensor.FromFloats(new Shape(2), t.Floats(2, 0.3)),
            new Window2D(3, 3, 1, 1, 0, 0, 0, 0, 1, 1, "NOTSET"));
        var v = t.Node(new Relu(), t.Node(conv, "x"));
        v = t.Node(new Pad([0, 0, 1, 2, 0, 0, 1, -1], null, 0.25f, PadMode.Constant), v);
        v = t.Node(new Pad([1, 2], [2], 0, PadMode.Reflect), v);
        v = t.Node(new Pad([1, 1], [-1], 0, PadMode.Edge), v);
        v = t.Node(new Pool(false, new Window2D(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, "NOTSET"), false), v);
        v = t.Node(new Flatten(1), v);
        return t.Finish(t.Dense(v, 12, 3));
    }

    /// <summary>
    /// MatMul, Add/Mul/Div by constants, LeakyRelu, BatchNormalization, Sub of two values, Unsqueeze/Squeeze,
    /// Reshape, Transpose, Flatten, Identity: every other encodable operator once.
    /// </summary>
    public static NetworkGraph Mixed(int seed)
    {
        var t = new TestNetworks(seed);
        t._builder.AddInput("x", new Shape(1, 4));
        var h = t.Node(new MatMul(ConstantTensor.FromFloats(new Shape(6, 4), t.Floats(24, 0.8)), false), "x");
        h = t.Node(new BinaryOperator(BinaryKind.Add), h, t.Constant(new Shape(6), t.Floats(6, 0.3)));
        h = t.Node(new LeakyRelu(0.1f), h);
        h = t.Node(new BatchNormalization(ConstantTensor.FromFloats(new Shape(6), t.Floats(6, 1)), ConstantTensor.FromFloats(new Shape(6), t.Floats(6, 1)),
            ConstantTensor.FromFloats(new Shape(6), t.Floats(6, 1)), ConstantTensor.FromFloats(new Shape(6), t.Floats(6, 1).Select(v => 1 + Math.Abs(v)).ToArray()), 1e-5f), h);
        h = t.Node(new BinaryOperator(BinaryKind.Mul), t.Constant(new Shape(1, 6), t.Floats(6, 2)), h);
        h = t.Node(new BinaryOperator(BinaryKind.Div), h, t.Constant(new Shape(1), [3f]));
        var r = t.Node(new Relu(), h);
        h = t.Node(new BinaryOperator(BinaryKind.Sub), r, h);
        h = t.Node(new Squeeze([1]), t.Node(new Unsqueeze([1]), h));
        h = t.Node(new Reshape([1, 2, 3]), h);
        h = t.Node(new Transpose([0, 2, 1]), h);
        h = t.Node(new Identity("Identity"), t.Node(new Flatten(1), h));
        return t.Finish(t.Dense(h, 6, 2));
    }
}
