using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Verifier.Core.IO;
using Verifier.Core.Results;

namespace Verifier.Cli;

/// <summary>
/// One deadline and one cancellation token for a command run: the command's <c>--timeout</c> (counted from
/// process start) and Ctrl-C / SIGINT / SIGTERM both cancel <see cref="Token"/>. The command body runs on a
/// background thread; a watchdog on the calling thread answers within max(5 % of the timeout, 1 s) after the
/// deadline — and within half a second of an interrupt — even if the body ignores the token (a native call, a
/// long kernel): it closes the run's <see cref="PublishScope"/> (temporary files deleted, no later rename),
/// prints <c>timeout</c> (or <c>cancelled</c>) and returns exit 2, and the process ends with the body abandoned.
/// </summary>
public sealed class CommandDeadline
{
    /// <summary>After an interrupt the body gets this long to stop by itself; the process ends within a second.</summary>
    public static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(0.5);

    /// <summary>The largest timeout (about 11 days; timers take at most 2^31 ms).</summary>
    public const double MaxTimeoutSeconds = 1_000_000;

    private static readonly AsyncLocal<CommandDeadline?> Ambient = new();

    private readonly object _answerGate = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly Stopwatch _clock;
    private readonly TimeSpan _startOffset;
    private readonly bool _json;
    private readonly string _command;
    private bool _answered, _abandoned;
    private string? _signal;
    private volatile Action? _onTimeout;
    private readonly PublishScope _scope = new();

    private CommandDeadline(string command, TimeSpan? timeout, bool json, TimeSpan startOffset)
    {
        _command = command;
        Timeout = timeout;
        _json = json;
        _startOffset = startOffset;
        _clock = Stopwatch.StartNew();
    }

    /// <summary>
    /// True once a deadline or an interrupt cancelled a body in this process (abandoned or not): its threads may
    /// still run or be winding down, so the process should end at once (<see cref="ImmediateExit"/>) rather than
    /// through a runtime shutdown that must first stop them (measured: a shutdown after a timeout answered 0.75 s
    /// past the contract on a loaded 2-core machine).
    /// </summary>
    public static bool CancelledWork { get; private set; }

    /// <summary>The deadline of the command running on this execution context, if any.</summary>
    public static CommandDeadline? Current => Ambient.Value;

    /// <summary>The time budget from process start; null when the command has none (only interrupts cancel it).</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Cancelled at the deadline or on an interrupt.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Time since the process started.</summary>
    public TimeSpan Elapsed => _startOffset + _clock.Elapsed;

    /// <summary>Budget left (never negative); null without a timeout.</summary>
    public TimeSpan? Remaining => Timeout is { } t ? Max(TimeSpan.Zero, t - Elapsed) : null;

    /// <summary>
    /// The budget to give an analysis with its own watchdog (it may overrun by min(5 %, 1 s)), so that it still
    /// answers before this deadline does: 95 % of what is left. Null without a timeout.
    /// </summary>
    public TimeSpan? AnalysisBudget => Remaining * 0.95;

    /// <summary>True once the deadline passed (as opposed to an interrupt).</summary>
    public bool TimedOut => Volatile.Read(ref _signal) is null && _cancel.IsCancellationRequested;

    /// <summary>How long past the deadline an answer may come: 5 % of the timeout, at least 1 s.</summary>
    public static TimeSpan Grace(TimeSpan timeout) => Max(TimeSpan.FromSeconds(1), timeout * 0.05);

    /// <summary>
    /// Prints the command's answer unless the watchdog has already answered for it. Commands print their final
    /// result through this (<see cref="Output.Json"/> does), so the output never holds two answers.
    /// </summary>
    public void Answer(Action print)
    {
        lock (_answerGate)
        {
            if (_abandoned) throw new OperationCanceledException("the deadline has already answered");
            _answered = true;
            LiveLine.Close();
            print();
        }
    }

    /// <summary>
    /// Runs when the deadline answers <c>timeout</c> for the command, on the watchdog's thread, after the command's
    /// own files were revoked: for a file the command's contract says is always written (the VNN-COMP result).
    /// </summary>
    public void OnTimeout(Action fallback) => _onTimeout = fallback;

    /// <summary>Runs <paramref name="body"/> under a deadline of <paramref name="timeoutSeconds"/> (from process start).</summary>
    public static int Run(string command, double? timeoutSeconds, bool json, TimeSpan startOffset, Func<CancellationToken, int> body)
    {
        if (timeoutSeconds is { } s && !(s > 0 && s <= MaxTimeoutSeconds))
            throw new Core.Errors.InputException("timeout", $"must be a positive number of seconds up to {MaxTimeoutSeconds:N0}, got {s}");
        var deadline = new CommandDeadline(command, timeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null, json, startOffset);
        return deadline.Run(body);
    }

    private int Run(Func<CancellationToken, int> body)
    {
        using var interrupted = new ManualResetEvent(false);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Interrupt(c, "SIGINT", interrupted));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Interrupt(c, "SIGTERM", interrupted));
        var worker = Task.Factory.StartNew(() =>
        {
            Ambient.Value = this;
            PublishScope.Enter(_scope);
            return body(Token);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Watch(worker, interrupted) ? Finish(worker) : Abandon(worker);
    }

    /// <summary>
    /// Waits on this thread, with no timer nor thread-pool work (a saturated pool must not delay the answer):
    /// cancels the token at the deadline and gives up on the body at the hard deadline. True if the body ended.
    /// </summary>
    private bool Watch(Task<int> worker, WaitHandle interrupted)
    {
        var done = ((IAsyncResult)worker).AsyncWaitHandle;
        TimeSpan? hard = Timeout is { } t ? t + Grace(t) - AnswerMargin(t) : null;
        bool sawInterrupt = false;
        while (true)
        {
            if (!sawInterrupt && interrupted.WaitOne(0))
            {
                sawInterrupt = true;
                var limit = Elapsed + InterruptGrace;
                if (hard is null || limit < hard) hard = limit;
            }
            var next = !_cancel.IsCancellationRequested && Timeout is { } soft ? soft : hard;
            var wait = next is { } n ? Max(TimeSpan.Zero, n - Elapsed) : System.Threading.Timeout.InfiniteTimeSpan;
            WaitHandle[] wakers = sawInterrupt ? [done] : [done, interrupted];
            if (WaitHandle.WaitAny(wakers, wait) == 0 || worker.IsCompleted) return true;
            if (Timeout is { } deadline && Elapsed >= deadline && !_cancel.IsCancellationRequested) CancelWithoutWaiting();
            if (hard is { } h && Elapsed >= h) return false;
        }
    }

    /// <summary>The body returned or threw: after a cancellation, any failure is the deadline's answer.</summary>
    private int Finish(Task<int> worker)
    {
        if (worker.IsCompletedSuccessfully) return worker.Result;
        var error = worker.Exception!.InnerException!;
        if (_cancel.IsCancellationRequested && !_answered) return AnswerForDeadline(abandoned: false);
        ExceptionDispatchInfo.Capture(error).Throw();
        throw error; // not reached
    }

    /// <summary>The body did not return in time: revoke its files and answer for it; the process ends without it.</summary>
    private int Abandon(Task<int> worker)
    {
        lock (_answerGate)
        {
            if (!_answered)
            {
                _abandoned = true;
                return AnswerForDeadline(abandoned: true);
            }
        }
        // The body printed its answer just before the watchdog fired: give it a moment to return its exit code.
        return worker.Wait(InterruptGrace) ? Finish(worker) : ExitCodes.Undecided;
    }

    private int AnswerForDeadline(bool abandoned)
    {
        bool timedOut = Volatile.Read(ref _signal) is null; // only the deadline or an interrupt cancels
        CancelWithoutWaiting();
        LiveLine.Close();
        _scope.Close();
        if (timedOut) RunFallback();
        string word = timedOut ? "timeout" : "cancelled";
        string detail = timedOut
            ? $"no answer within the --timeout of {Timeout!.Value.TotalSeconds:G6} s"
            : $"interrupted by {_signal}";
        if (abandoned) detail += "; the computation did not stop by itself and was abandoned";
        if (_json)
            PrintJson(word, timedOut ? "timeout" : "unknown", detail);
        else if (timedOut)
            Console.Out.WriteLine($"timeout: {detail}");
        if (!timedOut || _json) Console.Error.WriteLine($"{word}: {detail}");
        return ExitCodes.Undecided;
    }

    /// <summary>
    /// The answer as JSON, written without the reflection-based serializer: its first use in a process costs
    /// 0.2-0.4 s on a loaded machine (measured), which the deadline cannot afford.
    /// </summary>
    private void PrintJson(string result, string vnncomp, string detail)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("result", result);
            json.WriteString("vnncomp", vnncomp);
            json.WriteString("command", _command);
            json.WriteNumber("seconds", Math.Round(Elapsed.TotalSeconds, 3));
            json.WriteString("detail", detail);
            json.WriteEndObject();
        }
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private void Interrupt(PosixSignalContext context, string signal, ManualResetEvent interrupted)
    {
        context.Cancel = true; // we end the process ourselves, after the cleanup
        if (Interlocked.CompareExchange(ref _signal, signal, null) is not null) return;
        CancelWithoutWaiting();
        interrupted.Set();
    }

    /// <summary>
    /// Sets the token at once; the callbacks registered on it (a solver interrupt, linked sources) run on the
    /// thread pool, so a slow one cannot hold up the watchdog or the signal thread.
    /// </summary>
    private void CancelWithoutWaiting()
    {
        CancelledWork = true;
        _ = _cancel.CancelAsync();
    }

    /// <summary>The command's timeout file; if it cannot be written the timeout is still the answer.</summary>
    private void RunFallback()
    {
        try { _onTimeout?.Invoke(); }
        catch (Exception e) { Console.Error.WriteLine($"error: {e.Message}"); }
    }

    /// <summary>Time kept back from the grace for printing and process exit.</summary>
    private static TimeSpan AnswerMargin(TimeSpan timeout) => Min(TimeSpan.FromSeconds(0.5), Grace(timeout) / 2);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
