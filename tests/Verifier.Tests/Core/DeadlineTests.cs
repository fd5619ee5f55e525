using System.Diagnostics;
using Verifier.Core.Analysis;

namespace Verifier.Tests.Core;

public class DeadlineTests
{
    [Fact]
    public void FiresOnTimeWhileEveryPoolThreadIsBusy()
    {
        // Pool threads that spin until the deadline: a thread-pool timer would have to wait for one of them.
        var after = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();
        using var deadline = new Deadline(after);
        var token = deadline.Token;
        long fired = 0;
        token.Register(() => Volatile.Write(ref fired, clock.Elapsed.Ticks));
        Parallel.For(0, 4 * Environment.ProcessorCount, new ParallelOptions { MaxDegreeOfParallelism = 4 * Environment.ProcessorCount }, _ =>
        {
            while (!token.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.SpinWait(1000);
        });
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref fired) != 0, TimeSpan.FromSeconds(5)));
        // The wait may wake a millisecond early (timer granularity).
        Assert.InRange(TimeSpan.FromTicks(fired), after - TimeSpan.FromMilliseconds(20), after + TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public void FollowsTheLinkedToken()
    {
        using var outer = new CancellationTokenSource();
        using var deadline = new Deadline(TimeSpan.FromHours(1), outer.Token);
        Assert.False(deadline.IsCancellationRequested);
        outer.Cancel();
        Assert.True(deadline.IsCancellationRequested);
    }

    [Fact]
    public void DisposedBeforeItsTimeItNeverFires()
    {
        var deadline = new Deadline(TimeSpan.FromMilliseconds(50));
        var token = deadline.Token;
        deadline.Dispose();
        deadline.Dispose();
        Thread.Sleep(150);
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public void InfiniteAndZeroSpans()
    {
        using var never = new Deadline(Timeout.InfiniteTimeSpan);
        using var now = new Deadline(TimeSpan.FromMilliseconds(-5));
        Assert.True(now.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.False(never.IsCancellationRequested);
    }
}
