using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verifier.Cli;

/// <summary>Writes a command's result as JSON (with --json) or as text.</summary>
public static class Output
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Json(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), JsonOptions));

    /// <summary>True when stdout is a terminal (progress displays only then).</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected;
}
