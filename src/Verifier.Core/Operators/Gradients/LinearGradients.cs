using System.Collections.Concurrent;
using System.Numerics;
using Verifier.Core.Numerics;
using Verifier.Core.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Operators;

public abstract partial class AffineOperator
{
    private readonly ConcurrentDictionary<Type, object> _transposedWeights = new();

    /// <summary>
    /// gx = alpha * gy W for gy (rows, out). W is transposed once and cached so the product has the same
    /// contiguous-dot-product shape as the forward pass.
    /// </summary>
    protected T[] AffineBackward<T>(T[] gy, int rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var weightInOut = (T[])_transposedWeights.GetOrAdd(typeof(T), _ => DenseKernels.Transposed(Weight.As<T>().Data, OutFeatures, InFeatures));
        var gx = new T[rows * InFeatures];
        DenseKernels.MultiplyTransposed(gy, weightInOut, gx, rows, InFeatures, OutFeatures);
        if (Alpha != 1f) TP.Multiply(gx, T.CreateChecked(Alpha), gx);
        return gx;
    }
}

public sealed partial class Gemm
{
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var a = inputs[0];
        int rows = outputs[0].Shape[0];
        var gradient = new Tensor<T>(new Shape(rows, InFeatures), AffineBackward(outputGradients[0].Data, rows));
        return FirstOnly(inputs.Count, TransA ? Transpose.Apply(gradient, [1, 0]) : gradient);
    }
}

public sealed partial class MatMul
{
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var a = inputs[0];
        int rows = a.Data.Length / InFeatures;
        return FirstOnly(inputs.Count, new Tensor<T>(a.Shape, AffineBackward(outputGradients[0].Data, rows)));
    }
}
