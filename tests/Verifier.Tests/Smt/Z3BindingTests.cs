using System.Diagnostics;
using System.Numerics;
using Verifier.Core.Numerics;
using Verifier.Smt;

namespace Verifier.Tests.Smt;

public class Z3BindingTests
{
    public static TheoryData<string> Numerals => new()
    {
        "0", "-7", "1/3", "-22/7", "123456789012345678901234567890/987654321098765432109876543211",
        Rational.FromDouble(1e-30).ToString(), Rational.FromDouble(float.Epsilon).ToString(), Rational.FromDouble(-3.4028234663852886e38).ToString(),
    };

    [Theory]
    [MemberData(nameof(Numerals))]
    public void Numerals_round_trip_exactly(string text)
    {
        var value = Z3Context.ParseNumeral(text);
        using var z3 = new Z3Context();
        var solver = z3.Solver();
        var x = z3.RealConstant("x");
        solver.Assert(z3.Eq(x, z3.Real(value)));
        Assert.Equal(Z3Status.Sat, solver.Check());
        Assert.Equal(value, solver.Value(x));
    }

    [Fact]
    public void Decides_sat_with_exact_model_and_unsat()
    {
        using var z3 = new Z3Context();
        var solver = z3.Solver();
        var (x, y) = (z3.RealConstant("x"), z3.RealConstant("y"));
        solver.Assert(z3.Eq(z3.Add(x, y), z3.Real(new Rational(1, 1))));
        solver.Assert(z3.Eq(z3.Add(x, z3.Mul(z3.Real(new Rational(-1, 1)), y)), z3.Real(new Rational(1, 3))));
        Assert.Equal(Z3Status.Sat, solver.Check());
        Assert.Equal(new Rational(2, 3), solver.Value(x));
        Assert.Equal(new Rational(1, 3), solver.Value(y));
        solver.Assert(z3.Lt(x, z3.Real(new Rational(1, 2))));
        Assert.Equal(Z3Status.Unsat, solver.Check());
        Assert.Throws<InvalidOperationException>(() => solver.Value(x));
    }

    [Fact]
    public void Quantified_formulas_are_decided()
    {
        using var z3 = new Z3Context();
        var solver = z3.Solver();
        var (x, y) = (z3.RealConstant("x"), z3.RealConstant("y"));
        var zero = z3.Real(Rational.Zero);
        // forall y in [0, 1]: x <= y, i.e. x <= 0 ...
        var forall = z3.ForAll([y], z3.Or(z3.Lt(y, zero), z3.Lt(z3.Real(new Rational(1, 1)), y), z3.Le(x, y)));
        solver.Assert(forall);
        Assert.Equal(Z3Status.Sat, solver.Check());
        Assert.True(solver.Value(x) <= Rational.Zero);
        // ... so it contradicts x > 0.
        solver.Assert(z3.Lt(zero, x));
        Assert.Equal(Z3Status.Unsat, solver.Check());
    }

    [Fact]
    public void Errors_become_exceptions_not_process_exits()
    {
        using var z3 = new Z3Context();
        var e = Assert.Throws<Z3Exception>(() => z3.Le(z3.RealConstant(), z3.BoolConstant()));
        Assert.Contains("Z3 error", e.Message);
        Assert.Equal(Z3Status.Sat, z3.Solver().Check()); // the context is still usable
    }

    [Fact]
    public void Timeout_stops_a_hard_query()
    {
        using var z3 = new Z3Context();
        var solver = z3.Solver(TimeSpan.FromMilliseconds(200));
        AssertPigeonhole(z3, solver, 14);
        var clock = Stopwatch.StartNew();
        Assert.Equal(Z3Status.Unknown, solver.Check());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("timeout", solver.ReasonUnknown);
    }

    [Fact]
    public async Task Interrupt_from_another_thread_stops_a_query()
    {
        using var z3 = new Z3Context();
        var solver = z3.Solver();
        AssertPigeonhole(z3, solver, 14);
        var clock = Stopwatch.StartNew();
        var interrupter = Task.Run(async () => { await Task.Delay(300); solver.Interrupt(); });
        Assert.Equal(Z3Status.Unknown, solver.Check());
        await interrupter;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("interrupt", solver.ReasonUnknown);
    }

    [Fact]
    public void Contexts_dispose_deterministically_in_a_loop()
    {
        long before = 0;
        for (int i = 0; i < 120; i++)
        {
            if (i == 20) { GC.Collect(); before = Process.GetCurrentProcess().WorkingSet64; }
            using var z3 = new Z3Context();
            using var solver = z3.Solver(TimeSpan.FromSeconds(5));
            var x = z3.RealConstant("x");
            solver.Assert(z3.Le(z3.Real(new Rational(i, 7)), x));
            Assert.Equal(Z3Status.Sat, solver.Check());
            Assert.True(solver.Value(x) >= new Rational(i, 7));
            solver.Interrupt(); // harmless when idle
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long growth = Process.GetCurrentProcess().WorkingSet64 - before;
        Assert.True(growth < 48L << 20, $"working set grew by {growth >> 20} MiB over 100 contexts");
    }

    /// <summary>n + 1 pigeons in n holes: unsat, and exponentially hard for resolution.</summary>
    private static void AssertPigeonhole(Z3Context z3, Z3Solver solver, int holes)
    {
        var p = new Z3Expr[holes + 1, holes];
        for (int i = 0; i <= holes; i++)
            for (int j = 0; j < holes; j++) p[i, j] = z3.BoolConstant($"p{i}_{j}");
        for (int i = 0; i <= holes; i++)
            solver.Assert(z3.Or(Enumerable.Range(0, holes).Select(j => p[i, j]).ToArray()));
        for (int j = 0; j < holes; j++)
            for (int i = 0; i <= holes; i++)
                for (int k = i + 1; k <= holes; k++)
                    solver.Assert(z3.Not(z3.And(p[i, j], p[k, j])));
    }
}
