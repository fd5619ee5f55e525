using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Numerics;
using Verifier.Core.Specifications;

namespace Verifier.Core.Results;

/// <summary>A concrete counterexample and the outputs the model computes for it.</summary>
public sealed record Witness(double[] Input, double[] OutputFloat32, double[] OutputFloat64, int CaseIndex, int ClauseIndex);

/// <summary>
/// The only gate to a "sat"/falsified answer: the point must lie in a case's box and violate the property
/// with zero tolerance when the model is re-executed both in float32 (as it computes) and in float64.
/// </summary>
public static class WitnessCheck
{
    /// <summary>
    /// Returns the validated witness, or null with the reason. The point and its float32 rounding (what the model
    /// computes on) must both lie in the box: that is how witnesses of our own are held.
    /// </summary>
    public static Witness? Validate(NetworkGraph graph, SafetyProperty property, ReadOnlySpan<double> input, out string reason)
    {
        var x = input.ToArray();
        var x32AsDouble = x.Select(v => (double)(float)v).ToArray();
        return Validate(graph, property, x, box => box.Contains(x) && box.Contains(x32AsDouble), out reason);
    }

    /// <summary>
    /// Validates a witness as another tool wrote it: box membership is judged on the exact values as written (a
    /// published counterexample may sit exactly on a decimal box edge such as -0.45, which float32 cannot hold), and
    /// the model runs on their float32 rounding, as ONNX Runtime does, and in float64.
    /// </summary>
    public static Witness? ValidateAsWritten(NetworkGraph graph, SafetyProperty property, IReadOnlyList<Rational> written, out string reason)
    {
        var x = written.Select(v => v.ToDouble()).ToArray();
        return Validate(graph, property, x, box => box.ContainsExactly(written), out reason);
    }

    private static Witness? Validate(NetworkGraph graph, SafetyProperty property, double[] x, Func<InputBox, bool> inBox, out string reason)
    {
        if (x.Length != graph.InputShape.ElementCount || x.Length != property.InputCount)
        {
            reason = $"witness has {x.Length} inputs, the network takes {graph.InputShape.ElementCount}";
            return null;
        }
        var x32 = x.Select(v => (float)v).ToArray();
        var y32 = Evaluator.EvaluateFlat<float>(graph, x32).Select(v => (double)v).ToArray();
        var y64 = Evaluator.EvaluateFlat<double>(graph, x);
        reason = "the point is in no input box of the property";
        for (int c = 0; c < property.Cases.Count; c++)
        {
            var pc = property.Cases[c];
            if (!inBox(pc.Box)) continue;
            reason = "the outputs satisfy no unsafe clause at zero tolerance in both float32 and float64";
            if (pc.Clauses.Count == 0) return new Witness(x, y32, y64, c, -1);
            for (int k = 0; k < pc.Clauses.Count; k++)
                if (pc.Clauses[k].HoldsExactly(y32) && pc.Clauses[k].HoldsExactly(y64))
                    return new Witness(x, y32, y64, c, k);
        }
        return null;
    }

    /// <summary>Clamps the candidate into the nearest case box (by the first box that contains it after clamping), then validates.</summary>
    public static Witness? ClampAndValidate(NetworkGraph graph, SafetyProperty property, ReadOnlySpan<double> candidate, out string reason)
    {
        reason = "no box";
        foreach (var pc in property.Cases)
        {
            // Clamp in float32 so the float32 input the model sees is itself inside the box.
            var clamped = pc.Box.Clamp(candidate);
            for (int i = 0; i < clamped.Length; i++)
            {
                double f = (float)clamped[i];
                if (f < pc.Box.InnerLower[i]) f = MathF.BitIncrement((float)f);
                if (f > pc.Box.InnerUpper[i]) f = MathF.BitDecrement((float)f);
                clamped[i] = f;
            }
            var w = Validate(graph, property, clamped, out reason);
            if (w is not null) return w;
        }
        return null;
    }
}
