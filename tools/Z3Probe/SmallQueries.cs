using System.Text;
using Verifier.Core.Numerics;
using Verifier.Smt;

namespace Verifier.Tools.Z3Probe;

/// <summary>Random small QF_LRA queries: three bounded reals, four rows with small integer coefficients.</summary>
internal static class SmallQueries
{
    public sealed record Row(int[] Coefficients, int Bound);

    public static Row[][] Generate(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 4)
            .Select(_ => new Row(Enumerable.Range(0, 3).Select(_ => random.Next(-5, 6)).ToArray(), random.Next(-12, 4))).ToArray()).ToArray();
    }

    /// <summary>"sat x0 x1 x2" with exact values, or "unsat"/"unknown".</summary>
    public static string SolveOwned(Row[] rows, bool simple)
    {
        using var z3 = new Z3Context();
        return Solve(z3, rows, simple);
    }

    public static string[] SolveOwnedSharedContext(Row[][] queries)
    {
        using var z3 = new Z3Context();
        return queries.Select(q => Solve(z3, q, simple: true)).ToArray();
    }

    private static string Solve(Z3Context z3, Row[] rows, bool simple)
    {
        using var solver = z3.Solver(simple: simple);
        var x = Enumerable.Range(0, 3).Select(i => z3.RealConstant($"x{i}")).ToArray();
        foreach (var v in x)
        {
            solver.Assert(z3.Le(z3.Real(new Rational(-10, 1)), v));
            solver.Assert(z3.Le(v, z3.Real(new Rational(10, 1))));
        }
        foreach (var row in rows)
            solver.Assert(z3.Le(z3.Add(row.Coefficients.Select((c, i) => z3.Mul(z3.Real(new Rational(c, 1)), x[i])).ToArray()), z3.Real(new Rational(row.Bound, 1))));
        var status = solver.Check();
        return status switch
        {
            Z3Status.Sat => "sat " + string.Join(" ", x.Select(v => solver.Value(v))),
            Z3Status.Unsat => "unsat",
            _ => "unknown",
        };
    }

    public static string[] SolveExternal(Row[][] queries)
    {
        using var z3 = new Z3Process();
        var answers = new string[queries.Length];
        for (int q = 0; q < queries.Length; q++)
        {
            var text = new StringBuilder("(push)\n");
            for (int i = 0; i < 3; i++) text.Append($"(declare-const x{i} Real)(assert (<= (- 10) x{i} 10))\n");
            foreach (var row in queries[q])
                text.Append($"(assert (<= (+ {string.Join(" ", row.Coefficients.Select((c, i) => $"(* {Int(c)} x{i})"))}) {Int(row.Bound)}))\n");
            z3.Send(text.ToString());
            answers[q] = z3.CheckSat();
            if (answers[q] == "sat") z3.GetValue("x0 x1 x2"); // read the model back too, as a real client must
            z3.Send("(pop)\n");
        }
        return answers;
    }

    private static string Int(int v) => v < 0 ? $"(- {-v})" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Checks an owned-binding model against its rows in exact arithmetic.</summary>
    public static bool ModelHolds(Row[] rows, string answer)
    {
        if (!answer.StartsWith("sat")) return true;
        var x = answer.Split(' ')[1..].Select(Z3Context.ParseNumeral).ToArray();
        return rows.All(r => r.Coefficients.Select((c, i) => new Rational(c, 1) * x[i]).Aggregate(Rational.Zero, (a, b) => a + b) <= new Rational(r.Bound, 1));
    }
}
