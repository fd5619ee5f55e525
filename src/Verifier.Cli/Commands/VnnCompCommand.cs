using System.CommandLine;
using Verifier.Pipeline;
using Verifier.Core.Errors;
using Verifier.Core.Results;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify vnncomp ONNX VNNLIB RESULTFILE TIMEOUT`: the VNN-COMP run_instance contract. The result file is
/// always written (atomically, then re-read): the answer, or `error` for bad input.
/// </summary>
public static class VnnCompCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var spec = new Argument<string>("vnnlib") { Description = "VNN-LIB property file." };
        var resultFile = new Argument<string>("result-file") { Description = "Where to write the VNN-COMP result." };
        var timeout = new Argument<double>("timeout") { Description = "Time budget in seconds, start-up included." };
        var seed = CommonOptions.Seed();
        var rootLp = CommonOptions.RootLp();
        var json = CommonOptions.Json();
        var limits = ModelLimitOptions.Create();
        var command = new Command("vnncomp", "Run one VNN-COMP instance and write its result file.") { model, spec, resultFile, timeout, seed, rootLp, json };
        limits.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var path = parse.GetValue(resultFile)!;
            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0)) throw new InputException("timeout", $"must be a positive number of seconds, got {seconds}");
            // The budget counts from process start, as the organisers measure it; if even the deadline's watchdog
            // has to answer, the result file still says timeout.
            var deadline = CommandDeadline.Current;
            deadline?.OnTimeout(() => ResultFile.Write(path, Verdict.Timeout));
            VerificationOutcome outcome;
            try
            {
                var input = ModelAndProperty.Load(parse.GetValue(model)!, parse.GetValue(spec)!, limits.Read(parse, ModelLimitOptions.AnalysisBatch));
                var budget = deadline?.AnalysisBudget ?? TimeSpan.FromSeconds(seconds);
                using var display = new VerificationDisplay(parse.GetValue(json));
                outcome = PropertyVerifier.Run(input, new VerificationSettings(budget, parse.GetValue(seed)) { Progress = display.Progress, RootLp = parse.GetValue(rootLp) }, cancellation);
            }
            catch (InputException)
            {
                ResultFile.Write(path, Verdict.Error);
                throw;
            }
            ResultFile.Write(path, outcome.Verdict, outcome.Witness);
            CheckCommand.Report(outcome, parse.GetValue(json));
            return Task.FromResult(ExitCodes.For(outcome.Verdict));
        });
        return command;
    }
}
