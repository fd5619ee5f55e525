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
    public int Dimension => Lower.Count;

    public bool Contains(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimension) return false;
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] >= Lower[i].Value && x[i] <= Upper[i].Value)) return false;
            // A bound's double may be rounded across the exact bound (0.1 is above 1/10): decide ties exactly.
            if (x[i] == Lower[i].Value && Rational.FromDouble(x[i]) < Lower[i].Exact) return false;
            if (x[i] == Upper[i].Value && Rational.FromDouble(x[i]) > Upper[i].Exact) return false;
        }
        return true;
    }

    /// <summary>Clamps a point into the box (NaN becomes the lower bound).</summary>
    public double[] Clamp(ReadOnlySpan<double> x)
    {
        var r = new double[x.Length];
        for (int i = 0; i < x.Length; i++) r[i] = double.IsNaN(x[i]) ? Lower[i].Value : Math.Clamp(x[i], Lower[i].Value, Upper[i].Value);
        return r;
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
