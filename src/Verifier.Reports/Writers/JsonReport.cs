using System.Text.Json;
using Verifier.Core.Errors;
using Verifier.Core.IO;
using Verifier.Reports.Model;

namespace Verifier.Reports.Writers;

/// <summary>The JSON form of a gate report (snake_case keys, round-trip doubles).</summary>
public static class JsonReport
{
    public static JsonSerializerOptions Options => JsonDefaults.Options;

    public static string Format(GateReport report) => JsonSerializer.Serialize(report, Options);

    public static void Write(GateReport report, string path) => AtomicFile.WriteAllText(path, Format(report));

    public static GateReport Read(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "report not found");
        try
        {
            var report = JsonSerializer.Deserialize<GateReport>(File.ReadAllText(path), Options)
                ?? throw new InputException(path, "empty report");
            if (report.Schema != GateReport.SchemaName) throw new InputException(path, $"schema '{report.Schema}' is not {GateReport.SchemaName}");
            return report;
        }
        catch (JsonException e)
        {
            throw new InputException(path, $"not a gate report: {e.Message}");
        }
    }
}
