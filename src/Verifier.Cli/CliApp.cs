using System.CommandLine;
using Verifier.Cli.Commands;
using Verifier.Core.Errors;
using Verifier.Core.Results;

namespace Verifier.Cli;

/// <summary>
/// The `verify` command line. Every command is one class in Commands/ with a static Create(); this class
/// owns the contract around them: usage errors and bad input exit 3 with one line, internal errors exit 4.
/// </summary>
public static class CliApp
{
    /// <param name="startOffset">How long the process ran before this call (timeouts count from process start).</param>
    public static int Run(string[] args, TimeSpan startOffset = default)
    {
        var root = new RootCommand("Formal safety verification of feed-forward neural networks.");
        foreach (var command in Commands()) root.Subcommands.Add(command);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"verify: {error.Message}");
            Console.Error.WriteLine("Run 'verify --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            // Signals are the deadline's: System.CommandLine's own handler would wait 2 s and exit 130.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return CommandDeadline.Run(parse.CommandResult.Command.Name, TimeoutOf(parse), WantsJson(parse), startOffset,
                token => parse.InvokeAsync(invocation, token).GetAwaiter().GetResult());
        }
        catch (Exception e)
        {
            return ReportFailure(e);
        }
    }

    private static IEnumerable<Command> Commands() =>
    [
        InfoCommand.Create(),
        CheckCommand.Create(),
        VnnCompCommand.Create(),
        WitnessCommand.Create(),
        EvalCommand.Create(),
        SpecCommand.Create(),
        BoundsCommand.Create(),
        RobustnessSpecCommand.Create(),
        TrainCommand.Create(),
        FinetuneCommand.Create(),
        DlvCommand.Create(),
        AttackCommand.Create(),
        GateCommand.Create(),
        MergeCommand.Create(),
    ];

    /// <summary>The command's time budget: its --timeout option, or the positional timeout of `vnncomp`.</summary>
    private static double? TimeoutOf(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Options.FirstOrDefault(o => o.Name == CommonOptions.TimeoutName) is Option<double?> option) return parse.GetValue(option);
        if (command.Arguments.FirstOrDefault(a => a.Name == "timeout") is Argument<double> argument) return parse.GetValue(argument);
        return null;
    }

    /// <summary>True for --json as a switch (the gate's --json names a report file instead).</summary>
    private static bool WantsJson(ParseResult parse) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--json") is Option<bool> json && parse.GetValue(json);

    /// <summary>Maps an exception to the exit-code contract with a single line on stderr.</summary>
    public static int ReportFailure(Exception e)
    {
        switch (e)
        {
            case InputException input:
                Console.Error.WriteLine($"error: {input.Message}");
                return ExitCodes.BadInput;
            case OperationCanceledException:
                Console.Error.WriteLine("cancelled");
                return ExitCodes.Undecided;
            default:
                Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
                if (Environment.GetEnvironmentVariable("VERIFY_DEBUG") == "1") Console.Error.WriteLine(e);
                return ExitCodes.InternalError;
        }
    }
}
