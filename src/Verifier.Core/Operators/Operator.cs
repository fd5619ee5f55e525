using System.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>
/// One node's computation. Every analysis goes through this type: evaluation lives here, and bound
/// propagation and SMT encoding are added to the same operator classes, so a new operator is added in
/// exactly one place.
/// </summary>
public abstract partial class Operator
{
    /// <summary>The ONNX op_type this operator implements.</summary>
    public abstract string OpType { get; }

    /// <summary>
    /// Output shapes for the given input shapes. Throws <see cref="ShapeException"/> on mismatch. Runs at
    /// load time on the declared shapes and again at evaluation time on the actual (batched) shapes.
    /// </summary>
    public abstract Shape[] InferShapes(IReadOnlyList<Shape> inputs);

    /// <summary>
    /// Computes the outputs. Inputs are given in node order, constants included. The leading dimension
    /// may be a batch larger than the model declares.
    /// </summary>
    public abstract Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The indices of inputs that must be model constants (weights, shape arguments).</summary>
    public virtual IReadOnlyList<int> ConstantInputs => [];

    /// <summary>Wraps a single output.</summary>
    protected static Shape[] One(Shape s) => [s];
    protected static Tensor<T>[] One<T>(Tensor<T> t) where T : unmanaged, IFloatingPointIeee754<T> => [t];
}

/// <summary>Shapes that do not fit together; reported against the node by the graph builder.</summary>
public sealed partial class ShapeException(string message) : Exception(message);
