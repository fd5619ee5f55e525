using System.Diagnostics;
using System.Globalization;
using Verifier.Complete;

namespace Verifier.Cli;

/// <summary>
/// The live line of `check` and `vnncomp` on a terminal: elapsed time, stage, sub-domains done and open, depth
/// and the lowest margin bound so far. Redrawn five times a second by its own thread (the thread pool is busy
/// with the search); the search only hands over its latest snapshot. Nothing with --json or when redirected.
/// </summary>
public sealed class VerificationDisplay : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(0.2);
    private static readonly string[] Spinner = ["|", "/", "-", "\\"];

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread? _thread;
    private SearchProgress? _latest;

    public VerificationDisplay(bool json)
    {
        if (json || !LiveLine.Enabled) return;
        _thread = new Thread(Redraw) { IsBackground = true, Name = "verification display" };
        _thread.Start();
    }

    /// <summary>The callback for <see cref="Pipeline.VerificationSettings.Progress"/>; null when nothing is shown.</summary>
    public Action<SearchProgress>? Progress => _thread is null ? null : p => Volatile.Write(ref _latest, p);

    private void Redraw()
    {
        for (int tick = 0; !_stop.Wait(Interval); tick++)
            LiveLine.Show(Spinner[tick % Spinner.Length] + " " + Describe(Volatile.Read(ref _latest), _clock.Elapsed));
    }

    /// <summary>The line's text; before the search reports, only the elapsed time.</summary>
    public static string Describe(SearchProgress? p, TimeSpan elapsed)
    {
        var text = $"{elapsed.TotalSeconds,6:F1} s";
        if (p is null) return text + "  starting";
        string stage = p.Stage switch
        {
            SearchStage.Attack => "attack",
            SearchStage.Bounds => "bounding the box",
            _ => "branch and bound",
        };
        text += $"  {stage}";
        if (p.Cases > 1) text += $"  case {p.Case + 1}/{p.Cases}";
        if (p.Stage == SearchStage.Attack) return text;
        text += string.Create(CultureInfo.InvariantCulture, $"  {p.Domains:N0} sub-domains done, {p.Open:N0} open, depth {p.MaxDepth}");
        if (p.LowestMargin is { } m) text += string.Create(CultureInfo.InvariantCulture, $"  worst bound {m:G3} (proven when > 0)");
        return text;
    }

    public void Dispose()
    {
        _stop.Set();
        _thread?.Join();
        LiveLine.Clear();
        _stop.Dispose();
    }
}
