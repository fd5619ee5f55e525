using System.CommandLine;
using Verifier.Core.Errors;
using Verifier.Core.IO;
using Verifier.Formats;

namespace Verifier.Cli;

/// <summary>
/// `--max-weights` and `--max-memory`: the caps on an untrusted model, on every command that loads one. They
/// become the <see cref="ModelLoadOptions"/> of the load, with the samples the command evaluates at once.
/// </summary>
public sealed record ModelLimitOptions(Option<long?> MaxWeights, Option<string?> MaxMemory)
{
    /// <summary>Samples a property check evaluates at once (the spec-margin search runs up to 64 restarts as one batch).</summary>
    public const int AnalysisBatch = 64;

    public static ModelLimitOptions Create() => new(
        new Option<long?>("--max-weights")
        {
            Description = $"Refuse models with more weights than this (default {ModelLoadOptions.Default.MaxParameters:N0}).",
        },
        new Option<string?>("--max-memory")
        {
            Description = $"Refuse models whose estimated memory to load and evaluate exceeds this, in bytes or e.g. 8GiB, 512MiB " +
                          $"(default {ByteSize.Format(ModelLoadOptions.Default.MaxMemoryBytes)}).",
        });

    public void AddTo(Command command)
    {
        command.Options.Add(MaxWeights);
        command.Options.Add(MaxMemory);
    }

    /// <summary>The load options for a command that evaluates <paramref name="batch"/> samples at once.</summary>
    public ModelLoadOptions Read(ParseResult parse, int batch = 1)
    {
        var options = ModelLoadOptions.Default with { EvaluationBatch = batch };
        if (parse.GetValue(MaxWeights) is { } weights)
            options = options with { MaxParameters = weights > 0 ? weights : throw new InputException(MaxWeights.Name, $"must be a positive number of weights, got {weights}") };
        if (parse.GetValue(MaxMemory) is { } memory)
            options = options with
            {
                MaxMemoryBytes = ByteSize.TryParse(memory) ?? throw new InputException(MaxMemory.Name, $"'{memory}' is not a size (bytes, or a number with KiB, MiB, GiB, KB, MB, GB)"),
            };
        return options;
    }
}
