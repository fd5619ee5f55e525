using Verifier.Gate.Config;
using Verifier.Gate.Running;
using Verifier.Reports.Model;

namespace Verifier.Tests.Gate;

public class ThresholdEvaluationTests
{
    [Theory]
    [InlineData(9, 0, 1, 0, 0, "fail", "passed")]     // 9 of 10 meets 0.9 exactly
    [InlineData(8, 0, 2, 0, 0, "fail", "undecided")]  // hangs on the unknown ones
    [InlineData(8, 0, 2, 0, 0, "pass", "passed")]     // explicit opt-in
    [InlineData(8, 0, 0, 0, 2, "pass", "failed")]     // a failed analysis never counts as verified
    [InlineData(10, 1, 0, 0, 0, "fail", "failed")]    // one falsified, none allowed (total 11)
    public void JudgesWorstAndBestCase(int verified, int falsified, int unknown, int timeout, int error, string policy, string expected)
    {
        var counts = new Counts(verified + falsified + unknown + timeout + error, verified, falsified, unknown, timeout, error);
        var (status, _) = ThresholdEvaluation.Evaluate(counts, 0.9, 0, Enum.Parse<UndecidedPolicy>(policy, ignoreCase: true));
        Assert.Equal(expected, status);
    }
}
