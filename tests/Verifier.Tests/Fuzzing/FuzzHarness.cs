using System.Diagnostics;
using Verifier.Core.Errors;

namespace Verifier.Tests.Fuzzing;

/// <summary>What a fuzz run of one reader found.</summary>
public sealed record FuzzReport(string Format, int Inputs, int Accepted, int Rejected, List<string> Failures, double SlowestSeconds, string SlowestInput);

/// <summary>
/// Feeds mutated seed files to a reader. Every input must end in a result or an <see cref="InputException"/>
/// (exit 3 in the CLI) within the time limit; anything else (another exception type, a hang) is a failure,
/// and the offending input is kept on disk for reproduction.
/// </summary>
public static class FuzzHarness
{
    public static FuzzReport Run(string format, IReadOnlyList<string> seeds, string extension, bool text, Action<string> read,
        int iterations, int seed, TimeSpan perInputLimit)
    {
        var seedBytes = seeds.Select(File.ReadAllBytes).ToList();
        var mutator = new Mutator(seed);
        var dir = Path.Combine(Path.GetTempPath(), $"verifier-fuzz-{format}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var failures = new List<string>();
        int accepted = 0, rejected = 0;
        double slowest = 0;
        string slowestInput = "";
        var random = new Random(seed);
        foreach (var s in seeds) read(s); // warm up (JIT), so the slowest input is the reader's time, not start-up
        for (int i = 0; i < iterations; i++)
        {
            var path = Path.Combine(dir, $"input-{i}{extension}");
            File.WriteAllBytes(path, mutator.Mutate(seedBytes[random.Next(seedBytes.Count)], text));
            var (task, finished, clock) = Attempt(read, path, perInputLimit);
            double seconds = clock.Elapsed.TotalSeconds;
            if (!finished)
            {
                // A stall is a hang only if it repeats: on a busy 2-core CI machine one input that makes a reader
                // allocate what a corrupt size claims (PureHDF does, up to 2 GB) can wait seconds for the GC while
                // other tests run. A reader that loops forever stalls again on the retry, which gets three times
                // the limit (CI's stall was 12.6 s against 10).
                try { task.Wait(perInputLimit * 6); }
                catch (AggregateException) { } // judged on the retry
                seconds = clock.Elapsed.TotalSeconds; // the stall's whole length, not the limit Wait gave up at
                if (seconds > slowest) (slowest, slowestInput) = (seconds, path);
                GC.Collect();
                var (retry, retryFinished, retryClock) = Attempt(read, path, perInputLimit * 3);
                if (!retryFinished)
                {
                    failures.Add($"{path}: no answer within {perInputLimit.TotalSeconds} s, nor within {3 * perInputLimit.TotalSeconds} s on a retry (hang; {seconds:F1} s and {retryClock.Elapsed.TotalSeconds:F1} s)");
                    continue;
                }
                task = retry;
            }
            else if (seconds > slowest) (slowest, slowestInput) = (seconds, path);
            var error = task.Exception?.GetBaseException();
            if (error is null) accepted++;
            else if (error is InputException) rejected++;
            else failures.Add($"{path}: {error.GetType().Name}: {error.Message}");
            if (failures.Count == 0 || !failures[^1].StartsWith(path, StringComparison.Ordinal)) File.Delete(path);
        }
        if (failures.Count == 0) Directory.Delete(dir, recursive: true);
        return new FuzzReport(format, iterations, accepted, rejected, failures, slowest, Path.GetFileName(slowestInput));
    }

    private static (Task Task, bool Finished, Stopwatch Clock) Attempt(Action<string> read, string path, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(() => { try { read(path); } finally { clock.Stop(); } },
            TaskCreationOptions.LongRunning); // own thread: no pool starvation
        bool finished;
        try { finished = task.Wait(limit); }
        catch (AggregateException) { finished = true; }
        return (task, finished, clock);
    }

    /// <summary>Inputs per format: a short run in the suite, VERIFIER_FUZZ_ITERATIONS for long runs (tools/fuzz).</summary>
    public static int Iterations(int shortRun) =>
        int.TryParse(Environment.GetEnvironmentVariable("VERIFIER_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : shortRun;
}
