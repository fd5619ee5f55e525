using System.Text;
using Verifier.Core.IO;
using Verifier.Reports.Model;

namespace Verifier.Reports.Writers;

/// <summary>A Markdown summary for CI step summaries (GitHub's $GITHUB_STEP_SUMMARY and the like).</summary>
public static class MarkdownReport
{
    public static string Format(GateReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## Robustness gate: {Icon(report.Status)} {report.Status}");
        sb.AppendLine();
        sb.AppendLine($"Config `{Path.GetFileName(report.Config)}`, seed {report.Seed}, shard {report.Shard}, {report.Seconds:F1} s, exit code {report.ExitCode}.");
        sb.AppendLine();
        sb.AppendLine("| check | status | verified | falsified | unknown | timeout | thresholds |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var c in report.Checks)
            sb.AppendLine($"| {Escape(c.Name)} | {Icon(c.Status)} {c.Status} | {c.Counts.Verified}/{c.Counts.Total} | {c.Counts.Falsified} | {c.Counts.Unknown} | {c.Counts.Timeout} | verified >= {c.MinVerified:P0}, falsified <= {c.MaxFalsified}, undecided: {c.Undecided} |");
        foreach (var c in report.Checks.Where(c => c.Reasons.Count > 0))
        {
            sb.AppendLine();
            sb.AppendLine($"**{Escape(c.Name)}**: " + string.Join("; ", c.Reasons.Select(Escape)));
        }
        var falsified = report.Checks.SelectMany(c => c.Properties.Where(p => p.Result == "falsified").Select(p => (c, p))).ToList();
        if (falsified.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("### Counterexamples");
            sb.AppendLine();
            sb.AppendLine("| property | predicted | Linf | method |");
            sb.AppendLine("| --- | ---: | ---: | --- |");
            foreach (var (_, p) in falsified.Take(50))
                sb.AppendLine($"| {Escape(p.Id)} | {p.Witness?.PredictedClass} | {p.Witness?.LinfDistance:G4} | {p.Method} |");
            if (falsified.Count > 50) sb.AppendLine($"\n... and {falsified.Count - 50} more.");
        }
        return sb.ToString();
    }

    public static void Write(GateReport report, string path) => AtomicFile.WriteAllText(path, Format(report));

    private static string Icon(string status) => status switch { "passed" => "✅", "failed" => "❌", _ => "⚠️" };

    private static string Escape(string s) => s.Replace("|", "\\|");
}
