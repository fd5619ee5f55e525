using System.CommandLine;
using Verifier.Core.Results;
using Verifier.Pipeline;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify witness MODEL PROPERTY RESULT`: re-executes the witness of a VNN-COMP result file at zero
/// tolerance in float32 and float64. Exit 1: the witness confirms the violation; 2: it does not.
/// </summary>
public static class WitnessCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var property = new Argument<string>("property") { Description = "VNN-LIB property file (.vnnlib)." };
        var result = new Argument<string>("result") { Description = "VNN-COMP result file: 'sat' followed by ((X_0 v) ... (Y_0 w) ...)." };
        var json = CommonOptions.Json();
        var limits = ModelLimitOptions.Create();
        var command = new Command("witness",
            "Check a VNN-COMP counterexample at zero tolerance. Exit 1 if it confirms the violation, 2 if not.") { model, property, result, json };
        limits.AddTo(command);
        command.SetAction(parse =>
        {
            var (graph, spec) = ModelAndProperty.Load(parse.GetValue(model)!, parse.GetValue(property)!, limits.Read(parse));
            var content = ResultFile.Read(parse.GetValue(result)!);
            var report = WitnessFileCheck.Check(graph, spec, content);
            if (parse.GetValue(json))
                Output.Json(new Summary(report.Confirmed, report.ExecutionMatches,
                    double.IsFinite(report.OutputRelativeError) ? report.OutputRelativeError : null,
                    report.Witness?.CaseIndex, report.Witness?.ClauseIndex, report.Reason, report.Inputs));
            else
            {
                Console.WriteLine($"witness    {(report.Confirmed ? "confirmed" : "not confirmed")}: {report.Reason}");
                if (report.Inputs.Length > 0) Console.WriteLine($"inputs     {report.Inputs}");
                if (double.IsFinite(report.OutputRelativeError))
                    Console.WriteLine($"outputs    relative error {report.OutputRelativeError:G3} against the model (VNN-COMP accepts <= {WitnessFileCheck.OrganiserOutputTolerance:G})");
            }
            return report.Confirmed ? ExitCodes.Violated : ExitCodes.Undecided;
        });
        return command;
    }

    private sealed record Summary(bool Confirmed, bool ExecutionMatches, double? OutputRelativeError, int? Case, int? Clause, string Reason, string Inputs);
}
