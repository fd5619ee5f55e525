using System.Numerics;
using Verifier.Core.Numerics;
using Verifier.Core.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Operators;

/// <summary>
/// y = alpha * x W^T + beta * c for constant weights W stored as (out, in), which makes every output a
/// contiguous dot product. Gemm and MatMul both reduce to it.
/// </summary>
public abstract partial class AffineOperator : Operator
{
    protected AffineOperator(ConstantTensor weightOutIn, ConstantTensor? bias, float alpha, float beta)
    {
        Weight = weightOutIn;
        Bias = bias;
        Alpha = alpha;
        Beta = beta;
        OutFeatures = weightOutIn.Shape[0];
        InFeatures = weightOutIn.Shape[1];
    }

    /// <summary>Weights as an (out, in) matrix.</summary>
    public ConstantTensor Weight { get; }

    /// <summary>Bias, broadcastable to (rows, out), or null.</summary>
    public ConstantTensor? Bias { get; }

    public float Alpha { get; }
    public float Beta { get; }
    public int OutFeatures { get; }
    public int InFeatures { get; }

    /// <summary>x is (rows, in); returns (rows, out).</summary>
    protected T[] Affine<T>(T[] x, int rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = Weight.As<T>().Data;
        var y = new T[rows * OutFeatures];
        int[]? biasIndex = null;
        T[]? bias = null;
        if (Bias is not null)
        {
            bias = Bias.As<T>().Data;
            biasIndex = Broadcasting.SourceIndices(Bias.Shape, new Shape(rows, OutFeatures));
        }
        T alpha = T.CreateChecked(Alpha), beta = T.CreateChecked(Beta);
        DenseKernels.MultiplyTransposed(x, w, y, rows, OutFeatures, InFeatures);
        if (Alpha != 1f) TP.Multiply(y, alpha, y);
        if (bias is not null)
            for (int i = 0; i < y.Length; i++) y[i] += Beta == 1f ? bias[biasIndex![i]] : beta * bias[biasIndex![i]];
        return y;
    }
}

/// <summary>ONNX Gemm with constant B (and C): Y = alpha * A' B' + beta * C.</summary>
public sealed partial class Gemm : AffineOperator
{
    public Gemm(ConstantTensor weightOutIn, ConstantTensor? bias, float alpha, float beta, bool transA)
        : base(weightOutIn, bias, alpha, beta) => TransA = transA;

    public bool TransA { get; }
    public override string OpType => "Gemm";
    public override IReadOnlyList<int> ConstantInputs => [1, 2];

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var a = inputs[0];
        if (a.Rank != 2) throw new ShapeException($"Gemm input A must be 2-D, got {a}");
        int rows = TransA ? a[1] : a[0], k = TransA ? a[0] : a[1];
        if (k != InFeatures) throw new ShapeException($"Gemm input {a} does not match weights with {InFeatures} inputs");
        var result = new Shape(rows, OutFeatures);
        if (Bias is not null) Broadcasting.Result(result, Bias.Shape);
        return One(result);
    }

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var shape = InferShapes([inputs[0].Shape])[0];
        var a = TransA ? Transpose.Apply(inputs[0], [1, 0]) : inputs[0];
        return One(new Tensor<T>(shape, Affine<T>(a.Data, shape[0])));
    }
}

/// <summary>ONNX MatMul of a data tensor (..., K) with a constant matrix (K, N) or vector (K).</summary>
public sealed partial class MatMul : AffineOperator
{
    public MatMul(ConstantTensor weightOutIn, bool vectorWeight) : base(weightOutIn, null, 1f, 1f) => VectorWeight = vectorWeight;

    /// <summary>B was 1-D: the output drops the last axis.</summary>
    public bool VectorWeight { get; }
    public override string OpType => "MatMul";
    public override IReadOnlyList<int> ConstantInputs => [1];

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var a = inputs[0];
        if (a.Rank == 0 || a[a.Rank - 1] != InFeatures)
            throw new ShapeException($"MatMul input {a} does not match weights with {InFeatures} rows");
        var dims = a.ToArray();
        if (VectorWeight) return One(new Shape(dims[..^1]));
        dims[^1] = OutFeatures;
        return One(new Shape(dims));
    }

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var shape = InferShapes([inputs[0].Shape])[0];
        int rows = inputs[0].Data.Length / InFeatures;
        return One(new Tensor<T>(shape, Affine<T>(inputs[0].Data, rows)));
    }
}
