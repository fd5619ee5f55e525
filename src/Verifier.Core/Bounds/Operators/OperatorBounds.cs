using Verifier.Core.Bounds;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>What bound propagation knows of a node: declared shapes (batch 1) and which inputs are constants.</summary>
public sealed record BoundSignature(IReadOnlyList<Shape> InputShapes, IReadOnlyList<ConstantTensor?> Constants, Shape OutputShape)
{
    /// <summary>Index of the first input that is not a model constant.</summary>
    public int VariableInput
    {
        get
        {
            for (int i = 0; i < Constants.Count; i++)
                if (Constants[i] is null) return i;
            throw new InvalidOperationException("the node has no variable input");
        }
    }

    public int VariableCount => Constants.Count(c => c is null);
}

/// <summary>
/// Bound propagation hooks. An operator supports CROWN by being affine in its one variable input
/// (<see cref="AffineBounds"/>), a signed sum of its inputs (<see cref="SumCoefficients"/>) or a piecewise-linear
/// activation with its kink at 0 (<see cref="NegativeSlope"/>), or by relaxing itself into linear lower and upper
/// bounds given its input's bounds (<see cref="Relax"/>); every other operator is cut out of the symbolic pass and
/// bounded by intervals only (<see cref="IntervalBounds"/>).
/// </summary>
public abstract partial class Operator
{
    /// <summary>The node as y = A x + b of its single variable input, or null when it is not affine.</summary>
    public virtual AffineMap? AffineBounds(BoundSignature signature) => null;

    /// <summary>y = sum_k c_k x_k (with broadcasting) when every input is variable, or null.</summary>
    public virtual double[]? SumCoefficients(BoundSignature signature) => null;

    /// <summary>For y = x (x &gt;= 0), y = slope * x (x &lt; 0) with slope in [0, 1]: the slope; otherwise null.</summary>
    public virtual double? NegativeSlope => null;

    /// <summary>True when <see cref="Relax"/> is implemented (the analyzer then back-substitutes through the node).</summary>
    public virtual bool Relaxes => false;

    /// <summary>
    /// Sound linear lower and upper bounds of every output in terms of the single variable input while it stays in
    /// <paramref name="input"/> (see <see cref="LinearRelaxation"/>), or null when there are none (then the node is
    /// bounded by its interval, as a cut).
    /// </summary>
    public virtual LinearRelaxation? Relax(BoundSignature signature, ValueBounds input) => null;

    /// <summary>
    /// Sound interval bounds of the output from the bounds of every input (constants as points). Affine operators
    /// need not override it: the analyzer uses their <see cref="AffineMap"/>.
    /// </summary>
    public virtual ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs)
    {
        var map = AffineBounds(signature) ?? throw new NotSupportedException($"{OpType} has no bound propagation");
        return map.Interval(inputs[signature.VariableInput], out _);
    }
}
