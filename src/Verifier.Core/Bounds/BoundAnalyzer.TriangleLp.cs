using Verifier.Core.Analysis;

namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// The triangle relaxation of the steps before <paramref name="endStep"/> as an LP over the state's bounds, or
    /// null when a step there is neither an affine map nor a ReLU, or a bound is not finite. Every value gets one
    /// variable per element, boxed by its sound bounds, except where the state fixes it: a ReLU output whose input
    /// is at most 0 is exactly 0 (no variable), one whose input is at least 0 is its input (the same variable).
    /// An affine output y = A x + b is the row b - E &lt;= y - A x &lt;= b + E, E the float32 error bound the bound
    /// engine charges for the step, so the float32 network's values satisfy every row; an unstable ReLU gets
    /// h &gt;= 0, h &gt;= z and h - s z &lt;= t with s = u / (u - l) and t, rounded up, the larger of the line's two ends.
    /// </summary>
    private TriangleProgram? BuildTriangleProgram(BoundState state, int endStep)
    {
        var program = new LinearProgram();
        var variables = new int[_names.Count][];
        if (!(variables[0] = BoxVariables(program, state, 0)).Any()) return null;
        for (int s = 0; s < endStep; s++)
        {
            var step = _steps[s];
            var output = step.Output;
            if (step.Kind == StepKind.Affine && state.Errors[s] is { } error)
            {
                if (variables[VariableOf(step)] is not { } input || !(variables[output] = BoxVariables(program, state, output)).Any()) return null;
                var row = new double[step.Map!.InSize];
                for (int o = 0; o < step.Map.OutSize; o++)
                {
                    var terms = MapRow(step.Map, o, row, input, -1);
                    terms.Add((variables[output][o], 1));
                    double b = step.Map.Bias[o];
                    // An exact step (data movement) keeps b itself: solvers like PDLP dislike limits of 1e-300.
                    bool exact = error[o] == 0;
                    program.AddRow(terms, exact ? b : Rounding.Down(b - error[o]), exact ? b : Rounding.Up(b + error[o]));
                }
            }
            else if (step.Kind == StepKind.Activation && step.Slope == 0 && variables[step.Inputs[0]] is { } z)
                variables[output] = ReluVariables(program, z, state.Lower[step.Inputs[0]], state.Upper[step.Inputs[0]]);
            else return null;
        }
        return new TriangleProgram(program, variables);
    }

    /// <summary>For tests: the LP below an activation layer's input, and the variables of every value in it by name.</summary>
    internal (LinearProgram Program, Dictionary<string, int[]> Variables)? TriangleProgramBelow(BoundState state, ActivationLayer layer)
    {
        if (BuildTriangleProgram(state, _producer[_ids[layer.InputName]]) is not { } lp) return null;
        return (lp.Program, Enumerable.Range(0, _names.Count).Where(id => lp.Variables[id] is not null).ToDictionary(id => _names[id], id => lp.Variables[id]!));
    }

    /// <summary>The LP and, per value id, each element's variable (-1: the element is exactly 0; null: not in the LP).</summary>
    private sealed record TriangleProgram(LinearProgram Program, int[]?[] Variables);

    /// <summary>One variable per element of a value, boxed by its bounds; empty when a bound is not finite.</summary>
    private static int[] BoxVariables(LinearProgram program, BoundState state, int id)
    {
        var (l, u) = (state.Lower[id], state.Upper[id]);
        if (!l.All(double.IsFinite) || !u.All(double.IsFinite)) return [];
        return Enumerable.Range(0, l.Length).Select(j => program.AddVariable(l[j], u[j])).ToArray();
    }

    private static int[] ReluVariables(LinearProgram program, int[] z, double[] lower, double[] upper)
    {
        var h = new int[z.Length];
        for (int j = 0; j < z.Length; j++)
        {
            double l = lower[j], u = upper[j];
            if (u <= 0) { h[j] = -1; continue; }
            if (l >= 0) { h[j] = z[j]; continue; }
            h[j] = program.AddVariable(0, u);
            program.AddRow([(h[j], 1), (z[j], -1)], 0, double.PositiveInfinity);
            // max(0, z) - s z is convex, so its largest value on [l, u] is at an end: -s l or u (1 - s).
            double slope = u / (u - l);
            program.AddRow([(h[j], 1), (z[j], -slope)], double.NegativeInfinity, Rounding.Up(Math.Max(-slope * l, u * (1 - slope))));
        }
        return h;
    }

    /// <summary>Row o of the map times <paramref name="sign"/>, on the LP variables of its input (exact zeros dropped).</summary>
    private static List<(int Column, double Coefficient)> MapRow(AffineMap map, int o, double[] buffer, int[] input, double sign)
    {
        var unit = new double[map.OutSize];
        unit[o] = sign;
        Array.Clear(buffer);
        map.AccumulateTranspose(unit, buffer);
        var terms = new List<(int, double)>();
        for (int i = 0; i < buffer.Length; i++)
            if (buffer[i] != 0 && input[i] >= 0) terms.Add((input[i], buffer[i]));
        return terms;
    }
}
