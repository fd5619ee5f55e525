namespace Verifier.Core.Specifications.VnnLib;

/// <summary>One side of an input interval: X_Index &lt;= Value (upper) or X_Index &gt;= Value (lower).</summary>
internal sealed record InputBound(int Index, bool IsUpper, Literal Value, SourcePosition Position);

/// <summary>
/// A conjunction of atoms. Clauses are arrays of conjunctions shared by reference, so distributing an assert
/// with 150,000 box atoms over 1,000 disjuncts stores the box atoms once, not 1,000 times.
/// </summary>
internal sealed class Conjunction(InputBound[] inputs, OutputConstraint[] outputs)
{
    public InputBound[] Inputs { get; } = inputs;
    public OutputConstraint[] Outputs { get; } = outputs;
    public int AtomCount => Inputs.Length + Outputs.Length;
}

/// <summary>A formula in disjunctive normal form: it holds iff one clause (a conjunction of conjunctions) holds.</summary>
internal sealed record Dnf(IReadOnlyList<Conjunction[]> Clauses, SourcePosition Position)
{
    public static Dnf Of(InputBound b) => new([[new Conjunction([b], [])]], b.Position);

    public static Dnf Of(OutputConstraint row, SourcePosition at) => new([[new Conjunction([], [row])]], at);
}

/// <summary>Builds DNFs bottom-up: "or" concatenates, "and" distributes (cross product) with size checks.</summary>
internal sealed class DnfBuilder(string source, VnnLibLimits limits)
{
    public Dnf Or(IReadOnlyList<Dnf> operands, SourcePosition at)
    {
        long count = operands.Sum(d => (long)d.Clauses.Count);
        if (count > limits.MaxClauses) throw TooManyClauses(at);
        return new Dnf(operands.SelectMany(d => d.Clauses).ToList(), at);
    }

    /// <summary>
    /// Conjoins operands. Single-clause operands (plain atoms, top-level box asserts) are merged into one
    /// shared conjunction first; only the real disjunctions multiply.
    /// </summary>
    public Dnf And(IReadOnlyList<Dnf> operands, SourcePosition at)
    {
        var singles = operands.Where(d => d.Clauses.Count == 1).SelectMany(d => d.Clauses[0]).ToList();
        var merged = new Conjunction(singles.SelectMany(c => c.Inputs).ToArray(), singles.SelectMany(c => c.Outputs).ToArray());
        List<Conjunction[]> clauses = [merged.AtomCount > 0 ? [merged] : []];
        long count = 1;
        foreach (var d in operands.Where(d => d.Clauses.Count != 1))
        {
            count *= d.Clauses.Count;
            if (count > limits.MaxClauses) throw TooManyClauses(d.Position);
            long terms = 0;
            var product = new List<Conjunction[]>((int)count);
            foreach (var left in clauses)
                foreach (var right in d.Clauses)
                {
                    terms += left.Length + right.Length;
                    if (terms > limits.MaxClauseTerms)
                        throw d.Position.Error(source, $"distributing this formula needs more than {limits.MaxClauseTerms} terms");
                    product.Add([.. left, .. right]);
                }
            clauses = product;
        }
        return new Dnf(clauses, at);
    }

    private Exception TooManyClauses(SourcePosition at) =>
        at.Error(source, $"the property expands to more than {limits.MaxClauses} disjuncts in disjunctive normal form");
}
