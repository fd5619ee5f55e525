using Verifier.Core.Encoding;
using Verifier.Core.Numerics;
using static Verifier.Core.Encoding.SinkExtensions;

namespace Verifier.Core.Operators;

public sealed partial class LeakyRelu
{
    /// <summary>
    /// y = x for x &gt;= 0 and y = alpha x + e (|e| &lt;= s, the float32 rounding of the product) for x &lt; 0.
    /// Unstable neurons select the piece with d in {0, 1} and big-M rows, M bounding each piece's residual.
    /// </summary>
    public override EncodedValue Encode(EncodingContext context)
    {
        var x = context.Variables(0);
        double a = Alpha;
        var slack = new double[x.Length];
        var lower = new double[x.Length];
        var upper = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double lo = x.Lower[i], hi = x.Upper[i];
            slack[i] = lo < 0 ? Float32Rounding.Error(1, Math.Abs(a * lo)) : 0;
            (lower[i], upper[i]) = (double.PositiveInfinity, double.NegativeInfinity);
            if (hi >= 0) Widen(ref lower[i], ref upper[i], Math.Max(lo, 0), hi);
            if (lo < 0) Widen(ref lower[i], ref upper[i], Math.Min(a * lo, a * Math.Min(hi, 0)) - slack[i], Math.Max(a * lo, a * Math.Min(hi, 0)) + slack[i]);
        }
        var y = context.NewOutput(lower, upper);
        var sink = context.Sink;
        var exactAlpha = Rational.FromDouble(a);
        for (int i = 0; i < x.Length; i++)
        {
            double lo = x.Lower[i], hi = x.Upper[i];
            Variable xi = x.Variables![i], yi = y.Variables![i];
            var scaled = new Term(-exactAlpha, xi);
            var s = Rational.FromDouble(Float32Rounding.Up(slack[i]));
            if (lo >= 0)
            {
                sink.Add(Relation.Equal, Rational.Zero, Plus(yi), Minus(xi));
                continue;
            }
            if (hi <= 0)
            {
                sink.Add(Relation.LessOrEqual, s, Plus(yi), scaled);
                sink.Add(Relation.GreaterOrEqual, -s, Plus(yi), scaled);
                continue;
            }
            var d = sink.NewBinary(); // 1: x >= 0 and y = x; 0: x <= 0 and y = a x + e
            double yMagnitude = Math.Max(Math.Abs(y.Lower[i]), Math.Abs(y.Upper[i]));
            var m1 = BigM(Math.Max(y.Upper[i] - lo, hi - y.Lower[i]));
            var m2 = BigM(yMagnitude + Math.Abs(a) * Math.Max(-lo, hi) + slack[i]);
            sink.Add(Relation.GreaterOrEqual, Rational.FromDouble(lo), Plus(xi), Times(lo, d));
            sink.Add(Relation.LessOrEqual, Rational.Zero, Plus(xi), Times(-hi, d));
            sink.Add(Relation.LessOrEqual, m1, Plus(yi), Minus(xi), new Term(m1, d));
            sink.Add(Relation.GreaterOrEqual, -m1, Plus(yi), Minus(xi), new Term(-m1, d));
            sink.Add(Relation.LessOrEqual, s, Plus(yi), scaled, new Term(-m2, d));
            sink.Add(Relation.GreaterOrEqual, -s, Plus(yi), scaled, new Term(m2, d));
        }
        return y;
    }

    private static void Widen(ref double lower, ref double upper, double lo, double hi)
    {
        lower = Math.Min(lower, lo);
        upper = Math.Max(upper, hi);
    }
}
