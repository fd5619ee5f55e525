using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using Verifier.Tests.Formats;

namespace Verifier.Tests.Core;

public sealed class ClipTests
{
    private static ConstantTensor Scalar(float v) => ConstantTensor.FromFloats(Shape.Scalar, [v]);

    private static (Operator? Op, List<string> Problems) Create(int opset, Dictionary<string, AttributeValue> attributes,
        ConstantTensor?[] inputs, bool[]? present = null)
    {
        var problems = new List<string>();
        var context = new OperatorContext("clip", "Clip", opset, attributes, inputs, 1, problems, present);
        return (OperatorRegistry.Create(context), problems);
    }

    private static double[] Apply(Operator op, Shape shape, params double[] x) =>
        op.Evaluate<double>([new Tensor<double>(shape, x)])[0].Data;

    [Fact]
    public void BeforeOpset11TheBoundsAreAttributes()
    {
        var (op, problems) = Create(6, new()
        {
            ["min"] = new AttributeValue(AttributeKind.Float) { Float = -1 },
            ["max"] = new AttributeValue(AttributeKind.Float) { Float = 1 },
        }, [null]);
        Assert.Empty(problems);
        Assert.Equal([-1.0, 0.5, 1.0], Apply(op!, new Shape(3), -2, 0.5, 3));
    }

    [Fact]
    public void FromOpset11AnOmittedMinIsUnbounded()
    {
        var (op, problems) = Create(13, new(), [null, null, Scalar(0)], present: [true, false, true]);
        Assert.Empty(problems);
        Assert.Equal([-1e30, 0.0, 0.0], Apply(op!, new Shape(3), -1e30, 0, 2));
    }

    [Fact]
    public void ABoundThatIsNotAConstantIsReportedNotIgnored()
    {
        Assert.Contains(Create(13, new(), [null, null, Scalar(1)], present: [true, true, true]).Problems, p => p.Contains("input 1 (min) must be a constant"));
        // An importer that does not say which inputs are omitted gets the safe reading: every listed input is present.
        Assert.Contains(Create(13, new(), [null, null, Scalar(1)]).Problems, p => p.Contains("input 1 (min) must be a constant"));
        Assert.Contains(Create(13, new(), [null, ConstantTensor.FromFloats(new Shape(2), [0, 1])]).Problems, p => p.Contains("min must be a float scalar"));
    }

    [Fact]
    public void MinAboveMaxGivesMaxAsOnnxSpecifies()
    {
        var clip = new Clip(Scalar(2), Scalar(1));
        Assert.Equal([1.0, 1.0, 1.0], Apply(clip, new Shape(3), -5, 1.5, 5));
    }

    [Fact]
    public void PerFeatureBoundsBroadcastOverTheBatch()
    {
        var clip = new Clip(ConstantTensor.FromFloats(new Shape(2), [0, -1]), ConstantTensor.FromFloats(new Shape(2), [1, 10]));
        Assert.Equal([0.0, -1.0, 0.5, 10.0], Apply(clip, new Shape(2, 2), -3, -3, 0.5, 11));
        Assert.Throws<ShapeException>(() => clip.InferShapes([new Shape(1, 3)]));
    }

    [Fact]
    public void MatchesOnnxRuntime()
    {
        var twin = new OnnxTwin(1, 8);
        twin.Node("Clip", [twin.Initializer([-0.25f]), twin.Initializer([0.5f])]);
        var clip = new Clip(Scalar(-0.25f), Scalar(0.5f));
        var random = new Random(3);
        var x = Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        Assert.Equal(twin.Run(x), clip.Evaluate<float>([new Tensor<float>(new Shape(1, 8), x)])[0].Data);
    }
}
