using Verifier.Core.Encoding;
using Verifier.Core.Numerics;

namespace Verifier.Core.Operators;

public sealed partial class BinaryOperator
{
    /// <summary>
    /// Add/Sub of two values or a value and a constant; Mul by a constant; Div by a nonzero constant.
    /// Products of two computed values are not linear and are refused.
    /// </summary>
    public override EncodedValue Encode(EncodingContext context)
    {
        var (a, b) = (context.Inputs[0], context.Inputs[1]);
        if (a.IsConstant && b.IsConstant) throw context.NotEncodable("both inputs are constants");
        var shape = context.OutputShape;
        var ia = Broadcasting.SourceIndices(a.Shape, shape);
        var ib = Broadcasting.SourceIndices(b.Shape, shape);
        if (Kind is BinaryKind.Mul && !a.IsConstant && !b.IsConstant)
            throw context.NotEncodable("the product of two computed values is not linear");
        if (Kind is BinaryKind.Div && !b.IsConstant)
            throw context.NotEncodable("division by a computed value is not linear");
        if (Kind is BinaryKind.Div && b.Lower.Any(v => v == 0))
            throw context.NotEncodable("division by a zero constant");
        return AffineEncoding.Encode(context, shape.ElementCount, 1, (r, terms) =>
        {
            var (sa, sb) = (ia[r], ib[r]);
            switch (Kind)
            {
                case BinaryKind.Add:
                case BinaryKind.Sub:
                    var signB = Kind is BinaryKind.Add ? 1 : -1;
                    return Side(a, sa, 1, terms) + Side(b, sb, signB, terms);
                case BinaryKind.Mul:
                    var (variable, vi, constant, ci) = a.IsConstant ? (b, sb, a, sa) : (a, sa, b, sb);
                    terms.Add(new AffineTerm(variable, vi, Rational.FromDouble(constant.Lower[ci]), constant.Lower[ci]));
                    return Rational.Zero;
                default:
                    var divisor = Rational.FromDouble(b.Lower[sb]);
                    if (a.IsConstant) return Rational.FromDouble(a.Lower[sa]) / divisor;
                    terms.Add(new AffineTerm(a, sa, new Rational(1, 1) / divisor, 1 / b.Lower[sb]));
                    return Rational.Zero;
            }
        });
    }

    /// <summary>sign * element i of v: a term for a variable, the returned constant for a model constant.</summary>
    private static Rational Side(EncodedValue v, int i, int sign, List<AffineTerm> terms)
    {
        var coefficient = new Rational(sign, 1);
        if (v.IsConstant) return coefficient * Rational.FromDouble(v.Lower[i]);
        terms.Add(new AffineTerm(v, i, coefficient, sign));
        return Rational.Zero;
    }
}
