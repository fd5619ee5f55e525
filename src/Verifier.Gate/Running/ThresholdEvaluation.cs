using Verifier.Gate.Config;
using Verifier.Reports.Model;

namespace Verifier.Gate.Running;

/// <summary>
/// Decides a check from its counts. A threshold is judged twice: with every undecided property counted
/// against it (worst case) and in its favour (best case). Worst case met: passed. Best case missed: failed.
/// In between the answer hangs on undecided properties: undecided (exit 2) unless the config opts in to
/// counting them as verified.
/// </summary>
public static class ThresholdEvaluation
{
    public static (string Status, List<string> Reasons) Evaluate(Counts counts, double minVerified, int maxFalsified, UndecidedPolicy policy)
    {
        var reasons = new List<string>();
        if (counts.Total == 0) return ("failed", ["the check has no properties"]);
        if (counts.Falsified > maxFalsified)
            reasons.Add($"{counts.Falsified} falsified, at most {maxFalsified} allowed");
        double worst = (double)counts.Verified / counts.Total;
        double best = (double)(counts.Verified + counts.Undecided) / counts.Total;
        // Compare in counts, not floating fractions, so 9 of 10 meets 0.9 exactly.
        int needed = (int)Math.Ceiling(minVerified * counts.Total - 1e-9);
        if (counts.Verified + counts.Undecided < needed)
            reasons.Add($"{counts.Verified} of {counts.Total} verified ({worst:P1}), at least {minVerified:P1} required even if every undecided property verified");
        if (reasons.Count > 0) return ("failed", reasons);
        if (counts.Verified >= needed) return ("passed", reasons);
        if (policy == UndecidedPolicy.Pass)
        {
            reasons.Add($"{counts.Undecided} undecided counted as verified (undecided: pass)");
            return ("passed", reasons);
        }
        reasons.Add($"{counts.Verified} of {counts.Total} verified ({worst:P1}), {counts.Undecided} undecided; {minVerified:P1} required (best case {best:P1})");
        return ("undecided", reasons);
    }

    /// <summary>The gate's exit code: 1 if any check failed, else 2 if any is undecided, else 0.</summary>
    public static int ExitCode(IEnumerable<CheckReport> checks)
    {
        var statuses = checks.Select(c => c.Status).ToList();
        return statuses.Contains("failed") ? 1 : statuses.Contains("undecided") ? 2 : 0;
    }

    public static string Status(int exitCode) => exitCode switch { 0 => "passed", 1 => "failed", _ => "undecided" };
}
