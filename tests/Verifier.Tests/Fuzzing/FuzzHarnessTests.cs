using Verifier.Core.Errors;

namespace Verifier.Tests.Fuzzing;

/// <summary>The harness itself: a reader that hangs is a failure; one stall that does not repeat is not.</summary>
public class FuzzHarnessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(200);

    private static string Seed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"verifier-harness-seed-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "seed input\n");
        return path;
    }

    [Fact]
    public void AReaderThatStallsEveryTimeIsAHang()
    {
        var seed = Seed();
        int calls = 0;
        var report = FuzzHarness.Run("stall", [seed], ".txt", text: true, path =>
        {
            if (Interlocked.Increment(ref calls) > 1) Thread.Sleep(Limit * 10); // every input after the warm-up stalls
        }, iterations: 2, seed: 1, Limit);
        Assert.Equal(2, report.Failures.Count);
        Assert.All(report.Failures, f => Assert.Contains("on a retry (hang", f));
        File.Delete(seed);
    }

    [Fact]
    public void AStallThatDoesNotRepeatIsNotAHang()
    {
        var seed = Seed();
        int calls = 0;
        var report = FuzzHarness.Run("once", [seed], ".txt", text: true, path =>
        {
            if (Interlocked.Increment(ref calls) == 2) Thread.Sleep(Limit * 3); // the first fuzz input stalls once
            if (calls % 2 == 0) throw new InputException(path, "rejected");
        }, iterations: 3, seed: 1, Limit);
        Assert.Empty(report.Failures);
        Assert.Equal(3, report.Accepted + report.Rejected);
        Assert.True(report.SlowestSeconds >= Limit.TotalSeconds, "the stall stays visible as the slowest input");
    }
}
