using Verifier.Core.Numerics;

namespace Verifier.Core.Specifications;

/// <summary>A specification literal: exact for the solver, double for everything numeric.</summary>
public readonly record struct Literal(Rational Exact, double Value)
{
    public static Literal Of(Rational r) => new(r, r.ToDouble());
    public static Literal Of(double d) => new(Rational.FromDouble(d), d);
    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Lower and upper bounds of every flattened input; both sides always bounded.</summary>
public sealed record InputBox(IReadOnlyList<Literal> Lower, IReadOnlyList<Literal> Upper)
{
    private double[]? _innerLower, _innerUpper;

    public int Dimension => Lower.Count;

    /// <summary>
    /// The smallest double at or above each exact lower bound. A bound's double may be rounded across the exact
    /// value (0.1 is above 1/10; the mnistfc literal 0.029999999329447746 is below float32 0.03), and a witness
    /// must lie in the exact box.
    /// </summary>
    public IReadOnlyList<double> InnerLower => _innerLower ??= Lower.Select(l => Inward(l, up: true)).ToArray();

    /// <summary>The largest double at or below each exact upper bound.</summary>
    public IReadOnlyList<double> InnerUpper => _innerUpper ??= Upper.Select(u => Inward(u, up: false)).ToArray();

    public bool Contains(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimension) return false;
        var (lo, hi) = (InnerLower, InnerUpper);
        for (int i = 0; i < x.Length; i++)
            if (!(x[i] >= lo[i] && x[i] <= hi[i])) return false;
        return true;
    }

    /// <summary>Membership of exact values (a witness as written in a file), judged against the exact bounds.</summary>
    public bool ContainsExactly(IReadOnlyList<Rational> x)
    {
        if (x.Count != Dimension) return false;
        for (int i = 0; i < x.Count; i++)
            if (x[i] < Lower[i].Exact || x[i] > Upper[i].Exact) return false;
        return true;
    }

    /// <summary>The first coordinate of <paramref name="x"/> outside the exact box, or -1.</summary>
    public int FirstOutside(ReadOnlySpan<double> x)
    {
        for (int i = 0; i < Math.Min(x.Length, Dimension); i++)
        {
            if (!double.IsFinite(x[i])) return i;
            var v = Rational.FromDouble(x[i]);
            if (v < Lower[i].Exact || v > Upper[i].Exact) return i;
        }
        return -1;
    }

    /// <summary>Clamps a point into the exact box (NaN becomes the lower bound).</summary>
    public double[] Clamp(ReadOnlySpan<double> x)
    {
        var (lo, hi) = (InnerLower, InnerUpper);
        var r = new double[x.Length];
        for (int i = 0; i < x.Length; i++) r[i] = double.IsNaN(x[i]) ? lo[i] : Math.Max(lo[i], Math.Min(x[i], hi[i]));
        return r;
    }

    private static double Inward(Literal bound, bool up)
    {
        if (!double.IsFinite(bound.Value)) return bound.Value;
        int side = Rational.FromDouble(bound.Value).CompareTo(bound.Exact);
        return up ? (side < 0 ? Math.BitIncrement(bound.Value) : bound.Value) : (side > 0 ? Math.BitDecrement(bound.Value) : bound.Value);
    }
}

/// <summary>One linear row over the flattened outputs: sum_j Coefficients[j] * Y_j &lt;= Bound.</summary>
public sealed record OutputConstraint(IReadOnlyDictionary<int, Literal> Coefficients, Literal Bound)
{
    /// <summary>The slack Bound - sum c_j y_j: the row holds iff it is &gt;= 0. Computed in double.</summary>
    public double Slack(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (var (j, c) in Coefficients) s += c.Value * y[j];
        return Bound.Value - s;
    }

    /// <summary>Exact check of the row at a point whose outputs are exact doubles.</summary>
    public bool HoldsExactly(ReadOnlySpan<double> y)
    {
        var s = Rational.Zero;
        foreach (var (j, c) in Coefficients)
        {
            if (!double.IsFinite(y[j])) return false; // an overflowed output proves nothing
            s += c.Exact * Rational.FromDouble(y[j]);
        }
        return s <= Bound.Exact;
    }
}

/// <summary>A conjunction of output rows (one "and" of the DNF).</summary>
public sealed record OutputClause(IReadOnlyList<OutputConstraint> Rows)
{
    public bool HoldsExactly(ReadOnlySpan<double> y)
    {
        foreach (var r in Rows)
            if (!r.HoldsExactly(y)) return false;
        return true;
    }
}

/// <summary>One input box with the output clauses that are unsafe inside it.</summary>
public sealed record PropertyCase(InputBox Box, IReadOnlyList<OutputClause> Clauses);

/// <summary>
/// A VNN-LIB property in its normal form: the UNSAFE condition holds iff for some case there is x in its
/// box with f(x) satisfying one of its clauses. "sat" = a counterexample exists = the property is violated.
/// </summary>
public sealed record SafetyProperty(string Source, int InputCount, int OutputCount, IReadOnlyList<PropertyCase> Cases)
{
    /// <summary>Disjuncts after distributing every assert: the sum of clauses over cases.</summary>
    public int DisjunctCount => Cases.Sum(c => Math.Max(1, c.Clauses.Count));
}
