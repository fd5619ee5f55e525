using System.Diagnostics;
using Verifier.Core.Bounds;
using Verifier.Core.Numerics;
using Verifier.Core.Specifications;
using Verifier.Smt;

namespace Verifier.Tools.Z3Probe;

/// <summary>
/// One mid-size query: ACAS Xu 1_1 on VNN-COMP property 3 (unsafe iff Y0 is minimal), its box shrunk
/// around the centre, bounds only from the encoding's own interval arithmetic. Owned binding vs the same
/// SMT-LIB text (Z3_solver_to_string) fed to `z3 -in`.
/// </summary>
internal static class NetworkQuery
{
    private static readonly double[] Lower = [-0.303531156, -0.009549297, 0.493380324, 0.3, 0.3];
    private static readonly double[] Upper = [-0.298552812, 0.009549297, 0.5, 0.5, 0.5];

    public static void Run(string nnet, int layers, double fraction, bool satisfiable, TimeSpan timeout)
    {
        var graph = NnetReader.Read(nnet, layers);
        var lo = Lower.Select((l, i) => (l + Upper[i]) / 2 - fraction * (Upper[i] - l) / 2).ToArray();
        var hi = Lower.Select((l, i) => (l + Upper[i]) / 2 + fraction * (Upper[i] - l) / 2).ToArray();
        var box = new InputBox(lo.Select(Literal.Of).ToArray(), hi.Select(Literal.Of).ToArray());
        // Unsafe iff output k is minimal, for the k minimal at the centre when `satisfiable`, else k = 0 (property 3).
        var centre = lo.Select((l, i) => (l + hi[i]) / 2).ToArray();
        var y = Verifier.Core.Evaluation.Evaluator.EvaluateFlat<double>(graph, centre)[..5];
        int k = satisfiable ? Array.IndexOf(y, y.Min()) : 0;
        var rows = Enumerable.Range(0, 5).Where(j => j != k).Select(j => new OutputConstraint(new Dictionary<int, Literal>
            { [k] = Literal.Of(1.0), [j] = Literal.Of(-1.0) }, Literal.Of(0.0))).ToArray();
        var problem = new PropertyCase(box, [new OutputClause(rows)]);
        var noBounds = new NetworkBounds(new Dictionary<string, ValueBounds>());

        var clock = Stopwatch.StartNew();
        var text = Z3ExactSolver.ToSmtLib(graph, problem, noBounds);
        var encodeMs = clock.Elapsed.TotalMilliseconds;
        if (Environment.GetEnvironmentVariable("Z3PROBE_DUMP") is { Length: > 0 } dump) File.WriteAllText(dump, text);
        clock.Restart();
        var name = $"ACAS Xu 1_1 first {layers} layers, box x{fraction} of prop 3, output {k} minimal";
        Console.WriteLine($"{name}: encoding {encodeMs:F0} ms, {text.Count(c => c == '\n')} SMT-LIB lines, {CountOf(text, "(declare-fun d")} indicators");
        foreach (var simple in new[] { false, true })
        {
            clock.Restart();
            var result = new Z3ExactSolver(simple).Solve(graph, problem, noBounds, timeout, CancellationToken.None);
            Console.WriteLine($"{name}: owned binding ({(simple ? "simple" : "default")} solver) {result.Verdict} in {clock.Elapsed.TotalMilliseconds:F0} ms {result.Detail}");
        }

        clock.Restart();
        using var z3 = new Z3Process();
        z3.Send($"(set-option :timeout {timeout.TotalMilliseconds})\n");
        z3.Send(text);
        var answer = z3.CheckSat();
        Console.WriteLine($"{name}: z3 -in on the same text {answer} in {clock.Elapsed.TotalMilliseconds:F0} ms (incl. process start and parsing)");
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
