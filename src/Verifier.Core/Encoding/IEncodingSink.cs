using Verifier.Core.Numerics;

namespace Verifier.Core.Encoding;

/// <summary>A variable of the encoding, numbered by the sink that created it.</summary>
public readonly record struct Variable(int Id);

public enum Relation { LessOrEqual, Equal, GreaterOrEqual }

/// <summary>One summand Coefficient * Variable of an exact linear row.</summary>
public readonly record struct Term(Rational Coefficient, Variable Variable);

/// <summary>
/// The solver-agnostic target of the network encoding: bounded real variables, 0/1 indicator variables and
/// exact linear rows. Operators encode themselves against it (Core stays solver-free); a solver backend
/// implements it. Everything is exact rational arithmetic: the sink never rounds.
/// </summary>
public interface IEncodingSink
{
    /// <summary>A real variable constrained to [lower, upper].</summary>
    Variable NewReal(Rational lower, Rational upper);

    /// <summary>A variable restricted to {0, 1}, usable in linear rows like any other.</summary>
    Variable NewBinary();

    /// <summary>Asserts sum(terms) relation rhs.</summary>
    void AddLinear(IReadOnlyList<Term> terms, Relation relation, Rational rhs);

    /// <summary>Asserts lower &lt;= sum(terms) &lt;= upper (a sink may build the sum once).</summary>
    void AddRange(IReadOnlyList<Term> terms, Rational lower, Rational upper)
    {
        AddLinear(terms, Relation.GreaterOrEqual, lower);
        AddLinear(terms, Relation.LessOrEqual, upper);
    }
}
