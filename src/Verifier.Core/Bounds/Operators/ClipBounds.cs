using Verifier.Core.Bounds;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public sealed partial class Clip
{
    /// <summary>Clamping is monotone and exact in every precision, so the clamped interval ends are the bounds.</summary>
    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs)
    {
        var x = inputs[signature.VariableInput];
        var shape = signature.OutputShape;
        var lo = Resolved(Lower, shape);
        var hi = Resolved(Upper, shape);
        var lower = new double[x.Length];
        var upper = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            (lower[i], upper[i]) = (x.Lower[i], x.Upper[i]);
            if (lo is { } l) (lower[i], upper[i]) = (Math.Max(lower[i], l.Data[l.Index[i]]), Math.Max(upper[i], l.Data[l.Index[i]]));
            if (hi is { } h) (lower[i], upper[i]) = (Math.Min(lower[i], h.Data[h.Index[i]]), Math.Min(upper[i], h.Data[h.Index[i]]));
        }
        return new ValueBounds(lower, upper);
    }

    private static (double[] Data, int[] Index)? Resolved(ConstantTensor? bound, Shape shape) =>
        bound is null ? null : (bound.As<double>().Data, Broadcasting.SourceIndices(bound.Shape, shape));
}
