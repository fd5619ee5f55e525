using System.Diagnostics;
using Verifier.Smt;
using Verifier.Core.Numerics;

var clock = Stopwatch.StartNew();
for (int i = 0; i < 20; i++) { using var z = new Z3Context(); }
Console.WriteLine($"context: {clock.Elapsed.TotalMilliseconds / 20:F2} ms");
clock.Restart();
using (var z = new Z3Context())
{
    for (int i = 0; i < 20; i++) { using var s = z.Solver(); s.Assert(z.Le(z.RealConstant(), z.Real(new Rational(i, 1)))); s.Check(); }
}
Console.WriteLine($"solver+check on shared context: {clock.Elapsed.TotalMilliseconds / 20:F2} ms");
