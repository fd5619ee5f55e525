using System.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public abstract partial class UnaryOperator
{
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var x = inputs[0];
        var gx = new T[x.Data.Length];
        Derivative<T>(x.Data, outputs[0].Data, outputGradients[0].Data, gx);
        return FirstOnly(inputs.Count, new Tensor<T>(x.Shape, gx));
    }

    /// <summary>gx = f'(x) * gy, given x and y = f(x) (whichever is cheaper to use).</summary>
    protected abstract void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> gy, Span<T> gx)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

public sealed partial class Relu
{
    // The subgradient 0 at x = 0, as the common frameworks use.
    protected override void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> gy, Span<T> gx)
    {
        for (int i = 0; i < x.Length; i++) gx[i] = x[i] > T.Zero ? gy[i] : T.Zero;
    }
}

public sealed partial class LeakyRelu
{
    protected override void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> gy, Span<T> gx)
    {
        var a = T.CreateChecked(Alpha);
        for (int i = 0; i < x.Length; i++) gx[i] = x[i] >= T.Zero ? gy[i] : a * gy[i];
    }
}

public sealed partial class Sigmoid
{
    protected override void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> gy, Span<T> gx)
    {
        for (int i = 0; i < x.Length; i++) gx[i] = gy[i] * y[i] * (T.One - y[i]);
    }
}

public sealed partial class Tanh
{
    protected override void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> gy, Span<T> gx)
    {
        for (int i = 0; i < x.Length; i++) gx[i] = gy[i] * (T.One - y[i] * y[i]);
    }
}

public sealed partial class Softmax
{
    /// <summary>Along each softmax slice: gx_k = y_k (gy_k - sum_j gy_j y_j).</summary>
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var x = inputs[0];
        var (y, gy) = (outputs[0].Data, outputGradients[0].Data);
        int axis = Normalised(x.Shape);
        int outer = x.Shape.Product(0, axis);
        int n = CoerceTo2D ? x.Shape.Product(axis, x.Shape.Rank) : x.Shape[axis];
        int inner = CoerceTo2D ? 1 : x.Shape.Product(axis + 1, x.Shape.Rank);
        var gx = new T[y.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * n * inner + i;
                T dot = T.Zero;
                for (int k = 0; k < n; k++) dot += gy[baseIndex + k * inner] * y[baseIndex + k * inner];
                for (int k = 0; k < n; k++)
                {
                    int at = baseIndex + k * inner;
                    gx[at] = y[at] * (gy[at] - dot);
                }
            }
        return FirstOnly(inputs.Count, new Tensor<T>(x.Shape, gx));
    }
}
