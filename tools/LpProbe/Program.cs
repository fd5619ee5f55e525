using System.Diagnostics;
using Verifier.Core.Bounds;
using Verifier.Lp;
using Verifier.Pipeline;

// Measures the root LP tightening on one instance: unstable neurons and bound widths per layer before and after,
// LP count and time. Usage: LpProbe MODEL.onnx SPEC.vnnlib [GLOP|CLP|PDLP] [seconds per LP] [seconds in all]
var input = ModelAndProperty.Load(args[0], args[1]);
string solverId = args.Length > 2 ? args[2] : "GLOP";
double perLp = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5;
using var cap = new CancellationTokenSource();
if (args.Length > 4) cap.CancelAfter(TimeSpan.FromSeconds(double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)));
var analyzer = new BoundAnalyzer(input.Graph);
var box = input.Property.Cases[0].Box;
var clock = Stopwatch.StartNew();
var state = analyzer.Compute(box.Lower.Select(v => v.Value).ToArray(), box.Upper.Select(v => v.Value).ToArray(), BoundMode.AlphaCrown,
    optimiseIntermediate: new AlphaOptions(Iterations: 20));
Console.WriteLine($"root alpha-CROWN {clock.Elapsed.TotalSeconds:F1} s, LP supported: {analyzer.SupportsTriangleLp}");
var before = analyzer.Activations.Select(a => Summary(state.ActivationInput(a))).ToArray();
clock.Restart();
var recorder = new GapRecorder(new OrToolsLpSolver(solverId, Environment.GetEnvironmentVariable("LP_PARAMS")));
var tightened = analyzer.TightenByLp(state, recorder, new LpTighteningOptions(TimeSpan.FromSeconds(perLp), 2), cap.Token, out var report);
Console.WriteLine($"{solverId}: {report.Programs} LPs ({report.Solved} solved) in {clock.Elapsed.TotalSeconds:F1} s " +
    $"({1000 * (report.Elapsed - report.Building).TotalSeconds / Math.Max(1, report.Programs):F0} ms per LP, 2 sessions; building {report.Building.TotalSeconds:F1} s); " +
    $"{report.Tightened} neurons tightened, {report.Stabilised} stabilised; " +
    $"claimed optimum - safe bound: max {recorder.MaxGap:G3}, mean {recorder.SumGap / Math.Max(1, recorder.Count):G3}");
for (int a = 0; a < analyzer.Activations.Count; a++)
{
    var after = Summary(tightened.ActivationInput(analyzer.Activations[a]));
    Console.WriteLine($"layer {a}: unstable {before[a].Unstable} -> {after.Unstable}, sum of widths {before[a].Width:F1} -> {after.Width:F1}");
}

static (int Unstable, double Width) Summary(ValueBounds b) =>
    (Enumerable.Range(0, b.Length).Count(j => b.Lower[j] < 0 && b.Upper[j] > 0), Enumerable.Range(0, b.Length).Sum(j => b.Upper[j] - b.Lower[j]));

/// <summary>Records how far each safe bound falls below the solver's claimed optimum (tightness lost to rounding).</summary>
sealed class GapRecorder(Verifier.Core.Analysis.ILinearProgramSolver inner) : Verifier.Core.Analysis.ILinearProgramSolver
{
    public double MaxGap, SumGap;
    public int Count;

    public Verifier.Core.Analysis.ILinearProgramSession Load(Verifier.Core.Analysis.LinearProgram program) => new Session(this, inner.Load(program), program);

    private sealed class Session(GapRecorder owner, Verifier.Core.Analysis.ILinearProgramSession inner, Verifier.Core.Analysis.LinearProgram program)
        : Verifier.Core.Analysis.ILinearProgramSession
    {
        public Verifier.Core.Analysis.LinearProgramSolution Minimize(IReadOnlyList<(int Column, double Coefficient)> objective, TimeSpan limit, CancellationToken cancellation)
        {
            var s = inner.Minimize(objective, limit, cancellation);
            if (s.Status != Verifier.Core.Analysis.LinearProgramStatus.Optimal) return s;
            double gap = s.Objective - Verifier.Core.Analysis.SafeLinearBound.Lower(program, objective, s.RowDuals);
            lock (owner) { owner.MaxGap = Math.Max(owner.MaxGap, gap); owner.SumGap += gap; owner.Count++; }
            return s;
        }

        public void Dispose() => inner.Dispose();
    }
}
