using System.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>Reverse-mode differentiation: each operator supplies its vector-Jacobian product.</summary>
public abstract partial class Operator
{
    /// <summary>
    /// The vector-Jacobian product. Given the forward <paramref name="inputs"/> and <paramref name="outputs"/>
    /// (same batch) and the gradient of a scalar with respect to every output, returns the gradient with
    /// respect to each input whose <paramref name="wanted"/> flag is set (null for the others: constants,
    /// shape arguments). Operators without a gradient say so rather than return a wrong one.
    /// </summary>
    public virtual Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted) where T : unmanaged, IFloatingPointIeee754<T> =>
        throw new NotSupportedException($"operator {OpType} has no gradient");

    /// <summary>A gradient for the first input only (operators whose other inputs are constant arguments).</summary>
    protected static Tensor<T>?[] FirstOnly<T>(int inputCount, Tensor<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new Tensor<T>?[inputCount];
        result[0] = gradient;
        return result;
    }
}
