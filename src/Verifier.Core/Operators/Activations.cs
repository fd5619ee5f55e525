using System.Numerics;
using Verifier.Core.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Operators;

/// <summary>Elementwise operators of one input whose output has the input's shape.</summary>
public abstract partial class UnaryOperator : Operator
{
    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs) => One(inputs[0]);

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var x = inputs[0];
        var y = new T[x.Data.Length];
        Apply<T>(x.Data, y);
        return One(new Tensor<T>(x.Shape, y));
    }

    protected abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

public sealed partial class Relu : UnaryOperator
{
    public override string OpType => "Relu";
    protected override void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : T.Zero;
    }
}

public sealed partial class LeakyRelu(float alpha) : UnaryOperator
{
    public float Alpha { get; } = alpha;
    public override string OpType => "LeakyRelu";
    protected override void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
    {
        var a = T.CreateChecked(Alpha);
        for (int i = 0; i < x.Length; i++) y[i] = x[i] >= T.Zero ? x[i] : a * x[i];
    }
}

public sealed partial class Sigmoid : UnaryOperator
{
    public override string OpType => "Sigmoid";
    protected override void Apply<T>(ReadOnlySpan<T> x, Span<T> y) => TP.Sigmoid(x, y);
}

public sealed partial class Tanh : UnaryOperator
{
    public override string OpType => "Tanh";
    protected override void Apply<T>(ReadOnlySpan<T> x, Span<T> y) => TP.Tanh(x, y);
}

/// <summary>Softmax; before opset 13 the input is coerced to 2-D at <c>axis</c>, from 13 on it is one axis.</summary>
public sealed partial class Softmax(int axis, bool coerceTo2D) : Operator
{
    public int Axis { get; } = axis;
    public bool CoerceTo2D { get; } = coerceTo2D;
    public override string OpType => "Softmax";

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        Normalised(inputs[0]);
        return One(inputs[0]);
    }

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var x = inputs[0];
        int axis = Normalised(x.Shape);
        int outer = x.Shape.Product(0, axis);
        int n = CoerceTo2D ? x.Shape.Product(axis, x.Shape.Rank) : x.Shape[axis];
        int inner = CoerceTo2D ? 1 : x.Shape.Product(axis + 1, x.Shape.Rank);
        var y = new T[x.Data.Length];
        var buffer = new T[n];
        var result = new T[n];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * n * inner + i;
                for (int k = 0; k < n; k++) buffer[k] = x.Data[baseIndex + k * inner];
                // Max-subtracted, as ONNX Runtime computes it, so large logits do not overflow.
                TP.Subtract(buffer, TP.Max<T>(buffer), result);
                TP.Exp<T>(result, result);
                TP.Divide(result, TP.Sum<T>(result), result);
                for (int k = 0; k < n; k++) y[baseIndex + k * inner] = result[k];
            }
        return One(new Tensor<T>(x.Shape, y));
    }

    private int Normalised(Shape s)
    {
        try { return s.Axis(Axis); }
        catch (ArgumentOutOfRangeException e) { throw new ShapeException(e.Message); }
    }
}
