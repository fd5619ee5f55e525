using Verifier.Core.Errors;
using Verifier.Gate.Config;
using Verifier.Reports.Model;

namespace Verifier.Gate.Running;

/// <summary>
/// `verify merge`: combines the reports of the shards of one gate into the report a single run would have
/// produced, re-judging every check's thresholds over all its properties.
/// </summary>
public static class ReportMerger
{
    public static GateReport Merge(IReadOnlyList<(string Path, GateReport Report)> shards)
    {
        if (shards.Count == 0) throw new InputException("merge", "no reports given");
        var first = shards[0].Report;
        foreach (var (path, r) in shards)
            if (r.Seed != first.Seed || Path.GetFileName(r.Config) != Path.GetFileName(first.Config))
                throw new InputException(path, "comes from another gate run (config or seed differ)");
        var duplicates = shards.SelectMany(s => s.Report.Checks.SelectMany(c => c.Properties.Select(p => (s.Path, p.Id))))
            .GroupBy(x => x.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicates is not null) throw new InputException(duplicates.First().Path, $"property '{duplicates.Key}' appears in more than one shard");
        var checks = shards.SelectMany(s => s.Report.Checks).GroupBy(c => c.Name).Select(g =>
        {
            var c0 = g.First();
            if (g.Any(c => c.ModelSha256 != c0.ModelSha256)) throw new InputException(g.Key, "shards checked different model files (SHA-256 differs)");
            var properties = g.SelectMany(c => c.Properties).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
            var counts = Counts.Of(properties);
            var policy = Enum.Parse<UndecidedPolicy>(c0.Undecided, ignoreCase: true);
            var (status, reasons) = ThresholdEvaluation.Evaluate(counts, c0.MinVerified, c0.MaxFalsified, policy);
            return c0 with { Properties = properties, Counts = counts, Status = status, Reasons = reasons };
        }).ToList();
        int exit = ThresholdEvaluation.ExitCode(checks);
        return first with
        {
            Shard = $"merged {shards.Count}",
            Started = shards.Min(s => s.Report.Started),
            Seconds = shards.Max(s => s.Report.Seconds),
            Checks = checks,
            ExitCode = exit,
            Status = ThresholdEvaluation.Status(exit),
        };
    }
}
