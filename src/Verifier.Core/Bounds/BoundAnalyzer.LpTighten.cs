using System.Diagnostics;
using Verifier.Core.Analysis;

namespace Verifier.Core.Bounds;

/// <summary>How the root's LP tightening ran (for the README's measurements and the CLI's detail line).</summary>
public sealed record LpTighteningReport(int Programs, int Solved, int Tightened, int Stabilised, TimeSpan Elapsed, TimeSpan Building)
{
    public static readonly LpTighteningReport None = new(0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);
}

/// <param name="PerProgram">Time limit of one LP solve.</param>
/// <param name="Parallelism">Sessions (each with its own copy of the LP) solving a layer's neurons side by side.</param>
public sealed record LpTighteningOptions(TimeSpan PerProgram, int Parallelism);

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// True when the LP stage can encode the network up to its last activation's input: affine maps and ReLUs only
    /// (fully connected and convolutional layers alike; sums, other activations and relaxed nodes are not encoded).
    /// </summary>
    public bool SupportsTriangleLp => _activations.Count > 1 && _steps.Take(_producer[_ids[_activations[^1].InputName]] + 1)
        .All(s => s.Kind == StepKind.Affine || (s.Kind == StepKind.Activation && s.Slope == 0));

    /// <summary>
    /// Tightens the unstable inputs of every activation layer after the first, layer by layer, by the triangle LP
    /// over the layers below (<see cref="BuildTriangleProgram"/>, built from the bounds tightened so far): the
    /// least and the greatest of each neuron, each a safe bound from the solver's duals
    /// (<see cref="SafeLinearBound"/>) plus the float32 error of the neuron's own affine step, intersected with the
    /// bound it replaces; every later layer is then recomputed from them. The given state is tightened in place.
    /// Once <paramref name="cancellation"/> fires, neurons not reached keep their bounds.
    /// </summary>
    public BoundState TightenByLp(BoundState root, ILinearProgramSolver solver, LpTighteningOptions options, CancellationToken cancellation,
        out LpTighteningReport report)
    {
        var clock = Stopwatch.StartNew();
        var building = TimeSpan.Zero;
        int programs = 0, solved = 0, tightened = 0, stabilised = 0;
        var state = root;
        foreach (var layer in _activations.Skip(1))
        {
            if (cancellation.IsCancellationRequested) break;
            int v = _ids[layer.InputName], step = _producer[v];
            if (_steps[step] is not { Kind: StepKind.Affine, Map: { } map } || state.Errors[step] is not { } error) break;
            var (l, u) = (state.Lower[v], state.Upper[v]);
            var unstable = Enumerable.Range(0, l.Length).Where(j => l[j] < 0 && u[j] > 0).ToArray();
            if (unstable.Length == 0) continue;
            var built = Stopwatch.StartNew();
            if (BuildTriangleProgram(state, step) is not { } lp || lp.Variables[VariableOf(_steps[step])] is not { } input) break;
            building += built.Elapsed;
            var lower = unstable.Select(j => l[j]).ToArray();
            var upper = unstable.Select(j => u[j]).ToArray();
            int sessions = Math.Clamp(options.Parallelism, 1, unstable.Length);
            var counts = new int[sessions, 2];
            Parallel.For(0, sessions, new ParallelOptions { MaxDegreeOfParallelism = sessions }, p =>
            {
                using var session = solver.Load(lp.Program);
                var row = new double[map.InSize];
                for (int k = p; k < unstable.Length && !cancellation.IsCancellationRequested; k += sessions)
                {
                    int j = unstable[k];
                    foreach (var side in new[] { 1.0, -1.0 })
                    {
                        // side * z_j = side * (A_j x + b_j + e_j) >= min side * A_j x + side * b_j - E_j.
                        var objective = MapRow(map, j, row, input, side);
                        double least = SafeLinearBound.Minimum(session, lp.Program, objective, options.PerProgram, cancellation);
                        counts[p, 0]++;
                        if (double.IsFinite(least)) counts[p, 1]++;
                        var sum = new SafeSum();
                        sum.Add(least);
                        sum.Add(side * map.Bias[j]);
                        sum.Add(-error[j]);
                        double bound = sum.Lower();
                        if (side > 0) lower[k] = Math.Max(lower[k], bound);
                        else upper[k] = Math.Min(upper[k], -bound);
                        if (lower[k] >= 0) break;
                    }
                }
            });
            for (int p = 0; p < sessions; p++) (programs, solved) = (programs + counts[p, 0], solved + counts[p, 1]);
            for (int k = 0; k < unstable.Length; k++)
            {
                int j = unstable[k];
                if (lower[k] > l[j] || upper[k] < u[j]) tightened++;
                if (lower[k] >= 0 || upper[k] <= 0) stabilised++;
                (l[j], u[j]) = (lower[k], upper[k]);
            }
            if (unstable.Any(j => !(l[j] <= u[j]))) { state.Infeasible = true; break; }
            state = Compute(state.InputLower, state.InputUpper, BoundMode.AlphaCrown, state.Splits, state, step + 1, refine: true, null, cancellation);
            if (state.Infeasible) break;
        }
        report = new LpTighteningReport(programs, solved, tightened, stabilised, clock.Elapsed, building);
        return state;
    }
}
