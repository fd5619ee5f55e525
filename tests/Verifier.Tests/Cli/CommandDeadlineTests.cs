using System.Diagnostics;
using Verifier.Cli;
using Verifier.Core.IO;
using Verifier.Tests.Support;

namespace Verifier.Tests.Cli;

/// <summary>The deadline's watchdog, in process: a body that ignores its token is answered for and its files revoked.</summary>
public class CommandDeadlineTests
{
    [Fact]
    public void BodyIgnoringTheTokenIsAnsweredForWithinTheGrace()
    {
        using var release = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        int exit = CommandDeadline.Run("test", 0.3, json: false, TimeSpan.Zero, _ => { release.Wait(); return 0; });
        var elapsed = clock.Elapsed;
        release.Set();
        Assert.Equal(2, exit);
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.3), $"answered before the deadline, after {elapsed.TotalSeconds:F2} s");
        Assert.True(elapsed < TimeSpan.FromSeconds(0.3) + CommandDeadline.Grace(TimeSpan.FromSeconds(0.3)), $"answered after {elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void AbandonedWriteLeavesNoFileNorTemporaryFile()
    {
        using var dir = new TempDirectory();
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Task? writer = null;
        int exit = CommandDeadline.Run("test", 0.2, json: false, TimeSpan.Zero, _ =>
        {
            // A writer that ignores the token: it is mid-file when the watchdog fires.
            writer = Task.Run(() => AtomicFile.Write(dir.Path("out.bin"), stream =>
            {
                stream.Write(new byte[4096]);
                writing.Set();
                release.Wait();
                stream.Write(new byte[4096]);
            }));
            writing.Wait();
            Assert.Single(Directory.GetFiles(dir.Root)); // the temporary file exists while the body runs
            writer.Wait();
            return 0;
        });
        Assert.Equal(2, exit);
        Assert.Empty(Directory.GetFiles(dir.Root));
        release.Set(); // the abandoned writer finishes: its rename is refused
        Assert.Throws<AggregateException>(() => writer!.Wait(TimeSpan.FromSeconds(10)));
        Assert.IsType<OperationCanceledException>(writer!.Exception!.InnerException);
        Assert.Empty(Directory.GetFiles(dir.Root));
    }

    [Fact]
    public void CooperativeBodyAnswersTimeoutThroughTheDeadline()
    {
        var clock = Stopwatch.StartNew();
        int exit = CommandDeadline.Run("test", 0.2, json: true, TimeSpan.Zero, token =>
        {
            while (true) { token.ThrowIfCancellationRequested(); Thread.Sleep(5); }
        });
        Assert.Equal(2, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.5), $"answered after {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void TheBudgetCountsFromProcessStart()
    {
        // A process that already ran 0.5 s of a 0.6 s budget has 0.1 s left.
        var clock = Stopwatch.StartNew();
        int exit = CommandDeadline.Run("test", 0.6, json: false, TimeSpan.FromSeconds(0.5), token =>
        {
            token.WaitHandle.WaitOne();
            token.ThrowIfCancellationRequested();
            return 0;
        });
        Assert.Equal(2, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.4), $"answered after {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void ABodyThatFinishesInTimeKeepsItsExitCodeAndFiles()
    {
        using var dir = new TempDirectory();
        int exit = CommandDeadline.Run("test", 30, json: false, TimeSpan.Zero, _ =>
        {
            AtomicFile.WriteAllText(dir.Path("a.txt"), "done");
            return 1;
        });
        Assert.Equal(1, exit);
        Assert.Equal("done", File.ReadAllText(dir.Path("a.txt")));
    }

    [Fact]
    public void TimeoutFallbackWritesTheContractFileAndALateAnswerIsRefused()
    {
        using var dir = new TempDirectory();
        using var release = new ManualResetEventSlim();
        Exception? lateAnswer = null;
        int exit = CommandDeadline.Run("test", 0.2, json: false, TimeSpan.Zero, _ =>
        {
            // As vnncomp does: the result file must say timeout even if the watchdog has to answer.
            CommandDeadline.Current!.OnTimeout(() => AtomicFile.WriteAllText(dir.Path("result.txt"), "timeout"));
            release.Wait();
            try { Output.Answer(() => AtomicFile.WriteAllText(dir.Path("late.txt"), "sat")); }
            catch (Exception e) { lateAnswer = e; }
            return 1;
        });
        Assert.Equal(2, exit);
        Assert.Equal("timeout", File.ReadAllText(dir.Path("result.txt")));
        release.Set();
        SpinWait.SpinUntil(() => lateAnswer is not null, TimeSpan.FromSeconds(10));
        Assert.IsType<OperationCanceledException>(lateAnswer);
        Assert.False(File.Exists(dir.Path("late.txt")));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(2e6)]
    public void InvalidTimeoutIsBadInput(double seconds) =>
        Assert.Throws<Verifier.Core.Errors.InputException>(() => CommandDeadline.Run("test", seconds, false, TimeSpan.Zero, _ => 0));
}
