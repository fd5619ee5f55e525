using Verifier.Core.Encoding;
using Verifier.Core.Numerics;

namespace Verifier.Core.Operators;

public sealed partial class BatchNormalization
{
    /// <summary>
    /// y = x * multiplier + offset with the per-channel constants the float32 evaluator computes (exact as
    /// rationals), so only the final multiply and add round.
    /// </summary>
    public override EncodedValue Encode(EncodingContext context)
    {
        var x = context.Variables(0);
        var (mul, off) = Affine<float>();
        var exactMul = Array.ConvertAll(mul, v => Rational.FromDouble(v));
        var exactOff = Array.ConvertAll(off, v => Rational.FromDouble(v));
        int inner = x.Shape.Product(2, x.Shape.Rank);
        return AffineEncoding.Encode(context, x.Length, 2, (r, terms) =>
        {
            int c = r / inner % Channels;
            terms.Add(new AffineTerm(x, r, exactMul[c], mul[c]));
            return exactOff[c];
        });
    }
}
