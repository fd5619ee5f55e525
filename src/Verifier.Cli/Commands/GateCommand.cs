using System.CommandLine;
using Verifier.Gate.Config;
using Verifier.Gate.Running;
using Verifier.Reports.Model;
using Verifier.Reports.Writers;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify gate CONFIG`: the CI robustness gate. Exit 0 every check passed, 1 a check failed, 2 undecided
/// within budget (where the policy says undecided fails), 3 config or input error, 4 internal error.
/// </summary>
public static class GateCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("config") { Description = "Gate config (YAML)." };
        var reports = ReportOptions.Create();
        var export = new Option<string?>("--export") { Description = "Write counterexamples here (VNN-COMP, JSON, PNG, idx)." };
        var baseline = new Option<string?>("--baseline") { Description = "Earlier JSON report: fail only on regressions against it." };
        var shard = new Option<string>("--shard") { Description = "Run shard K of N (K/N) of the properties.", DefaultValueFactory = _ => "1/1" };
        var timeout = CommonOptions.Timeout();
        var limits = ModelLimitOptions.Create();
        var command = new Command("gate", "Run a robustness gate from a YAML config and write reports (none on timeout or Ctrl-C).") { config, export, baseline, shard, timeout };
        limits.AddTo(command);
        reports.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var gate = GateConfigLoader.Load(parse.GetValue(config)!);
            var baselineReport = parse.GetValue(baseline) is { } b ? JsonReport.Read(b) : null;
            var progress = Output.IsTerminal ? (Action<string>)(line => Console.Error.WriteLine(line)) : null;
            var result = GateRunner.Run(gate, new GateRunOptions(Shard.Parse(parse.GetValue(shard)!), parse.GetValue(export), progress, limits.Read(parse, ModelLimitOptions.AnalysisBatch)), cancellation);
            var report = baselineReport is null ? result.Report : Baseline.Apply(result.Report, baselineReport);
            cancellation.ThrowIfCancellationRequested(); // reports only from a run that finished in time
            reports.Write(parse, report, result.Images);
            Output.Answer(() => Summary(report));
            return Task.FromResult(report.ExitCode);
        });
        return command;
    }

    public static void Summary(GateReport report)
    {
        foreach (var c in report.Checks)
        {
            Console.WriteLine($"{c.Status,-10} {c.Name}: {c.Counts.Verified}/{c.Counts.Total} verified, {c.Counts.Falsified} falsified, " +
                              $"{c.Counts.Unknown} unknown, {c.Counts.Timeout} timeout");
            foreach (var reason in c.Reasons) Console.WriteLine($"           {reason}");
        }
        Console.WriteLine($"gate {report.Status} (exit {report.ExitCode}) in {report.Seconds:F1} s");
    }
}

/// <summary>`verify merge REPORT...`: combine shard reports into one and judge the thresholds over all of them.</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("reports") { Description = "JSON reports of the shards.", Arity = ArgumentArity.OneOrMore };
        var reports = ReportOptions.Create();
        var command = new Command("merge", "Merge gate shard reports.") { inputs };
        reports.AddTo(command);
        command.SetAction(parse =>
        {
            var shards = parse.GetValue(inputs)!.Select(p => (p, JsonReport.Read(p))).ToList();
            var merged = ReportMerger.Merge(shards);
            reports.Write(parse, merged, null);
            GateCommand.Summary(merged);
            return merged.ExitCode;
        });
        return command;
    }
}

/// <summary>The report files a gate or merge can write.</summary>
public sealed record ReportOptions(Option<string?> Junit, Option<string?> Json, Option<string?> Markdown, Option<string?> Html)
{
    public static ReportOptions Create() => new(
        new Option<string?>("--junit") { Description = "Write JUnit XML here." },
        new Option<string?>("--json") { Description = "Write the JSON report here." },
        new Option<string?>("--markdown") { Description = "Write a Markdown summary here." },
        new Option<string?>("--html") { Description = "Write a self-contained HTML report here." });

    public void AddTo(Command command)
    {
        command.Options.Add(Junit);
        command.Options.Add(Json);
        command.Options.Add(Markdown);
        command.Options.Add(Html);
    }

    public void Write(ParseResult parse, GateReport report, IReadOnlyDictionary<string, Verifier.Reports.Images.ImageTriplet>? images)
    {
        if (parse.GetValue(Junit) is { } junit) JUnitReport.Write(report, junit);
        if (parse.GetValue(Json) is { } json) JsonReport.Write(report, json);
        if (parse.GetValue(Markdown) is { } md) MarkdownReport.Write(report, md);
        if (parse.GetValue(Html) is { } html) HtmlReport.Write(report, html, images);
    }
}
