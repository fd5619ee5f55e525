using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Attacks;

/// <summary>Builds small random graphs node by node, naming values automatically.</summary>
internal sealed class TestNetworks
{
    private readonly NetworkGraphBuilder _builder = new("test", "engine");
    private readonly Random _random;
    private int _count;

    public TestNetworks(Shape input, int seed)
    {
        _random = new Random(seed);
        _builder.AddInput("x", input);
        Current = "x";
    }

    /// <summary>The value the next <see cref="Then"/> reads.</summary>
    public string Current { get; private set; }

    public ConstantTensor Random(params int[] dims)
    {
        var shape = new Shape(dims);
        return ConstantTensor.FromFloats(shape, Enumerable.Range(0, shape.ElementCount).Select(_ => (float)(_random.NextDouble() * 2 - 1)).ToArray());
    }

    /// <summary>Applies an operator to the current value (and the given constants, in order).</summary>
    public TestNetworks Then(Operator op, params ConstantTensor[] constants) => Apply(op, [Current, .. constants.Select(Constant)]);

    /// <summary>Applies a binary operator to two data values.</summary>
    public TestNetworks Combine(BinaryKind kind, string left, string right) => Apply(new BinaryOperator(kind), [left, right]);

    public NetworkGraph Build()
    {
        _builder.AddOutput(Current);
        return _builder.Build();
    }

    /// <summary>A dense ReLU network with random weights: sizes[0] inputs, ReLU between layers, logits out.</summary>
    public static NetworkGraph Mlp(int seed, params int[] sizes)
    {
        var net = new TestNetworks(new Shape(1, sizes[0]), seed);
        for (int i = 1; i < sizes.Length; i++)
        {
            net.Then(new Gemm(net.Random(sizes[i], sizes[i - 1]), net.Random(sizes[i]), 1f, 1f, false));
            if (i < sizes.Length - 1) net.Then(new Relu());
        }
        return net.Build();
    }

    private string Constant(ConstantTensor c)
    {
        string name = $"c{_count++}";
        _builder.AddConstant(name, c);
        return name;
    }

    private TestNetworks Apply(Operator op, string[] inputs)
    {
        string output = $"v{_count++}";
        _builder.AddNode(new Node($"n{_count}", op, inputs, [output]));
        Current = output;
        return this;
    }
}
