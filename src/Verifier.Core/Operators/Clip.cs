using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>
/// y = min(max(x, Lower), Upper) with constant bounds. ONNX only allows scalar bounds; per-feature bounds
/// (broadcast to the input, as the .nnet input clipping needs) are the same operation, so one class serves
/// both. A missing bound is unbounded. When Lower &gt; Upper every value becomes Upper, as ONNX specifies.
/// </summary>
public sealed partial class Clip(ConstantTensor? lower, ConstantTensor? upper) : Operator
{
    public ConstantTensor? Lower { get; } = lower;
    public ConstantTensor? Upper { get; } = upper;
    public override string OpType => "Clip";
    public override IReadOnlyList<int> ConstantInputs => [1, 2];

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var x = inputs[0];
        foreach (var bound in new[] { Lower, Upper })
            if (bound is not null && !Broadcasting.Result(x, bound.Shape).Equals(x))
                throw new ShapeException($"Clip bound of shape {bound.Shape} does not broadcast to the input {x}");
        return One(x);
    }

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var x = inputs[0];
        InferShapes([x.Shape]);
        var y = (T[])x.Data.Clone();
        if (Lower is not null) Bound(y, Lower.As<T>(), x.Shape, T.Max);
        if (Upper is not null) Bound(y, Upper.As<T>(), x.Shape, T.Min);
        return One(new Tensor<T>(x.Shape, y));
    }

    private static void Bound<T>(T[] y, Tensor<T> bound, Shape shape, Func<T, T, T> pick)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var index = Broadcasting.SourceIndices(bound.Shape, shape);
        for (int i = 0; i < y.Length; i++) y[i] = pick(y[i], bound.Data[index[i]]);
    }
}
