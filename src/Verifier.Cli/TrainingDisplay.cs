using Spectre.Console;
using Verifier.Compute.Training;

namespace Verifier.Cli;

/// <summary>
/// Progress of a training run: a Spectre.Console bar on a terminal; plain periodic lines when output is redirected
/// (the bar prints nothing there), on stderr with --json so stdout stays one JSON document.
/// </summary>
public static class TrainingDisplay
{
    /// <summary>How often progress is reported: often for a bar, every few seconds for log lines.</summary>
    public static TimeSpan Interval(bool json) => TimeSpan.FromSeconds(Output.IsTerminal && !json ? 0.2 : 5);

    /// <summary>Where text other than the result goes.</summary>
    public static TextWriter Log(bool json) => json ? Console.Error : Console.Out;

    /// <summary>Runs <paramref name="work"/>, which reports training progress and the start of other stages through the callbacks it is given.</summary>
    public static T Run<T>(bool json, string firstStage, Func<Action<TrainingProgress>, Action<string>, T> work)
    {
        if (!Output.IsTerminal || json)
        {
            var log = Log(json);
            return work(p => log.WriteLine($"epoch {p.Epoch}/{p.Epochs}  {p.Samples}/{p.TotalSamples} samples  loss {p.Loss:F4}  {p.Seconds:F1}s"),
                stage => log.WriteLine(stage));
        }
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(firstStage, maxValue: 1);
                result = work(p =>
                {
                    task.MaxValue = p.TotalSamples;
                    task.Description = $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F4}";
                    task.Value = p.Samples;
                }, stage => task.Description = stage);
            });
        return result;
    }
}
