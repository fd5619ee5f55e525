using Verifier.Gate.Config;
using Verifier.Reports.Model;

namespace Verifier.Gate.Running;

/// <summary>
/// `--baseline`: judge a run only by what got worse since an earlier report. A property that was verified and is
/// now falsified, or was not falsified and now is, is a regression (failed); one that was verified and is now
/// undecided is a lost proof (undecided, unless the policy counts undecided as verified). Everything else,
/// including thresholds that were already missed before, passes.
/// </summary>
public static class Baseline
{
    public static GateReport Apply(GateReport current, GateReport baseline)
    {
        var before = baseline.Checks.SelectMany(c => c.Properties).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Result);
        var checks = current.Checks.Select(check =>
        {
            var failed = new List<string>();
            var lost = new List<string>();
            foreach (var p in check.Properties)
            {
                if (!before.TryGetValue(p.Id, out var old)) continue;
                if (p.Result == "falsified" && old != "falsified") failed.Add($"{p.Id}: {old} -> falsified");
                else if (old == "verified" && p.Result != "verified") lost.Add($"{p.Id}: verified -> {p.Result}");
            }
            bool undecidedFails = check.Undecided == UndecidedPolicy.Fail.ToString().ToLowerInvariant();
            string status = failed.Count > 0 ? "failed" : lost.Count > 0 && undecidedFails ? "undecided" : "passed";
            var reasons = failed.Concat(lost).ToList();
            if (reasons.Count == 0) reasons.Add("no regression against the baseline");
            return check with { Status = status, Reasons = reasons };
        }).ToList();
        int exit = ThresholdEvaluation.ExitCode(checks);
        return current with { Checks = checks, ExitCode = exit, Status = ThresholdEvaluation.Status(exit) };
    }
}
