using System.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public enum BinaryKind { Add, Sub, Mul, Div }

/// <summary>Add, Sub, Mul and Div with broadcasting.</summary>
public sealed partial class BinaryOperator(BinaryKind kind) : Operator
{
    public BinaryKind Kind { get; } = kind;
    public override string OpType => Kind.ToString();

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs) => One(Broadcasting.Result(inputs[0], inputs[1]));

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        var shape = Broadcasting.Result(a.Shape, b.Shape);
        var y = new T[shape.ElementCount];
        if (a.Shape.Equals(shape) && b.Shape.Equals(shape))
        {
            Apply<T>(a.Data, b.Data, y);
        }
        else if (a.Shape.Equals(shape) && b.Data.Length > 0 && shape.ElementCount % b.Data.Length == 0 && IsTrailingBlock(b.Shape, shape))
        {
            // The common case of a bias or mean broadcast over the batch: apply row by row, vectorised.
            int n = b.Data.Length;
            for (int off = 0; off < y.Length; off += n)
                Apply<T>(a.Data.AsSpan(off, n), b.Data, y.AsSpan(off, n));
        }
        else
        {
            var ia = Broadcasting.SourceIndices(a.Shape, shape);
            var ib = Broadcasting.SourceIndices(b.Shape, shape);
            for (int i = 0; i < y.Length; i++) y[i] = Scalar(a.Data[ia[i]], b.Data[ib[i]]);
        }
        return One(new Tensor<T>(shape, y));
    }

    /// <summary>True when <paramref name="b"/> equals the trailing dims of <paramref name="shape"/> (leading 1s allowed).</summary>
    private static bool IsTrailingBlock(Shape b, Shape shape)
    {
        int offset = shape.Rank - b.Rank, i = 0;
        while (i < b.Rank && b[i] == 1 && shape[offset + i] != 1) i++;
        for (; i < b.Rank; i++)
            if (b[i] != shape[offset + i]) return false;
        return true;
    }

    private void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Kind)
        {
            case BinaryKind.Add: System.Numerics.Tensors.TensorPrimitives.Add(a, b, y); break;
            case BinaryKind.Sub: System.Numerics.Tensors.TensorPrimitives.Subtract(a, b, y); break;
            case BinaryKind.Mul: System.Numerics.Tensors.TensorPrimitives.Multiply(a, b, y); break;
            default: System.Numerics.Tensors.TensorPrimitives.Divide(a, b, y); break;
        }
    }

    private T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => Kind switch
    {
        BinaryKind.Add => a + b,
        BinaryKind.Sub => a - b,
        BinaryKind.Mul => a * b,
        _ => a / b,
    };
}
