using Verifier.Complete;
using Verifier.Core.Bounds;
using Verifier.Core.Results;
using Verifier.Lp;
using Verifier.Tests.Bounds;
using Verifier.Tests.Complete;

namespace Verifier.Tests.Lp;

/// <summary>The search with the root LP stage (<see cref="CompleteOptions.RootLp"/>), even fed by a lying LP solver, answers soundly.</summary>
public class RootLpSearchTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReluSplittingWithTheRootLpStaysSound(bool lying)
    {
        var graph = TestNetworks.Mlp(9, 12, 16, 16, 3);
        double[] c = [1, 0, -1];
        var samples = CompleteVerifierTests.RandomValues(graph, 12, c, 3000, seed: 1);
        double min = samples.Min(), range = samples.Max() - min;
        var options = new CompleteOptions
        {
            Timeout = TimeSpan.FromSeconds(10), InputSplitMaxDimension = 4, RootTightening = new RootTightening(After: 0),
            RootLp = new LpTighteningOptions(TimeSpan.FromSeconds(2), Parallelism: 2),
        };
        var solver = lying ? (Verifier.Core.Analysis.ILinearProgramSolver)new LyingLpSolver(new OrToolsLpSolver(), seed: 5) : new OrToolsLpSolver();
        foreach (double bound in new[] { min - 0.5 * range, min - 0.02 * range, min + 0.05 * range })
        {
            var property = CompleteVerifierTests.Property(12, 3, c, bound);
            var result = new CompleteVerifier(null, null, solver).Verify(graph, property, options);
            if (result.Verdict == Verdict.Verified) Assert.DoesNotContain(samples, v => v <= bound);
            if (bound > min) Assert.Equal(Verdict.Falsified, result.Verdict);
            if (bound == min - 0.02 * range) Assert.True(result.Statistics.RootLp is { Programs: > 0 }, result.Detail);
        }
    }
}
