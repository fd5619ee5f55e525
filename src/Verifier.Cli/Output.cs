using System.Text.Json;

namespace Verifier.Cli;

/// <summary>Writes a command's result as JSON (with --json) or as text.</summary>
public static class Output
{
    public static JsonSerializerOptions JsonOptions => Core.IO.JsonDefaults.Options;

    public static void Json(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), JsonOptions));

    /// <summary>True when stdout is a terminal (progress displays only then).</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected;
}
