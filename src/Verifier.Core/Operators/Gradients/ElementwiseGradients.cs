using System.Numerics;
using Verifier.Core.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Operators;

public sealed partial class BinaryOperator
{
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var (a, b) = (inputs[0], inputs[1]);
        var (y, gy) = (outputs[0], outputGradients[0].Data);
        var result = new Tensor<T>?[inputs.Count];
        if (wanted[0])
        {
            var ga = Kind switch
            {
                BinaryKind.Add or BinaryKind.Sub => gy,
                BinaryKind.Mul => Times(gy, Expanded(b, y.Shape)),
                _ => Over(gy, Expanded(b, y.Shape)),
            };
            result[0] = ReducedTo(ga, y.Shape, a.Shape);
        }
        if (wanted[1])
        {
            var gb = new T[gy.Length];
            switch (Kind)
            {
                case BinaryKind.Add: gy.CopyTo(gb, 0); break;
                case BinaryKind.Sub: TP.Negate(gy, gb); break;
                case BinaryKind.Mul: TP.Multiply(gy, Expanded(a, y.Shape), gb); break;
                default:
                    // d(a/b)/db = -(a/b)/b = -y/b.
                    TP.Multiply(gy, y.Data, gb);
                    TP.Divide(gb, Expanded(b, y.Shape), gb);
                    TP.Negate(gb, gb);
                    break;
            }
            result[1] = ReducedTo(gb, y.Shape, b.Shape);
        }
        return result;
    }

    private static T[] Times<T>(T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new T[x.Length];
        TP.Multiply(x, y, r);
        return r;
    }

    private static T[] Over<T>(T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new T[x.Length];
        TP.Divide(x, y, r);
        return r;
    }

    /// <summary>The operand broadcast to the output's shape.</summary>
    private static T[] Expanded<T>(Tensor<T> t, Shape shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (t.Shape.Equals(shape)) return t.Data;
        var index = Broadcasting.SourceIndices(t.Shape, shape);
        var r = new T[index.Length];
        for (int i = 0; i < r.Length; i++) r[i] = t.Data[index[i]];
        return r;
    }

    /// <summary>The adjoint of broadcasting: sums the gradient over every element an operand was copied to.</summary>
    private static Tensor<T> ReducedTo<T>(T[] gradient, Shape full, Shape target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (full.Equals(target)) return new Tensor<T>(target, gradient);
        var index = Broadcasting.SourceIndices(target, full);
        var r = new T[target.ElementCount];
        for (int i = 0; i < gradient.Length; i++) r[index[i]] += gradient[i];
        return new Tensor<T>(target, r);
    }
}
