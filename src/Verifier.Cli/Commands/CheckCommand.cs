using System.CommandLine;
using System.Globalization;
using Verifier.Pipeline;
using Verifier.Core.Results;

namespace Verifier.Cli.Commands;

/// <summary>`verify check MODEL SPEC`: decide a VNN-LIB property.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var spec = new Argument<string>("spec") { Description = "VNN-LIB property file (states the UNSAFE condition)." };
        var timeout = CommonOptions.Timeout(defaultSeconds: 60);
        var seed = CommonOptions.Seed();
        var rootLp = CommonOptions.RootLp();
        var result = new Option<string?>("--result") { Description = "Also write a VNN-COMP result file here." };
        var json = CommonOptions.Json();
        var limits = ModelLimitOptions.Create();
        var command = new Command("check", "Decide a VNN-LIB property: verified, falsified (with witness), unknown or timeout.")
            { model, spec, timeout, seed, rootLp, result, json };
        limits.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var input = ModelAndProperty.Load(parse.GetValue(model)!, parse.GetValue(spec)!, limits.Read(parse, ModelLimitOptions.AnalysisBatch));
            var budget = CommandDeadline.Current?.AnalysisBudget ?? TimeSpan.FromSeconds(parse.GetValue(timeout) ?? 60);
            VerificationOutcome outcome;
            using (var display = new VerificationDisplay(parse.GetValue(json)))
                outcome = PropertyVerifier.Run(input, new VerificationSettings(budget, parse.GetValue(seed)) { Progress = display.Progress, RootLp = parse.GetValue(rootLp) }, cancellation);
            if (parse.GetValue(result) is { } resultPath) ResultFile.Write(resultPath, outcome.Verdict, outcome.Witness);
            Report(outcome, parse.GetValue(json));
            return Task.FromResult(ExitCodes.For(outcome.Verdict));
        });
        return command;
    }

    public static void Report(VerificationOutcome outcome, bool json) => Output.Answer(() => Print(outcome, json));

    private static void Print(VerificationOutcome outcome, bool json)
    {
        if (json)
        {
            Output.Print(new
            {
                Result = outcome.Verdict.Word(),
                Vnncomp = outcome.Verdict.VnnComp(),
                Seconds = Math.Round(outcome.Elapsed.TotalSeconds, 3),
                outcome.Method,
                outcome.Detail,
                Witness = outcome.Witness is { } w ? new { w.Input, OutputFloat32 = w.OutputFloat32, OutputFloat64 = w.OutputFloat64, Case = w.CaseIndex, Clause = w.ClauseIndex } : null,
            });
            return;
        }
        Console.WriteLine($"{outcome.Verdict.Word()} ({outcome.Verdict.VnnComp()}) in {outcome.Elapsed.TotalSeconds:F2} s by {outcome.Method}");
        if (outcome.Detail is not null) Console.WriteLine($"  {outcome.Detail}");
        if (outcome.Witness is not { } witness) return;
        Console.WriteLine("witness (re-executed at zero tolerance in float32 and float64):");
        for (int i = 0; i < witness.Input.Length; i++) Console.WriteLine($"  X_{i} = {Format(witness.Input[i])}");
        for (int j = 0; j < witness.OutputFloat32.Length; j++)
            Console.WriteLine($"  Y_{j} = {Format(witness.OutputFloat32[j])} (float64: {Format(witness.OutputFloat64[j])})");
    }

    private static string Format(double v) => v.ToString("G17", CultureInfo.InvariantCulture);
}
