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
    public static int Run(string[] args)
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
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
        RobustnessSpecCommand.Create(),
        TrainCommand.Create(),
        FinetuneCommand.Create(),
        DlvCommand.Create(),
        AttackCommand.Create(),
        GateCommand.Create(),
        MergeCommand.Create(),
    ];

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
