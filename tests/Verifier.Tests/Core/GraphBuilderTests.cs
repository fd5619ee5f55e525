using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Core;

public class GraphBuilderTests
{
    private static ConstantTensor Matrix(int rows, int cols, Func<int, int, float> f)
    {
        var data = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) data[r * cols + c] = f(r, c);
        return ConstantTensor.FromFloats(new Shape(rows, cols), data);
    }

    private static NetworkGraphBuilder TwoLayer(float weightValue = 0.5f)
    {
        var b = new NetworkGraphBuilder("test.onnx", "test");
        b.AddInput("x", new Shape(1, 3));
        b.AddConstant("w1", Matrix(4, 3, (r, c) => (r - c) * weightValue));
        b.AddConstant("b1", ConstantTensor.FromFloats(new Shape(4), [0.1f, -0.2f, 0.3f, 0f]));
        b.AddConstant("w2", Matrix(2, 4, (r, c) => r == 0 ? c : -c));
        b.AddNode(new Node("fc1", new Gemm(b.Constant("w1")!, b.Constant("b1"), 1, 1, false), ["x", "w1", "b1"], ["h"]));
        b.AddNode(new Node("relu", new Relu(), ["h"], ["r"]));
        b.AddNode(new Node("fc2", new Gemm(b.Constant("w2")!, null, 1, 1, false), ["r", "w2"], ["y"]));
        b.AddOutput("y");
        return b;
    }

    [Fact]
    public void BuildsAndInfersShapes()
    {
        var g = TwoLayer().Build();
        Assert.Equal(new Shape(1, 2), g.OutputShape);
        Assert.Equal(new Shape(1, 4), g.Shapes["h"]);
        Assert.Equal(12 + 4 + 8, g.ParameterCount);
    }

    [Fact]
    public void EvaluatesByHand()
    {
        var g = TwoLayer().Build();
        var y = Evaluator.EvaluateFlat<double>(g, [1, 2, 3]);
        // h = W1 x + b1 with W1[r,c] = (r-c)/2
        // (biases are float32 constants, so compare against their exact float32 values)
        double[] h = [(0 * 1 - 1 * 2 - 2 * 3) * 0.5 + 0.1f, (1 * 1 + 0 - 1 * 3) * 0.5 - 0.2f, (2 + 1 * 2 + 0) * 0.5 + 0.3f, (3 + 2 * 2 + 3) * 0.5];
        var r = h.Select(v => Math.Max(0, v)).ToArray();
        Assert.Equal(r[1] + 2 * r[2] + 3 * r[3], y[0], 12);
        Assert.Equal(-(r[1] + 2 * r[2] + 3 * r[3]), y[1], 12);
    }

    [Fact]
    public void BatchedEvaluationEqualsOneByOne()
    {
        var g = TwoLayer().Build();
        var random = new Random(1);
        var batch = Enumerable.Range(0, 3 * 50).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray();
        var all = Evaluator.EvaluateBatch(g, batch, 50);
        for (int s = 0; s < 50; s++)
            Assert.Equal(Evaluator.EvaluateFlat<float>(g, batch.AsSpan(s * 3, 3)), all[(s * 2)..(s * 2 + 2)]);
    }

    [Fact]
    public void RejectsCycles()
    {
        var b = new NetworkGraphBuilder("cyc.onnx", "test");
        b.AddInput("x", new Shape(1, 2));
        b.AddNode(new Node("a", new BinaryOperator(BinaryKind.Add), ["x", "c"], ["a"]));
        b.AddNode(new Node("b", new Relu(), ["a"], ["c"]));
        b.AddOutput("c");
        var e = Assert.Throws<InputException>(() => b.Build());
        Assert.Contains("cyc.onnx", e.Message);
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void RejectsDanglingAndDuplicateValues()
    {
        var b = new NetworkGraphBuilder("bad.onnx", "test");
        b.AddInput("x", new Shape(1, 2));
        b.AddNode(new Node("r1", new Relu(), ["nowhere"], ["y"]));
        b.AddNode(new Node("r2", new Relu(), ["x"], ["y"]));
        b.AddOutput("y");
        var e = Assert.Throws<InputException>(() => b.Build());
        Assert.Contains("'nowhere'", e.Message);
        Assert.Contains("more than once", e.Message);
    }

    [Fact]
    public void RejectsNonFiniteWeights()
    {
        var b = TwoLayer(float.NaN);
        var e = Assert.Throws<InputException>(() => b.Build());
        Assert.Contains("w1", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void RejectsShapeMismatch()
    {
        var b = new NetworkGraphBuilder("shape.onnx", "test");
        b.AddInput("x", new Shape(1, 5));
        b.AddConstant("w", Matrix(2, 3, (_, _) => 1));
        b.AddNode(new Node("fc", new Gemm(b.Constant("w")!, null, 1, 1, false), ["x", "w"], ["y"]));
        b.AddOutput("y");
        var e = Assert.Throws<InputException>(() => b.Build());
        Assert.Contains("shape mismatch at Gemm 'fc'", e.Message);
    }

    [Fact]
    public void ReshapeKeepsTheBatchWhenEvaluatingMany()
    {
        var b = new NetworkGraphBuilder("reshape.onnx", "test");
        b.AddInput("x", new Shape(1, 2, 3));
        b.AddNode(new Node("r", new Reshape([1, -1]), ["x"], ["y"]));
        b.AddOutput("y");
        var g = b.Build();
        Assert.Equal(new Shape(1, 6), g.OutputShape);
        var y = Evaluator.Evaluate(g, new Tensor<float>(new Shape(4, 2, 3)));
        Assert.Equal(new Shape(4, 6), y.Shape);
    }
}
