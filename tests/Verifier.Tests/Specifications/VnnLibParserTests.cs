using System.Text;
using Verifier.Core.Errors;
using Verifier.Core.Numerics;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;

namespace Verifier.Tests.Specifications;

public class VnnLibParserTests
{
    /// <summary>Declarations for X_0..X_{n-1} and Y_0..Y_{m-1}, one per line.</summary>
    private static string Header(int inputs, int outputs) =>
        string.Concat(Enumerable.Range(0, inputs).Select(i => $"(declare-const X_{i} Real)\n"))
        + string.Concat(Enumerable.Range(0, outputs).Select(j => $"(declare-const Y_{j} Real)\n"));

    private const string UnitBox2 = "(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 1))\n";

    private static SafetyProperty Parse(string text, VnnLibLimits? limits = null) => VnnLibParser.ParseText(text, "p.vnnlib", limits);

    private static InputException Fails(string text, VnnLibLimits? limits = null) => Assert.Throws<InputException>(() => Parse(text, limits));

    private static Dictionary<int, double> Coefficients(OutputConstraint row) => row.Coefficients.ToDictionary(kv => kv.Key, kv => kv.Value.Value);

    [Fact]
    public void LaterAssertIsDistributedIntoEveryDisjunct()
    {
        var p = Parse(Header(2, 3) + UnitBox2
            + "(assert (or (and (>= Y_0 Y_2)) (and (>= Y_1 Y_2))))\n"
            + "(assert (<= Y_2 0.5))\n");
        var c = Assert.Single(p.Cases);
        Assert.Equal(2, c.Clauses.Count);
        foreach (var clause in c.Clauses)
        {
            Assert.Equal(2, clause.Rows.Count);
            Assert.Contains(clause.Rows, r => Coefficients(r).SequenceEqual(new Dictionary<int, double> { [2] = 1 }) && r.Bound.Value == 0.5);
        }
    }

    [Fact]
    public void InputDisjunctionsBecomeCasesThatEachGetEveryOutputClause()
    {
        var p = Parse(Header(1, 2)
            + "(assert (or (and (>= X_0 0) (<= X_0 1)) (and (>= X_0 2) (<= X_0 3))))\n"
            + "(assert (or (and (>= Y_0 1)) (and (>= Y_1 1))))\n");
        Assert.Equal(2, p.Cases.Count);
        Assert.Equal([0.0, 2.0], p.Cases.Select(c => c.Box.Lower[0].Value));
        Assert.All(p.Cases, c => Assert.Equal(2, c.Clauses.Count));
        Assert.Equal(4, p.DisjunctCount);
    }

    [Fact]
    public void NestedAndOrIsNormalised()
    {
        // (A and (B or C)) or D = AB or AC or D.
        var p = Parse(Header(1, 3) + "(assert (<= X_0 1)) (assert (>= X_0 0))\n"
            + "(assert (or (and (>= Y_0 1) (or (and (>= Y_1 1)) (and (>= Y_2 1)))) (and (>= Y_2 7))))");
        var clauses = Assert.Single(p.Cases).Clauses;
        Assert.Equal([2, 2, 1], clauses.Select(c => c.Rows.Count));
        Assert.Equal(7.0, -Assert.Single(clauses[2].Rows).Bound.Value);
    }

    [Fact]
    public void ClausesWithEqualBoxesShareACase()
    {
        var p = Parse(Header(1, 2) + "(assert (or (and (>= X_0 0) (<= X_0 1) (>= Y_0 1))\n (and (<= X_0 1.0) (>= X_0 0.0) (>= Y_1 1))))");
        Assert.Equal(2, Assert.Single(p.Cases).Clauses.Count);
    }

    [Fact]
    public void AtomsNormaliseToRowsWithEitherSideVariableOrNumber()
    {
        var p = Parse(Header(1, 2) + "(assert (<= 0 X_0)) (assert (>= 1 X_0))\n"
            + "(assert (<= 0.5 Y_0)) (assert (<= Y_1 (- 2.5))) (assert (>= Y_0 Y_1)) (assert (<= Y_1 -1e-3)) (assert (<= Y_0 Y_0))");
        var rows = Assert.Single(Assert.Single(p.Cases).Clauses).Rows;
        Assert.Equal(new Dictionary<int, double> { [0] = -1 }, Coefficients(rows[0]));
        Assert.Equal(-0.5, rows[0].Bound.Value);
        Assert.Equal(new Dictionary<int, double> { [1] = 1 }, Coefficients(rows[1]));
        Assert.Equal(-new Rational(5, 2), rows[1].Bound.Exact);
        Assert.Equal(new Dictionary<int, double> { [1] = 1, [0] = -1 }, Coefficients(rows[2]));
        Assert.Equal(-new Rational(1, 1000), rows[3].Bound.Exact);
        Assert.Empty(rows[4].Coefficients);
        var box = p.Cases[0].Box;
        Assert.Equal((0.0, 1.0), (box.Lower[0].Value, box.Upper[0].Value));
    }

    [Fact]
    public void CommentsLineBreaksAndScientificNotationAreAccepted()
    {
        var p = Parse("; header\n(declare-const X_0 Real) ; trailing\n(declare-const\n  Y_0\n  Real)\n"
            + "(assert (<= X_0\n 2.5E+1)) (assert (>= X_0 -1.5e-2)) ; (assert (<= X_0 0))\n(assert (>= Y_0 3e0))");
        var box = Assert.Single(p.Cases).Box;
        Assert.Equal(new Rational(25, 1), box.Upper[0].Exact);
        Assert.Equal(-new Rational(3, 200), box.Lower[0].Exact);
        Assert.Equal(-0.015, box.Lower[0].Value);
    }

    [Fact]
    public void TightestBoundWins()
    {
        var box = Parse(Header(1, 1) + "(assert (<= X_0 3)) (assert (<= X_0 2)) (assert (>= X_0 -1)) (assert (>= X_0 0.5)) (assert (<= X_0 2.5))").Cases[0].Box;
        Assert.Equal((0.5, 2.0), (box.Lower[0].Value, box.Upper[0].Value));
    }

    [Fact]
    public void DoubleValuesAreCorrectlyRoundedLikePythonFloat()
    {
        var box = Parse(Header(1, 1) + "(assert (>= X_0 0.029999999329447746)) (assert (<= X_0 0.1))").Cases[0].Box;
        Assert.Equal(0.029999999329447746, box.Lower[0].Value);
        Assert.Equal(new Rational(29999999329447746, 1_000_000_000_000_000_000), box.Lower[0].Exact);
        Assert.Equal(new Rational(1, 10), box.Upper[0].Exact);
        Assert.Equal(0.1, box.Upper[0].Value);
    }

    [Theory]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_0 1)", 2, 1, "never closed")]
    [InlineData("(declare-const X_0 Real))", 1, 25, "unexpected ')'")]
    [InlineData("(declare-const X_0 Real)\n  (assert (< X_0 1))", 2, 11, "strict comparison '<'")]
    [InlineData("(declare-const X_0 Real)\n(assert (= X_0 1))", 2, 9, "unsupported operator '='")]
    [InlineData("(declare-const X_0 Real)\n(assert (not (<= X_0 1)))", 2, 9, "unsupported operator 'not'")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_1 1))", 2, 13, "X_1 is used before it is declared")]
    [InlineData("(declare-const X_0 Real)\n(declare-const X_0 Real)", 2, 16, "declared twice (first at line 1, column 16)")]
    [InlineData("(declare-const X_0 Real)\n(declare-const X_2 Real)\n(declare-const Y_0 Real)", 2, 16, "X_2 is declared but X_1 is not")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_0 1.2.3))", 2, 17, "'1.2.3' is not a valid number")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_0 1e400))", 2, 17, "outside the range")]
    [InlineData("(declare-const X_0 Real)(declare-const Y_0 Real)\n(assert (<= X_0 Y_0))", 2, 9, "must compare an X variable with a number")]
    [InlineData("(declare-const X_0 Real)(declare-const X_1 Real)\n(assert (<= X_0 X_1))", 2, 9, "must compare an X variable with a number")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= 1 2))", 2, 9, "has no variable")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_0))", 2, 9, "'<=' takes 2 operands, found 1")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_0 1) (<= X_0 2))", 2, 1, "'assert' takes 1 operand, found 2")]
    [InlineData("(declare-const X_0 Real)\n(define-fun f () Real 1)", 2, 1, "unsupported command 'define-fun'")]
    [InlineData("(declare-const X_0 Real)\nassert", 2, 1, "expected '(' to start a command")]
    [InlineData("(declare-const X_0 Int)", 1, 20, "must be declared Real")]
    [InlineData("(declare-const X_0_0_0 Real)", 1, 16, "unsupported variable name 'X_0_0_0'")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= |X_0| 1))", 2, 13, "quoted symbols")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_0 foo))", 2, 17, "unknown name 'foo'")]
    [InlineData("(declare-const X_0 Real)\n(assert (<= X_0 (* 2 3)))", 2, 17, "unsupported operand (* ...)")]
    [InlineData("(declare-const X_0 Real)\n(assert (or))", 2, 9, "'or' needs at least one operand")]
    [InlineData("(declare-const X_0 Real)\n(assert X_0)", 2, 9, "expected a constraint")]
    [InlineData("(declare-const Y_0 Real)", 1, 1, "no input is declared")]
    [InlineData("(declare-const X_0 Real)", 1, 1, "no output is declared")]
    public void SyntaxErrorsNameLineAndColumn(string text, int line, int column, string problem)
    {
        var e = Fails(text);
        Assert.Equal("p.vnnlib", e.Source);
        Assert.StartsWith($"line {line}, column {column}: ", e.Problem);
        Assert.Contains(problem, e.Problem);
        Assert.Equal($"p.vnnlib: {e.Problem}", e.Message);
    }

    [Fact]
    public void UnboundedInputIsAnError()
    {
        var e = Fails(Header(4, 1) + "(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 1))"
            + "(assert (>= X_2 0)) (assert (<= X_2 1)) (assert (>= X_3 0))");
        Assert.Equal("line 4, column 16: X_3 has no upper bound (every input must be bounded on both sides)", e.Problem);
        var inDisjunct = Fails(Header(1, 1) + "(assert (or (and (>= X_0 0) (<= X_0 1)) (and (<= X_0 1))))");
        Assert.Contains("X_0 has no lower bound in disjunct 2 of 2", inDisjunct.Problem);
    }

    [Fact]
    public void EmptyBoxIsAnError()
    {
        var e = Fails(Header(1, 1) + "(assert (>= X_0 0.5))\n(assert (<= X_0 0.25))");
        Assert.Equal("line 4, column 9: X_0 has an empty range: upper bound 0.25 is below lower bound 0.5 (line 3, column 9)", e.Problem);
    }

    [Fact]
    public void NestingDepthIsLimited()
    {
        var deep = new StringBuilder(Header(1, 1) + "(assert ");
        for (int i = 0; i < 70; i++) deep.Append("(and ");
        var e = Fails(deep.ToString());
        Assert.Contains("nested deeper than 64 levels", e.Problem);
        Assert.StartsWith("line 3, column 324: ", e.Problem);
    }

    [Fact]
    public void DisjunctiveNormalFormSizeIsLimited()
    {
        const string Or = "(assert (or (and (>= Y_0 1)) (and (>= Y_0 2)) (and (>= Y_0 3))))\n";
        var ok = Parse(Header(1, 1) + "(assert (>= X_0 0)) (assert (<= X_0 1))\n" + Or + Or, new VnnLibLimits(MaxClauses: 9));
        Assert.Equal(9, ok.DisjunctCount);
        var e = Fails(Header(1, 1) + Or + Or + Or, new VnnLibLimits(MaxClauses: 9));
        Assert.StartsWith("line 5, column 9: the property expands to more than 9 disjuncts", e.Problem);
        // 2^17 disjuncts under the default limit of 100,000.
        var many = Fails(Header(1, 1) + string.Concat(Enumerable.Repeat("(assert (or (and (>= Y_0 1)) (and (>= Y_0 2))))\n", 17)));
        Assert.Contains("more than 100000 disjuncts", many.Problem);
    }

    [Fact]
    public void ManyDisjunctsShareOneLargeBox()
    {
        // An ImageNet-style query: every box atom lands in each of 999 disjuncts, and all share one case.
        const int Inputs = 5_000, Classes = 1000;
        var text = new StringBuilder(Header(Inputs, Classes));
        for (int i = 0; i < Inputs; i++) text.Append($"(assert (<= X_{i} 1)) (assert (>= X_{i} -1))\n");
        text.Append("(assert (or").AppendJoin(' ', Enumerable.Range(1, Classes - 1).Select(k => $"(and (>= Y_{k} Y_0))")).Append("))");
        var p = Parse(text.ToString());
        Assert.Equal(Classes - 1, Assert.Single(p.Cases).Clauses.Count);
        Assert.Equal(Inputs, p.Cases[0].Box.Dimension);
    }

    [Fact]
    public void OutputRowsAndInputBoxesAreLimited()
    {
        const string Box = "(assert (>= X_0 0)) (assert (<= X_0 1))\n";
        const string TwoWays = "(assert (or (and (>= Y_0 1)) (and (>= Y_0 2))))\n";
        var rows = Fails(Header(1, 1) + Box + "(assert (<= Y_0 5)) (assert (<= Y_0 6))\n" + TwoWays, new VnnLibLimits(MaxClauseTerms: 5));
        Assert.Contains("6 output constraints over all disjuncts, more than 5", rows.Problem);
        var boxes = Fails(Header(2, 1) + "(assert (or (and (>= X_0 0) (<= X_0 1)) (and (>= X_0 2) (<= X_0 3))))\n(assert (>= X_1 0)) (assert (<= X_1 1))",
            new VnnLibLimits(MaxBoxEntries: 7));
        Assert.StartsWith("line 4, column 9: the property has too many or too large distinct input boxes (2 boxes", boxes.Problem);
    }

    [Fact]
    public void FileSizeIsLimitedAndFilesAreNamedInErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vnnlib-test-{Guid.NewGuid():N}.vnnlib");
        try
        {
            File.WriteAllText(path, Header(1, 1) + "(assert (>= X_0 0)) (assert (<= X_0 1))");
            Assert.Equal(path, VnnLibParser.Parse(path).Source);
            var big = Assert.Throws<InputException>(() => VnnLibParser.Parse(path, new VnnLibLimits(MaxFileChars: 20)));
            Assert.Equal(path, big.Source);
            Assert.Contains("more than the limit of 20", big.Problem);
        }
        finally { File.Delete(path); }
        Assert.Contains("not found", Assert.Throws<InputException>(() => VnnLibParser.Parse(path)).Problem);
    }
}
