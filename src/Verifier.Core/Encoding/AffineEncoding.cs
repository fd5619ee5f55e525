using Verifier.Core.Numerics;

namespace Verifier.Core.Encoding;

/// <summary>Coefficient * (element Index of the variable value Source).</summary>
public readonly record struct AffineTerm(EncodedValue Source, int Index, Rational Coefficient, double CoefficientValue);

/// <summary>Fills the terms of output element <c>output</c> and returns its exact constant part.</summary>
public delegate Rational AffineRow(int output, List<AffineTerm> terms);

/// <summary>
/// The one encoding of every rounded affine operator (Gemm, MatMul, Conv, Add, Mul, BatchNormalization,
/// AveragePool): y_r = (exact sum of terms + constant) + e_r with |e_r| bounded by
/// <see cref="Float32Rounding.Error"/> over the input bounds, so every float32 result is a solution.
/// </summary>
public static class AffineEncoding
{
    /// <summary>The exact values of a float32 constant, each multiplied by <paramref name="scale"/>.</summary>
    public static Rational[] Exact(Tensors.ConstantTensor constant, float scale = 1f)
    {
        var s = Rational.FromDouble(scale);
        return Array.ConvertAll(constant.As<double>().Data, v => scale == 1f ? Rational.FromDouble(v) : Rational.FromDouble(v) * s);
    }

    /// <param name="operations">Roundings on the longest path of one output (products, additions, scalings).</param>
    public static EncodedValue Encode(EncodingContext ctx, int count, int operations, AffineRow row)
    {
        var terms = new List<AffineTerm>();
        var lower = new double[count];
        var upper = new double[count];
        var slack = new double[count];
        for (int r = 0; r < count; r++)
        {
            terms.Clear();
            double c = row(r, terms).ToDouble(), lo = c, hi = c, magnitude = Math.Abs(c);
            foreach (var t in terms)
            {
                double w = t.CoefficientValue, l = t.Source.Lower[t.Index], u = t.Source.Upper[t.Index];
                lo += w >= 0 ? w * l : w * u;
                hi += w >= 0 ? w * u : w * l;
                magnitude += Math.Abs(w) * t.Source.Magnitude(t.Index);
            }
            slack[r] = Float32Rounding.Error(operations, magnitude);
            // Twice the slack: once for float32 rounding, once (generously) for the double interval sums.
            lower[r] = lo - 2 * slack[r];
            upper[r] = hi + 2 * slack[r];
        }
        var output = ctx.NewOutput(lower, upper);
        var row2 = new List<Term>();
        for (int r = 0; r < count; r++)
        {
            terms.Clear();
            var constant = row(r, terms);
            row2.Clear();
            foreach (var t in terms) row2.Add(new Term(t.Coefficient, t.Source.Variables![t.Index]));
            row2.Add(new Term(new Rational(-1, 1), output.Variables![r]));
            // sum - y + constant in [-e, e]
            if (slack[r] == 0)
            {
                ctx.Sink.AddLinear(row2, Relation.Equal, -constant);
                continue;
            }
            var e = Rational.FromDouble(Float32Rounding.Up(slack[r]));
            ctx.Sink.AddRange(row2, -e - constant, e - constant);
        }
        return output;
    }
}
