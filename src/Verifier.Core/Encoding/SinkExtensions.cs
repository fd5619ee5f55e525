using Verifier.Core.Numerics;

namespace Verifier.Core.Encoding;

public static class SinkExtensions
{
    private static readonly Rational One = new(1, 1);

    /// <summary>Asserts sum(terms) relation rhs, terms given inline.</summary>
    public static void Add(this IEncodingSink sink, Relation relation, Rational rhs, params Term[] terms) =>
        sink.AddLinear(terms, relation, rhs);

    public static Term Plus(Variable v) => new(One, v);
    public static Term Minus(Variable v) => new(-One, v);
    public static Term Times(double coefficient, Variable v) => new(Rational.FromDouble(coefficient), v);

    /// <summary>A big-M constant rounded up to a short float32, so the rows stay small.</summary>
    public static Rational BigM(double m) => Rational.FromDouble(Float32Rounding.Up(Math.Max(m, 0)));
}
