using Verifier.Core.Graph;
using Verifier.Core.Numerics;
using Verifier.Core.Operators;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Specifications;

/// <summary>WitnessCheck, the only gate to "sat", on a hand-written network y = W2 relu(W1 x + b1).</summary>
public class WitnessCheckTests
{
    /// <summary>y0 = relu(x0 - x1), y1 = relu(0.5 x0 + 0.5 x1) - 0.125.</summary>
    internal static NetworkGraph TinyNetwork()
    {
        var w1 = ConstantTensor.FromFloats(new Shape(2, 2), [1f, -1f, 0.5f, 0.5f]);
        var w2 = ConstantTensor.FromFloats(new Shape(2, 2), [1f, 0f, 0f, 1f]);
        var b2 = ConstantTensor.FromFloats(new Shape(2), [0f, -0.125f]);
        return new NetworkGraphBuilder("tiny", "test")
            .AddInput("x", new Shape(1, 2))
            .AddNode(new Node("fc1", new Gemm(w1, null, 1f, 1f, transA: false), ["x"], ["h"]))
            .AddNode(new Node("relu", new Relu(), ["h"], ["r"]))
            .AddNode(new Node("fc2", new Gemm(w2, b2, 1f, 1f, transA: false), ["r"], ["y"]))
            .AddOutput("y")
            .Build();
    }

    /// <summary>Unsafe iff Y_0 &gt;= 0.25 for x in [0, 1]^2.</summary>
    internal static readonly SafetyProperty Property = VnnLibParser.ParseText(
        "(declare-const X_0 Real) (declare-const X_1 Real) (declare-const Y_0 Real) (declare-const Y_1 Real)\n"
        + "(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 1))\n"
        + "(assert (>= Y_0 0.25))", "tiny.vnnlib");

    [Fact]
    public void AcceptsARealCounterexample()
    {
        var w = WitnessCheck.Validate(TinyNetwork(), Property, [1.0, 0.0], out _);
        Assert.NotNull(w);
        Assert.Equal([1.0, 0.375], w.OutputFloat64);
        Assert.Equal([1.0, 0.375], w.OutputFloat32);
        Assert.Equal((0, 0), (w.CaseIndex, w.ClauseIndex));
    }

    [Fact]
    public void AcceptsAPointExactlyOnTheBoundaries()
    {
        // y0 = 0.25 exactly satisfies Y_0 >= 0.25; x0 = 1 lies on the box's upper face.
        Assert.NotNull(WitnessCheck.Validate(TinyNetwork(), Property, [1.0, 0.75], out _));
    }

    [Fact]
    public void RejectsAPointJustOutsideTheBox()
    {
        Assert.Null(WitnessCheck.Validate(TinyNetwork(), Property, [1.0 + 1e-8, 0.0], out var reason));
        Assert.Contains("no input box", reason);
        Assert.Null(WitnessCheck.Validate(TinyNetwork(), Property, [0.5, -1e-8], out _));
    }

    [Fact]
    public void RejectsAPointThatViolatesOnlyWithinTolerance()
    {
        // y0 = 0.2499 misses Y_0 >= 0.25 by 1e-4: the organisers' 1e-4 tolerance would accept it.
        Assert.Null(WitnessCheck.Validate(TinyNetwork(), Property, [0.2499, 0.0], out var reason));
        Assert.Contains("zero tolerance", reason);
    }

    [Fact]
    public void RejectsAPointThatViolatesOnlyInFloat32()
    {
        // x0 = 0.25 - 1e-9 rounds to 0.25f: y0 reaches 0.25 in float32 but not in float64.
        Assert.Null(WitnessCheck.Validate(TinyNetwork(), Property, [0.25 - 1e-9, 0.0], out _));
    }

    [Fact]
    public void BoxTiesAreDecidedOnTheExactBound()
    {
        // The double 0.1 is slightly above 1/10: inside [0.1, 1] but outside [0, 0.1].
        var box = VnnLibParser.ParseText("(declare-const X_0 Real) (declare-const Y_0 Real)\n"
            + "(assert (or (and (>= X_0 0.1) (<= X_0 1)) (and (>= X_0 0) (<= X_0 0.1))))", "tie.vnnlib").Cases;
        Assert.True(box[0].Box.Contains([0.1]));
        Assert.False(box[1].Box.Contains([0.1]));
        Assert.True(box[1].Box.Contains([Math.BitDecrement(0.1)]));
        Assert.Equal([Math.BitDecrement(0.1)], box[1].Box.Clamp([0.5]));
        Assert.Equal([0.1], box[0].Box.Clamp([double.NaN]));
    }

    [Fact]
    public void ClampingLandsInsideTheExactBox()
    {
        // As in mnistfc: the double of 0.029999999329447746 is float32 0.03, 2.8e-19 above the exact bound.
        var property = VnnLibParser.ParseText(
            "(declare-const X_0 Real) (declare-const X_1 Real) (declare-const Y_0 Real) (declare-const Y_1 Real)\n"
            + "(assert (>= X_0 0.0)) (assert (<= X_0 0.029999999329447746)) (assert (>= X_1 0.0)) (assert (<= X_1 0.029999999329447746))\n"
            + "(assert (>= Y_0 0.01))", "clamp.vnnlib");
        Assert.Null(WitnessCheck.Validate(TinyNetwork(), property, [0.029999999329447746, 0.0], out _));
        var w = WitnessCheck.ClampAndValidate(TinyNetwork(), property, [0.5, -0.5], out _);
        Assert.NotNull(w);
        Assert.Equal((double)MathF.BitDecrement(0.03f), w.Input[0]);
        Assert.Equal(0.0, w.Input[1]);
        Assert.True(Rational.FromDouble(w.Input[0]) <= property.Cases[0].Box.Upper[0].Exact);
    }

    [Fact]
    public void OverflowedOutputsNeverSatisfyARow()
    {
        var row = Property.Cases[0].Clauses[0].Rows[0];
        Assert.False(row.HoldsExactly([double.PositiveInfinity, 0]));
        Assert.False(row.HoldsExactly([double.NaN, 0]));
    }

    [Fact]
    public void ValidatedWitnessWritesAResultFileThatReadsBack()
    {
        var w = WitnessCheck.Validate(TinyNetwork(), Property, [0.75, 0.25], out _)!;
        var path = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}.txt");
        try
        {
            ResultFile.Write(path, Verdict.Falsified, w);
            var back = ResultFile.Read(path);
            Assert.NotNull(WitnessCheck.Validate(TinyNetwork(), Property, back.Inputs, out _));
            Assert.Equal(w.OutputFloat32, back.Outputs);
        }
        finally { File.Delete(path); }
    }
}
