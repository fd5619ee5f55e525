using Verifier.Core.Bounds;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public abstract partial class AffineOperator
{
    /// <summary>
    /// alpha * W and beta * b are exact in float64 (products of two float32 values), so the map is the
    /// real-arithmetic node; float32 rounding of the dot, the scaling and the bias add is in the error model.
    /// </summary>
    protected DenseMap DenseBounds(int rows, bool transposedInput)
    {
        var w = Weight.As<double>().Data;
        if (Alpha != 1f) w = w.Select(v => v * Alpha).ToArray();
        var bias = new double[rows * OutFeatures];
        if (Bias is not null)
        {
            var b = Bias.As<double>().Data;
            var index = Broadcasting.SourceIndices(Bias.Shape, new Shape(rows, OutFeatures));
            for (int k = 0; k < bias.Length; k++) bias[k] = Beta * b[index[k]];
        }
        return new DenseMap(w, rows, InFeatures, OutFeatures, bias, transposedInput, extraOperations: 3);
    }
}

public sealed partial class Gemm
{
    public override AffineMap AffineBounds(BoundSignature signature)
    {
        var a = signature.InputShapes[0];
        return DenseBounds(TransA ? a[1] : a[0], TransA);
    }
}

public sealed partial class MatMul
{
    public override AffineMap AffineBounds(BoundSignature signature) =>
        DenseBounds(signature.InputShapes[0].ElementCount / InFeatures, transposedInput: false);
}
