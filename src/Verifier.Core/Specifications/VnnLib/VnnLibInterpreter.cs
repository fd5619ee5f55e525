using Verifier.Core.Numerics;

namespace Verifier.Core.Specifications.VnnLib;

/// <summary>
/// Interprets the top-level commands one at a time (declarations, asserts) and turns each assert into a DNF;
/// the asserts are conjoined at the end, which distributes every one of them into every disjunct.
/// </summary>
internal sealed class VnnLibInterpreter(string text, string source, VnnLibLimits limits)
{
    private static readonly HashSet<string> IgnoredCommands = ["check-sat", "get-model", "exit", "set-logic", "set-info"];

    private readonly Dictionary<int, SourcePosition> _inputs = new();
    private readonly Dictionary<int, SourcePosition> _outputs = new();
    private readonly List<Dnf> _asserts = new();
    private readonly DnfBuilder _dnf = new(source, limits);

    public SafetyProperty Run()
    {
        var reader = new SExpressionReader(new VnnLibTokenizer(text, source), source, limits.MaxDepth);
        var start = new SourcePosition(1, 1);
        while (reader.ReadNext() is { } statement) Command(statement);
        int inputCount = CheckContiguous(Term.Input, _inputs);
        int outputCount = CheckContiguous(Term.Output, _outputs);
        var property = _dnf.And(_asserts, _asserts.Count > 0 ? _asserts[0].Position : start);
        var cases = new CaseGrouper(source, limits, inputCount, _inputs).Group(property.Clauses, property.Position);
        return new SafetyProperty(source, inputCount, outputCount, cases);
    }

    private void Command(SExpr statement)
    {
        if (statement is not SList list) throw statement.Position.Error(source, $"expected '(' to start a command, found '{((SAtom)statement).Text}'");
        switch (list.Head)
        {
            case "declare-const": Declare(list); break;
            case "assert":
                Arity(list, 1);
                _asserts.Add(Formula(list.Items[1]));
                break;
            case { } ignored when IgnoredCommands.Contains(ignored): break;
            case { } other: throw list.Position.Error(source, $"unsupported command '{other}' (expected declare-const or assert)");
            default: throw list.Position.Error(source, "expected a command name after '('");
        }
    }

    private void Declare(SList list)
    {
        Arity(list, 2);
        if (list.Items[1] is not SAtom name || !VnnLibSyntax.TryParseVariable(name.Text, out char kind, out int index))
            throw list.Items[1].Position.Error(source, $"unsupported variable name '{Describe(list.Items[1])}' (inputs are X_0, X_1, ..., outputs Y_0, Y_1, ...)");
        if (list.Items[2] is not SAtom { Text: "Real" })
            throw list.Items[2].Position.Error(source, $"{name.Text} must be declared Real, not '{Describe(list.Items[2])}'");
        var declared = kind == Term.Input ? _inputs : _outputs;
        if (!declared.TryAdd(index, name.Position))
            throw name.Position.Error(source, $"{name.Text} is declared twice (first at {declared[index]})");
    }

    private Dnf Formula(SExpr e)
    {
        if (e is not SList list) throw e.Position.Error(source, $"expected a constraint such as (<= X_0 1), found '{Describe(e)}'");
        switch (list.Head)
        {
            case "and" or "or":
                if (list.Items.Count < 2) throw list.Position.Error(source, $"'{list.Head}' needs at least one operand");
                var operands = list.Items.Skip(1).Select(Formula).ToList();
                return list.Head == "and" ? _dnf.And(operands, list.Position) : _dnf.Or(operands, list.Position);
            case "<=" or ">=":
                Arity(list, 2);
                var (a, b) = (Operand(list.Items[1]), Operand(list.Items[2]));
                return list.Head == "<=" ? Comparison(a, b, list.Position) : Comparison(b, a, list.Position);
            case "<" or ">":
                throw list.Position.Error(source, $"strict comparison '{list.Head}' is not supported (VNN-LIB uses <= and >=)");
            case { } other:
                throw list.Position.Error(source, $"unsupported operator '{other}' (expected and, or, <=, >=)");
            default:
                throw list.Position.Error(source, "expected an operator after '('");
        }
    }

    /// <summary>The atom lhs &lt;= rhs: an input bound, or an output row sum c_j Y_j &lt;= b.</summary>
    private Dnf Comparison(Term lhs, Term rhs, SourcePosition at)
    {
        if (lhs.Kind == Term.Input || rhs.Kind == Term.Input)
        {
            var (variable, number) = lhs.Kind == Term.Input ? (lhs, rhs) : (rhs, lhs);
            if (!number.IsNumber)
                throw at.Error(source, $"input constraints must compare an X variable with a number, found {lhs} and {rhs}");
            return Dnf.Of(new InputBound(variable.Index, IsUpper: lhs.Kind == Term.Input, number.Value, at));
        }
        if (lhs.IsNumber && rhs.IsNumber) throw at.Error(source, $"the comparison has no variable ({lhs} and {rhs})");
        var coefficients = new Dictionary<int, Literal>();
        var bound = Literal.Of(Rational.Zero);
        if (lhs.IsNumber) bound = VnnLibSyntax.Negate(lhs.Value); else coefficients[lhs.Index] = Literal.Of(new Rational(1, 1));
        if (rhs.IsNumber) bound = rhs.Value;
        else if (!coefficients.Remove(rhs.Index)) coefficients[rhs.Index] = Literal.Of(new Rational(-1, 1));
        return Dnf.Of(new OutputConstraint(coefficients, bound), at);
    }

    private Term Operand(SExpr e)
    {
        if (e is SAtom atom)
        {
            if (VnnLibSyntax.LooksNumeric(atom.Text))
                return new Term(Term.Number, -1, VnnLibSyntax.ParseNumber(atom.Text, atom.Position, source), atom.Position);
            if (!VnnLibSyntax.TryParseVariable(atom.Text, out char kind, out int index))
                throw atom.Position.Error(source, $"unknown name '{atom.Text}' (expected X_i, Y_j or a number)");
            if (!(kind == Term.Input ? _inputs : _outputs).ContainsKey(index))
                throw atom.Position.Error(source, $"{atom.Text} is used before it is declared");
            return new Term(kind, index, default, atom.Position);
        }
        // SMT-LIB writes negative numbers as (- 0.5).
        if (e is SList { Head: "-", Items: [_, SAtom n] } && VnnLibSyntax.LooksNumeric(n.Text) && n.Text[0] != '-')
            return new Term(Term.Number, -1, VnnLibSyntax.Negate(VnnLibSyntax.ParseNumber(n.Text, n.Position, source)), e.Position);
        throw e.Position.Error(source, $"unsupported operand {Describe(e)} (expected X_i, Y_j, a number or (- number))");
    }

    private int CheckContiguous(char kind, Dictionary<int, SourcePosition> declared)
    {
        if (declared.Count == 0)
            throw new SourcePosition(1, 1).Error(source, $"no {(kind == Term.Input ? "input" : "output")} is declared (expected (declare-const {kind}_0 Real))");
        for (int i = 0; i < declared.Count; i++)
            if (!declared.ContainsKey(i))
            {
                var (max, at) = declared.MaxBy(p => p.Key);
                throw at.Error(source, $"{kind}_{max} is declared but {kind}_{i} is not (indices must run from 0 without gaps)");
            }
        return declared.Count;
    }

    private void Arity(SList list, int operands)
    {
        if (list.Items.Count != operands + 1)
            throw list.Position.Error(source, $"'{list.Head}' takes {operands} operand{(operands == 1 ? "" : "s")}, found {list.Items.Count - 1}");
    }

    private static string Describe(SExpr e) => e switch
    {
        SAtom a => a.Text,
        SList { Head: { } h } => $"({h} ...)",
        _ => "(...)",
    };
}
