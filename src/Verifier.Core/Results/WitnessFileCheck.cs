using System.Globalization;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Specifications;

namespace Verifier.Core.Results;

/// <summary>
/// What a result file's witness establishes. <see cref="Confirmed"/> comes only from our zero-tolerance
/// re-execution; <see cref="ExecutionMatches"/> says whether the organisers' checker would accept the file's Y.
/// <see cref="Inputs"/> says which representation of the inputs each part of the check used.
/// </summary>
public sealed record WitnessFileReport(bool Confirmed, bool ExecutionMatches, double OutputRelativeError, Witness? Witness, string Reason,
    string Inputs = "");

/// <summary>Checks the witness in a VNN-COMP result file (ours or another tool's) against a model and property.</summary>
public static class WitnessFileCheck
{
    /// <summary>VNN-COMP's COUNTEREXAMPLE_RTOL: the file's Y must match the model's within this relative L-inf error.</summary>
    public const double OrganiserOutputTolerance = 1e-3;

    public static WitnessFileReport Check(NetworkGraph graph, SafetyProperty property, ResultFileContent result)
    {
        if (result.Verdict != Verdict.Falsified || result.Inputs is null)
            return new WitnessFileReport(false, false, double.NaN, null, $"the result is '{result.Verdict.VnnComp()}' without a witness");
        if (result.Inputs.Length != graph.InputShape.ElementCount)
            return new WitnessFileReport(false, false, double.NaN, null, $"the witness has {result.Inputs.Length} inputs, the model takes {graph.InputShape.ElementCount}");

        // The organisers run the model on X cast to float32 and compare with the file's Y.
        var x32 = result.Inputs.Select(v => (float)v).ToArray();
        var model = Evaluator.EvaluateFlat<float>(graph, x32);
        double error = RelativeError(result.Outputs ?? [], model);
        bool matches = error <= OrganiserOutputTolerance;

        if (result.WrittenInputs is not { } written)
            return new WitnessFileReport(false, matches, error, null, "an input of the witness is not a finite number");
        var witness = WitnessCheck.ValidateAsWritten(graph, property, written, out var reason);
        if (witness is not null) reason = matches ? "the witness violates the property at zero tolerance" : "the witness violates the property at zero tolerance, but the file's outputs do not match the model's";
        else if (!matches) reason += "; the file's outputs do not match the model's either";
        return new WitnessFileReport(witness is not null, matches, error, witness, reason, DescribeInputs(property, witness, x32));
    }

    /// <summary>Which values were checked where, and whether the float32 rounding left the box of the witness's case.</summary>
    private static string DescribeInputs(SafetyProperty property, Witness? witness, float[] x32)
    {
        const string checkedOn = "box membership judged on the values as written (exact decimals); the model ran on their float32 rounding (as ONNX Runtime does) and in float64";
        if (witness is null) return checkedOn;
        var box = property.Cases[witness.CaseIndex].Box;
        int i = box.FirstOutside(x32.Select(v => (double)v).ToArray());
        if (i < 0) return checkedOn + "; the float32 rounding lies in the box too";
        string bound = x32[i] < box.Lower[i].Value ? $">= {box.Lower[i]}" : $"<= {box.Upper[i]}";
        return checkedOn + $"; the float32 rounding of X_{i}, {((double)x32[i]).ToString("R", CultureInfo.InvariantCulture)}, is outside the box ({bound})";
    }

    /// <summary>max |y_file - y_model| / max |y_file| as in the organisers' checker (infinite on a length mismatch).</summary>
    private static double RelativeError(double[] fileY, float[] modelY)
    {
        if (fileY.Length != modelY.Length) return double.PositiveInfinity;
        double diff = 0, norm = 0;
        for (int i = 0; i < fileY.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(fileY[i] - modelY[i]));
            norm = Math.Max(norm, Math.Abs(fileY[i]));
        }
        return norm > 0 ? diff / norm : diff;
    }
}
