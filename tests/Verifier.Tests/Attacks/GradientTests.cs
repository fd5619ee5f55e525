using Verifier.Core.Evaluation;
using Verifier.Core.Gradients;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Attacks;

/// <summary>Reverse-mode gradients against central finite differences in float64, for every operator.</summary>
public class GradientTests
{
    private static Window2D Window(int k, int stride, int pad, int dilation = 1) =>
        new(k, k, stride, stride, pad, pad, pad, pad, dilation, dilation, "NOTSET");

    public static TheoryData<string> Cases => new(CaseGraphs.Keys);

    private static readonly Dictionary<string, Func<NetworkGraph>> CaseGraphs = new()
    {
        ["gemm-relu"] = () => Net(new Shape(1, 4), n => n.Then(new Gemm(n.Random(5, 4), n.Random(5), 0.7f, 1.3f, false)).Then(new Relu())),
        ["gemm-transA"] = () => Net(new Shape(4, 1), n => n.Then(new Gemm(n.Random(3, 4), n.Random(1, 3), 1f, 1f, true))),
        ["matmul-leaky"] = () => Net(new Shape(1, 2, 4), n => n.Then(new MatMul(n.Random(3, 4), false)).Then(new LeakyRelu(0.1f))),
        ["matmul-vector"] = () => Net(new Shape(1, 4), n => n.Then(new MatMul(n.Random(1, 4), true))),
        ["sigmoid-tanh"] = () => Net(new Shape(1, 4), n => n.Then(new Sigmoid()).Then(new Gemm(n.Random(3, 4), null, 1f, 1f, false)).Then(new Tanh())),
        ["softmax-axis"] = () => Net(new Shape(1, 2, 3), n => n.Then(new Softmax(-1, false))),
        ["softmax-coerced"] = () => Net(new Shape(1, 2, 3), n => n.Then(new Softmax(1, true))),
        ["binary-constants"] = () => Net(new Shape(1, 2, 3), n => n
            .Then(new BinaryOperator(BinaryKind.Add), n.Random(3)).Then(new BinaryOperator(BinaryKind.Mul), n.Random(2, 1))
            .Then(new BinaryOperator(BinaryKind.Sub), n.Random(1, 3)).Then(new BinaryOperator(BinaryKind.Div), n.Random(3))),
        ["binary-data"] = () => Net(new Shape(1, 4), n =>
        {
            string x = n.Current;
            string a = n.Then(new Tanh()).Current;
            string b = n.Then(new Sigmoid()).Current;
            string q = n.Combine(BinaryKind.Div, a, b).Current;
            string m = n.Combine(BinaryKind.Mul, q, x).Current;
            string s = n.Combine(BinaryKind.Sub, m, a).Current;
            n.Combine(BinaryKind.Add, s, x);
        }),
        ["conv-stride-pad"] = () => Net(new Shape(1, 2, 5, 5), n => n.Then(new Conv(n.Random(3, 2, 3, 3), n.Random(3), Window(3, 2, 1)))),
        ["conv-dilated"] = () => Net(new Shape(1, 1, 6, 6), n => n.Then(new Conv(n.Random(2, 1, 2, 2), null, Window(2, 1, 0, 2)))),
        ["maxpool"] = () => Net(new Shape(1, 2, 4, 4), n => n.Then(new Pool(true, Window(2, 2, 0), false))),
        ["avgpool-pad"] = () => Net(new Shape(1, 1, 4, 4), n => n.Then(new Pool(false, Window(3, 1, 1), false))),
        ["avgpool-pad-counted"] = () => Net(new Shape(1, 1, 4, 4), n => n.Then(new Pool(false, Window(3, 2, 1), true))),
        ["batchnorm"] = () => Net(new Shape(1, 3, 2, 2), n =>
        {
            var (scale, bias, mean, variance) = (n.Random(3), n.Random(3), n.Random(3), Positive(n.Random(3)));
            n.Then(new BatchNormalization(scale, bias, mean, variance, 1e-5f), scale, bias, mean, variance);
        }),
        ["pad-constant-crop"] = () => Net(new Shape(1, 2, 3, 4), n => n.Then(new Pad([0, 0, 1, -1, 0, 1, -1, 2], null, 0.5f, PadMode.Constant))),
        ["pad-reflect-edge"] = () => Net(new Shape(1, 2, 3, 4), n => n
            .Then(new Pad([2, 3, 1, 2], [-2, 3], 0, PadMode.Reflect)).Then(new Pad([1, 0, 2, 3], [1, 2], 0, PadMode.Edge))),
        ["shape-ops"] = () => Net(new Shape(1, 2, 3), n => n
            .Then(new Transpose([0, 2, 1])).Then(new Unsqueeze([1])).Then(new Squeeze([1])).Then(new Identity("Dropout"))
            .Then(new Flatten(1)).Then(new Reshape([1, 3, 2]), ConstantTensor.FromInts(new Shape(3), [1, 3, 2]))
            .Then(new Flatten(1))
            .Then(new Gemm(n.Random(2, 6), null, 1f, 1f, false))),
    };

    private static ConstantTensor Positive(ConstantTensor c) =>
        ConstantTensor.FromFloats(c.Shape, c.Floats!.Select(v => Math.Abs(v) + 0.1f).ToArray());

    private static NetworkGraph Net(Shape input, Action<TestNetworks> body)
    {
        var n = new TestNetworks(input, 17);
        body(n);
        return n.Build();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesFiniteDifferences(string name)
    {
        var graph = CaseGraphs[name]();
        bool batchable = graph.InputShape[0] == 1;
        var shape = batchable ? graph.InputShape.WithBatch(3) : graph.InputShape;
        var random = new Random(5);
        var x = Enumerable.Range(0, shape.ElementCount).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        int outputsPerRow = graph.OutputShape.ElementCount / graph.OutputShape[0];
        var c = Enumerable.Range(0, outputsPerRow).Select(_ => random.NextDouble() * 2 - 1).ToArray();

        var analytic = GraphGradient.OfLinear(graph, new Tensor<double>(shape, x), c).InputGradient.Data;

        double F(double[] point)
        {
            var y = Evaluator.Evaluate(graph, new Tensor<double>(shape, point)).Data;
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += c[i % c.Length] * y[i];
            return s;
        }
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (F(plus) - F(minus)) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 + 1e-5 * Math.Abs(numeric),
                $"{name}: element {i} analytic {analytic[i]} numeric {numeric}");
        }
    }

    [Fact]
    public void Float32GradientAgreesWithFloat64()
    {
        var graph = TestNetworks.Mlp(3, 6, 8, 8, 3);
        var random = new Random(1);
        var shape = graph.InputShape.WithBatch(5);
        var x = Enumerable.Range(0, shape.ElementCount).Select(_ => random.NextDouble()).ToArray();
        double[] c = [1, -2, 0.5];
        var g64 = GraphGradient.OfLinear(graph, new Tensor<double>(shape, x), c).InputGradient.Data;
        var g32 = GraphGradient.OfLinear(graph, new Tensor<double>(shape, x).Cast<float>(), c.Select(v => (float)v).ToArray()).InputGradient.Data;
        for (int i = 0; i < g64.Length; i++) Assert.Equal(g64[i], g32[i], 1e-4);
    }

    [Fact]
    public void BatchRowsAreIndependent()
    {
        // Each row's gradient is that row's own: evaluating a row alone gives the same numbers bit for bit.
        var graph = TestNetworks.Mlp(4, 9, 7, 4);
        var random = new Random(2);
        var shape = graph.InputShape.WithBatch(6);
        var x = Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble()).ToArray();
        float[] c = [1, 0, -1, 2];
        var batch = GraphGradient.OfLinear(graph, new Tensor<float>(shape, x), c);
        for (int r = 0; r < 6; r++)
        {
            var row = GraphGradient.OfLinear(graph, new Tensor<float>(graph.InputShape, x.AsSpan(r * 9, 9).ToArray()), c);
            Assert.Equal(row.InputGradient.Data, batch.InputGradient.Data.AsSpan(r * 9, 9).ToArray());
            Assert.Equal(row.Output.Data, batch.Output.Data.AsSpan(r * 4, 4).ToArray());
        }
    }
}
