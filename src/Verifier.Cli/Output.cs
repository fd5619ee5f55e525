using System.Text.Json;

namespace Verifier.Cli;

/// <summary>Writes a command's result as JSON (with --json) or as text.</summary>
public static class Output
{
    public static JsonSerializerOptions JsonOptions => Core.IO.JsonDefaults.Options;

    /// <summary>Prints the command's final JSON answer (unless its deadline has already answered for it).</summary>
    public static void Json(object value) => Answer(() => Print(value));

    /// <summary>Prints a command's final answer through its deadline, so a timeout never adds a second answer.</summary>
    public static void Answer(Action print)
    {
        if (CommandDeadline.Current is { } deadline) deadline.Answer(print);
        else print();
    }

    /// <summary>One JSON document on stdout.</summary>
    public static void Print(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), JsonOptions));

    /// <summary>True when stdout is a terminal (progress displays only then).</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected;
}
