using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Bounds;

/// <summary>Small random networks built directly with <see cref="NetworkGraphBuilder"/>, for bound and BaB tests.</summary>
internal sealed class TestNetworks
{
    private readonly NetworkGraphBuilder _builder;
    private readonly Random _random;
    private string _current = "x";
    private int _next;

    private TestNetworks(int seed, Shape input)
    {
        _random = new Random(seed);
        _builder = new NetworkGraphBuilder($"random-{seed}", "test");
        _builder.AddInput("x", input);
    }

    /// <summary>A fully connected ReLU network: input, hidden widths, outputs.</summary>
    public static NetworkGraph Mlp(int seed, params int[] widths)
    {
        var t = new TestNetworks(seed, new Shape(1, widths[0]));
        for (int k = 1; k < widths.Length; k++)
        {
            t.Dense(widths[k - 1], widths[k]);
            if (k < widths.Length - 1) t.Apply(new Relu());
        }
        return t.Build();
    }

    /// <summary>
    /// Every affine and shape operator in one net: Conv, BatchNormalization, LeakyRelu, AveragePool, a residual Add of
    /// two values, Sub/Mul/Div by constants, Transpose, MaxPool, Flatten, MatMul, Relu and a final Gemm. A side of 4
    /// gives 16 inputs, within reach of the forward symbolic pre-pass; 6 gives 36, beyond it.
    /// </summary>
    public static NetworkGraph ConvNet(int seed, int side = 6)
    {
        var t = new TestNetworks(seed, new Shape(1, 1, side, side));
        t.Conv(1, 2, pad: 1);
        t.BatchNorm(2);
        t.Apply(new LeakyRelu(0.1f));
        var skip = t._current;
        t.Conv(2, 2, pad: 1);
        t.Apply(new Relu());
        t.Binary(BinaryKind.Add, skip);
        t.Apply(new Pool(false, Window(2, 0, 2), countIncludePad: false));
        t.ConstantOp(BinaryKind.Sub, new Shape(1, 2, 1, 1));
        t.ConstantOp(BinaryKind.Mul, new Shape(2, 1, 1));
        t.ConstantOp(BinaryKind.Div, new Shape(1));
        t.Apply(new Transpose([0, 1, 3, 2]));
        t.Apply(new Relu());
        t.Apply(new Pool(true, Window(2, 1, 1), countIncludePad: false));
        t.Apply(new Flatten(1));
        int pooled = side / 2 + 1;
        t.MatMul(2 * pooled * pooled, 6);
        t.Apply(new Relu());
        t.Dense(6, 3);
        return t.Build();
    }

    /// <summary>
    /// Conv, then Pad in every mode (a non-zero constant with a crop, reflect on chosen axes, edge), AveragePool and
    /// Gemm on a 1x1x5x5 input: 2x3x3 after the Conv, 2x6x3, 2x9x6, 2x10x7, pooled to 2x5x3.
    /// </summary>
    public static NetworkGraph PaddedConvNet(int seed)
    {
        var t = new TestNetworks(seed, new Shape(1, 1, 5, 5));
        t.Conv(1, 2, pad: 0);
        t.Apply(new Relu());
        t.Apply(new Pad([0, 0, 1, -1, 0, 0, 2, 1], null, 0.3f, PadMode.Constant));
        t.Apply(new Pad([1, 2, 2, 1], [3, 2], 0, PadMode.Reflect));
        t.Apply(new Pad([0, 0, 1, 0, 0, 0, 0, 1], null, 0, PadMode.Edge));
        t.Apply(new Pool(false, Window(2, 0, 2), countIncludePad: false));
        t.Apply(new Relu());
        t.Apply(new Flatten(1));
        t.Dense(30, 3);
        return t.Build();
    }

    /// <summary>An MLP with the smooth operators that are only bounded by intervals.</summary>
    public static NetworkGraph SmoothNet(int seed)
    {
        var t = new TestNetworks(seed, new Shape(1, 3));
        t.Dense(3, 5);
        t.Apply(new Sigmoid());
        t.Dense(5, 4);
        t.Apply(new Tanh());
        t.Dense(4, 4);
        t.Apply(new Relu());
        t.Dense(4, 3);
        t.Apply(new Softmax(-1, false));
        return t.Build();
    }

    /// <summary>
    /// Conv, Sigmoid, MaxPool, Conv, Tanh, MaxPool, Gemm, Sigmoid, Gemm: every smooth activation and pooling layer
    /// relaxes itself, and each pooling layer reads a smooth one (two relaxed layers in a row). A side of 4 gives 16
    /// inputs (the forward symbolic pre-pass runs), 5 gives 25.
    /// </summary>
    public static NetworkGraph SmoothConvNet(int seed, int side = 5)
    {
        var t = new TestNetworks(seed, new Shape(1, 1, side, side));
        t.Conv(1, 3, pad: 1);
        t.Apply(new Sigmoid());
        t.Apply(new Pool(true, Window(2, 0, 1), countIncludePad: false));
        t.Conv(3, 2, pad: 1);
        t.Apply(new Tanh());
        t.Apply(new Pool(true, Window(2, 1, 2), countIncludePad: false));
        t.Apply(new Flatten(1));
        int pooled = (side - 1) / 2 + 1;
        t.Dense(2 * pooled * pooled, 5);
        t.Apply(new Sigmoid());
        t.Dense(5, 3);
        return t.Build();
    }

    /// <summary>An MLP of the given hidden widths after each of which comes the given activation (a fresh one per layer).</summary>
    public static NetworkGraph ActivationMlp(int seed, Func<Operator> activation, params int[] widths)
    {
        var t = new TestNetworks(seed, new Shape(1, widths[0]));
        for (int k = 1; k < widths.Length; k++)
        {
            t.Dense(widths[k - 1], widths[k]);
            if (k < widths.Length - 1) t.Apply(activation());
        }
        return t.Build();
    }

    /// <summary>Gemm, Tanh, Sigmoid (two smooth layers in a row), Gemm, Clip (per-feature bounds), Gemm, Clip (a lower bound only), Gemm.</summary>
    public static NetworkGraph ClipNet(int seed)
    {
        var t = new TestNetworks(seed, new Shape(1, 3));
        t.Dense(3, 6);
        t.Apply(new Tanh());
        t.Apply(new Sigmoid());
        t.Dense(6, 6);
        var lo = t.RandomFloats(6, 0.5);
        var hi = lo.Select(v => v + (float)t._random.NextDouble()).ToArray();
        t.Add(new Clip(ConstantTensor.FromFloats(new Shape(6), lo), ConstantTensor.FromFloats(new Shape(6), hi)), t._current,
            t.Constant(new Shape(6), lo), t.Constant(new Shape(6), hi));
        t.Dense(6, 5);
        t.Add(new Clip(ConstantTensor.FromFloats(Shape.Scalar, [-0.2f]), null), t._current, t.Constant(Shape.Scalar, [-0.2f]), "");
        t.Dense(5, 3);
        return t.Build();
    }

    private static Window2D Window(int kernel, int pad, int stride) => new(kernel, kernel, stride, stride, pad, pad, pad, pad, 1, 1, "NOTSET");

    private NetworkGraph Build() => _builder.AddOutput(_current).Build();

    private float[] RandomFloats(int n, double scale) =>
        Enumerable.Range(0, n).Select(_ => (float)((_random.NextDouble() * 2 - 1) * scale)).ToArray();

    private string Constant(Shape shape, float[] values)
    {
        var name = $"c{_next++}";
        _builder.AddConstant(name, ConstantTensor.FromFloats(shape, values));
        return name;
    }

    private void Add(Operator op, params string[] inputs)
    {
        var output = $"v{_next++}";
        _builder.AddNode(new Node(output, op, inputs, [output]));
        _current = output;
    }

    private void Apply(Operator op) => Add(op, _current);

    private void Dense(int inputs, int outputs)
    {
        var w = ConstantTensor.FromFloats(new Shape(outputs, inputs), RandomFloats(inputs * outputs, 1.5 / Math.Sqrt(inputs)));
        var b = ConstantTensor.FromFloats(new Shape(outputs), RandomFloats(outputs, 0.5));
        Add(new Gemm(w, b, 1f, 1f, false), _current, Constant(w.Shape, w.Floats!), Constant(b.Shape, b.Floats!));
    }

    private void MatMul(int inputs, int outputs)
    {
        var w = ConstantTensor.FromFloats(new Shape(outputs, inputs), RandomFloats(inputs * outputs, 1.5 / Math.Sqrt(inputs)));
        Add(new MatMul(w, false), _current, Constant(w.Shape, w.Floats!));
    }

    private void Conv(int inChannels, int outChannels, int pad)
    {
        var k = ConstantTensor.FromFloats(new Shape(outChannels, inChannels, 3, 3), RandomFloats(outChannels * inChannels * 9, 0.6));
        var b = ConstantTensor.FromFloats(new Shape(outChannels), RandomFloats(outChannels, 0.3));
        Add(new Conv(k, b, Window(3, pad, 1)), _current, Constant(k.Shape, k.Floats!), Constant(b.Shape, b.Floats!));
    }

    private void BatchNorm(int channels)
    {
        var s = new Shape(channels);
        var variance = RandomFloats(channels, 1).Select(v => Math.Abs(v) + 0.1f).ToArray();
        var parts = new[] { RandomFloats(channels, 2), RandomFloats(channels, 1), RandomFloats(channels, 1), variance };
        var tensors = parts.Select(p => ConstantTensor.FromFloats(s, p)).ToArray();
        Add(new BatchNormalization(tensors[0], tensors[1], tensors[2], tensors[3], 1e-5f),
            [_current, .. parts.Select(p => Constant(s, p))]);
    }

    private void Binary(BinaryKind kind, string other) => Add(new BinaryOperator(kind), _current, other);

    private void ConstantOp(BinaryKind kind, Shape shape)
    {
        var values = RandomFloats(shape.ElementCount, 1).Select(v => kind == BinaryKind.Div ? v + MathF.CopySign(0.5f, v) : v).ToArray();
        Add(new BinaryOperator(kind), _current, Constant(shape, values));
    }
}
