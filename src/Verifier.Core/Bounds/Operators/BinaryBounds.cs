using Verifier.Core.Bounds;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public sealed partial class BinaryOperator
{
    /// <summary>x op c and c op x are affine in x except c / x.</summary>
    public override AffineMap? AffineBounds(BoundSignature signature)
    {
        if (signature.VariableCount != 1) return null;
        int v = signature.VariableInput;
        var constant = signature.Constants[1 - v]!;
        var outShape = signature.OutputShape;
        var varShape = signature.InputShapes[v];
        int n = outShape.ElementCount;
        int[]? source = varShape.Equals(outShape) ? null : Broadcasting.SourceIndices(varShape, outShape);
        var cIndex = Broadcasting.SourceIndices(constant.Shape, outShape);
        var cData = constant.As<double>().Data;
        var c = new double[n];
        for (int k = 0; k < n; k++) c[k] = cData[cIndex[k]];
        int inSize = varShape.ElementCount;
        switch (Kind)
        {
            case BinaryKind.Add: return SparseMap.Elementwise(inSize, n, source, null, c);
            case BinaryKind.Sub when v == 0: return SparseMap.Elementwise(inSize, n, source, null, c.Select(x => -x).ToArray());
            case BinaryKind.Sub: return SparseMap.Elementwise(inSize, n, source, Enumerable.Repeat(-1.0, n).ToArray(), c);
            case BinaryKind.Mul: return SparseMap.Elementwise(inSize, n, source, c, null);
            case BinaryKind.Div when v == 0 && c.All(x => x != 0):
                // The reciprocal is rounded once in float64: relative error at most u64 against the exact 1/c.
                return SparseMap.Elementwise(inSize, n, source, c.Select(x => 1 / x).ToArray(), null, weightRelativeError: 2 * Rounding.Unit64);
            default: return null;
        }
    }

    public override double[]? SumCoefficients(BoundSignature signature) =>
        signature.VariableCount == 2 && Kind is BinaryKind.Add or BinaryKind.Sub ? [1, Kind == BinaryKind.Add ? 1 : -1] : null;

    /// <summary>
    /// Corner bounds per element; the float32 result of an exact value r is within r (1 +- u32), which widens the
    /// ends relatively. A divisor interval containing 0 gives no bound.
    /// </summary>
    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs)
    {
        var map = AffineBounds(signature);
        if (map is not null) return map.Interval(inputs[signature.VariableInput], out _);
        var outShape = signature.OutputShape;
        var ia = Broadcasting.SourceIndices(signature.InputShapes[0], outShape);
        var ib = Broadcasting.SourceIndices(signature.InputShapes[1], outShape);
        var (a, b) = (inputs[0], inputs[1]);
        int n = outShape.ElementCount;
        var lower = new double[n];
        var upper = new double[n];
        for (int k = 0; k < n; k++)
        {
            double la = a.Lower[ia[k]], ua = a.Upper[ia[k]], lb = b.Lower[ib[k]], ub = b.Upper[ib[k]];
            (double lo, double hi) = Kind switch
            {
                BinaryKind.Add => (la + lb, ua + ub),
                BinaryKind.Sub => (la - ub, ua - lb),
                BinaryKind.Mul => Corners(la, ua, lb, ub, static (x, y) => x == 0 || y == 0 ? 0 : x * y),
                _ => lb <= 0 && ub >= 0 ? (double.NegativeInfinity, double.PositiveInfinity) : Corners(la, ua, lb, ub, static (x, y) => x / y),
            };
            lower[k] = Rounding.Down(lo - Math.Abs(lo) * 2 * Rounding.Unit32);
            upper[k] = Rounding.Up(hi + Math.Abs(hi) * 2 * Rounding.Unit32);
        }
        return new ValueBounds(lower, upper);
    }

    private static (double, double) Corners(double la, double ua, double lb, double ub, Func<double, double, double> f)
    {
        double p1 = f(la, lb), p2 = f(la, ub), p3 = f(ua, lb), p4 = f(ua, ub);
        return (Math.Min(Math.Min(p1, p2), Math.Min(p3, p4)), Math.Max(Math.Max(p1, p2), Math.Max(p3, p4)));
    }
}
