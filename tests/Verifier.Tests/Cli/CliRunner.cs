using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Verifier.Tests.Cli;

/// <summary>Runs the built `verify` CLI as a separate process, as a user or CI job would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunIn(null, args);

    public static Result RunIn(string? workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("verify " + string.Join(' ', args) + " did not finish");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the CLI and returns at once, for tests that signal it or time it.</summary>
    public static RunningCli Start(params string[] args) => new(Process.Start(StartInfo(null, args))!);

    private static ProcessStartInfo StartInfo(string? workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "verify.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }
}

/// <summary>A CLI process under test: its output as it arrives, signals, and the time it takes to exit.</summary>
public sealed partial class RunningCli : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public RunningCli(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Time since the process was started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// When <see cref="WaitForExit"/> saw the process end, from its start: before the output readers are drained,
    /// which run on this test process's thread pool and come late while other tests keep it busy (measured: 1-2.7 s).
    /// </summary>
    public TimeSpan ExitedAt { get; private set; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Waits until stdout or stderr contains <paramref name="text"/> (false if the process ended or time ran out).</summary>
    public bool WaitForOutput(string text, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (Stdout.Contains(text) || Stderr.Contains(text)) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Sends a POSIX signal (2 SIGINT as Ctrl-C sends it, 15 SIGTERM) to the process.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the exit; returns the exit code (the process is killed and the test fails past the limit).</summary>
    public int WaitForExit(TimeSpan limit)
    {
        if (!_process.WaitForExit(limit))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the CLI did not exit within {limit.TotalSeconds} s; stderr: {Stderr}");
        }
        ExitedAt = _clock.Elapsed;
        _process.WaitForExit(); // flushes the asynchronous output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
