using System.CommandLine;
using System.Globalization;
using Verifier.Pipeline;
using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Core.Results;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify witness MODEL SPEC RESULTFILE`: re-checks a result file's counterexample at zero tolerance in float32
/// and float64. Exit 1 when it is a valid violation, 2 when it does not establish one.
/// </summary>
public static class WitnessCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var spec = new Argument<string>("spec") { Description = "VNN-LIB property file." };
        var resultFile = new Argument<string>("result-file") { Description = "VNN-COMP result file with a sat witness." };
        var json = CommonOptions.Json();
        var command = new Command("witness", "Re-check a result file's counterexample with zero tolerance.") { model, spec, resultFile, json };
        command.SetAction(parse =>
        {
            var input = ModelAndProperty.Load(parse.GetValue(model)!, parse.GetValue(spec)!);
            var path = parse.GetValue(resultFile)!;
            var content = ResultFile.Read(path);
            if (content.Verdict != Verdict.Falsified || content.Inputs is null)
                throw new InputException(path, $"holds '{content.Verdict.VnnComp()}', not a sat witness");
            var witness = WitnessCheck.Validate(input.Graph, input.Property, content.Inputs, out var reason);
            var ours = Evaluator.EvaluateFlat<float>(input.Graph, content.Inputs.Select(v => (float)v).ToArray());
            double? mismatch = content.Outputs is { } ys && ys.Length == ours.Length
                ? ys.Zip(ours, (a, b) => Math.Abs(a - b)).Max() / Math.Max(1e-300, ys.Max(Math.Abs))
                : null;
            bool valid = witness is not null;
            if (parse.GetValue(json))
                Output.Json(new { Valid = valid, Reason = valid ? null : reason, OutputRelativeDifference = mismatch, Case = witness?.CaseIndex, Clause = witness?.ClauseIndex });
            else
            {
                Console.WriteLine(valid
                    ? $"valid: the witness violates the property (case {witness!.CaseIndex}, clause {witness.ClauseIndex}) in float32 and float64 at zero tolerance"
                    : $"not valid: {reason}");
                if (mismatch is { } m) Console.WriteLine($"file outputs vs float32 re-execution: relative difference {m.ToString("G3", CultureInfo.InvariantCulture)}");
                else if (content.Outputs is null) Console.WriteLine("the file gives no outputs (Y) to compare");
            }
            return valid ? ExitCodes.Violated : ExitCodes.Undecided;
        });
        return command;
    }
}
