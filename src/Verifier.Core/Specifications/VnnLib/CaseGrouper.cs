namespace Verifier.Core.Specifications.VnnLib;

/// <summary>
/// Turns DNF clauses into property cases: the X atoms of a clause form its input box (which must bound every
/// input on both sides and be non-empty), the Y atoms its output rows; clauses with equal boxes share a case.
/// </summary>
internal sealed class CaseGrouper(string source, VnnLibLimits limits, int inputCount, IReadOnlyDictionary<int, SourcePosition> declarations)
{
    public List<PropertyCase> Group(IReadOnlyList<Conjunction[]> clauses, SourcePosition at)
    {
        long rows = clauses.Sum(c => c.Sum(x => (long)x.Outputs.Length));
        if (rows > limits.MaxClauseTerms) throw at.Error(source, $"the property has {rows} output constraints over all disjuncts, more than {limits.MaxClauseTerms}");
        long boxWork = 0;
        // Clauses built by distribution share their box conjunctions by reference: compute each box once.
        var caseBySharedAtoms = new Dictionary<Conjunction[], int>(ReferenceSequenceComparer.Instance);
        var caseByBox = new Dictionary<InputBox, int>(BoxComparer.Instance);
        var cases = new List<(InputBox Box, List<OutputClause> Clauses)>();
        for (int k = 0; k < clauses.Count; k++)
        {
            var boxAtoms = clauses[k].Where(c => c.Inputs.Length > 0).ToArray();
            if (!caseBySharedAtoms.TryGetValue(boxAtoms, out int index))
            {
                boxWork += inputCount + boxAtoms.Sum(c => (long)c.Inputs.Length);
                if (boxWork > limits.MaxBoxEntries)
                    throw at.Error(source, $"the property has too many or too large distinct input boxes ({caseBySharedAtoms.Count + 1} boxes of {inputCount} inputs exceed {limits.MaxBoxEntries} bounds)");
                var box = Box(boxAtoms, clauses.Count > 1 ? $" in disjunct {k + 1} of {clauses.Count}" : "");
                if (!caseByBox.TryGetValue(box, out index))
                {
                    index = cases.Count;
                    cases.Add((box, new List<OutputClause>()));
                    caseByBox.Add(box, index);
                }
                caseBySharedAtoms.Add(boxAtoms, index);
            }
            cases[index].Clauses.Add(new OutputClause(clauses[k].SelectMany(c => c.Outputs).ToArray()));
        }
        return cases.Select(c => new PropertyCase(c.Box, c.Clauses)).ToList();
    }

    private InputBox Box(Conjunction[] atoms, string where)
    {
        var lower = new InputBound?[inputCount];
        var upper = new InputBound?[inputCount];
        foreach (var b in atoms.SelectMany(c => c.Inputs))
        {
            var side = b.IsUpper ? upper : lower;
            var current = side[b.Index];
            bool tighter = current is null || (b.IsUpper ? b.Value.Exact < current.Value.Exact : b.Value.Exact > current.Value.Exact);
            if (tighter) side[b.Index] = b;
        }
        for (int i = 0; i < inputCount; i++)
        {
            if (lower[i] is null || upper[i] is null)
                throw declarations[i].Error(source, $"X_{i} has no {(lower[i] is null ? "lower" : "upper")} bound{where} (every input must be bounded on both sides)");
            if (lower[i]!.Value.Exact > upper[i]!.Value.Exact)
                throw upper[i]!.Position.Error(source, $"X_{i} has an empty range{where}: upper bound {upper[i]!.Value} is below lower bound {lower[i]!.Value} ({lower[i]!.Position})");
        }
        return new InputBox(lower.Select(b => b!.Value).ToArray(), upper.Select(b => b!.Value).ToArray());
    }

    private sealed class ReferenceSequenceComparer : IEqualityComparer<Conjunction[]>
    {
        public static readonly ReferenceSequenceComparer Instance = new();

        public bool Equals(Conjunction[]? x, Conjunction[]? y) =>
            x!.Length == y!.Length && x.Zip(y).All(p => ReferenceEquals(p.First, p.Second));

        public int GetHashCode(Conjunction[] obj)
        {
            var h = new HashCode();
            foreach (var c in obj) h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(c));
            return h.ToHashCode();
        }
    }

    /// <summary>Boxes are equal when their exact bounds are equal.</summary>
    private sealed class BoxComparer : IEqualityComparer<InputBox>
    {
        public static readonly BoxComparer Instance = new();

        public bool Equals(InputBox? x, InputBox? y) =>
            x!.Lower.Select(l => l.Exact).SequenceEqual(y!.Lower.Select(l => l.Exact))
            && x.Upper.Select(l => l.Exact).SequenceEqual(y.Upper.Select(l => l.Exact));

        public int GetHashCode(InputBox obj)
        {
            var h = new HashCode();
            for (int i = 0; i < obj.Dimension; i++) { h.Add(obj.Lower[i].Value); h.Add(obj.Upper[i].Value); }
            return h.ToHashCode();
        }
    }
}
