using System.CommandLine;
using System.Diagnostics;
using Verifier.Complete;
using Verifier.Core.Bounds;
using Verifier.Pipeline;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify bounds MODEL SPEC`: one bound pass per mode over each input box of a property, with its time, the
/// process's peak memory and how many unsafe clauses the bounds alone rule out. It answers "how tight and how
/// costly is each bound on my network" without a search, and it is how per-pass time and memory are measured.
/// Modes run from the cheapest up, so the peak after a pass is the peak of the costliest pass so far.
/// </summary>
public static class BoundsCommand
{
    private static readonly string[] ModeNames = ["interval", "crown", "alpha-crown"];

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var spec = new Argument<string>("spec") { Description = "VNN-LIB property file (states the UNSAFE condition)." };
        var modes = new Option<string[]>("--mode")
        {
            Description = "Bound modes to run, in this order: interval, crown, alpha-crown (alpha-CROWN as the complete verifier runs it at the root). [default: all three]",
            AllowMultipleArgumentsPerToken = true,
        };
        modes.AcceptOnlyFromAmong(ModeNames);
        var json = CommonOptions.Json();
        var limits = ModelLimitOptions.Create();
        var command = new Command("bounds", "Bound a property's output rows without search: time, peak memory and unsafe clauses ruled out per bound mode.")
            { model, spec, modes, json };
        limits.AddTo(command);
        command.SetAction((parse, token) =>
        {
            var loaded = ModelAndProperty.Load(parse.GetValue(model)!, parse.GetValue(spec)!, limits.Read(parse));
            var chosen = parse.GetValue(modes) is { Length: > 0 } m ? ModeNames.Where(m.Contains).ToArray() : ModeNames;
            var report = Measure(loaded, chosen, token);
            if (parse.GetValue(json)) Output.Json(report);
            else Print(report);
            return Task.FromResult(0);
        });
        return command;
    }

    private static BoundsReport Measure(ModelAndProperty loaded, string[] modes, CancellationToken token)
    {
        var defaults = new CompleteOptions();
        var analyzer = new BoundAnalyzer(loaded.Graph);
        var cases = new List<CaseBounds>();
        foreach (var pc in loaded.Property.Cases)
        {
            var lower = pc.Box.Lower.Select(v => v.Value).ToArray();
            var upper = pc.Box.Upper.Select(v => v.Value).ToArray();
            var spec = new CaseSpec(analyzer, pc);
            var linear = spec.Linear;
            var passes = new List<BoundPass>();
            foreach (var name in modes)
            {
                var mode = name switch { "interval" => BoundMode.Interval, "crown" => BoundMode.Crown, _ => BoundMode.AlphaCrown };
                var clock = Stopwatch.StartNew();
                var state = analyzer.Compute(lower, upper, mode, optimiseIntermediate: defaults.RootIntermediateAlpha, cancellation: token);
                double intermediate = clock.Elapsed.TotalSeconds;
                var bounds = analyzer.SpecBounds(state, linear, mode, defaults.RootAlpha, cancellation: token);
                double total = clock.Elapsed.TotalSeconds;
                int ruledOut = Enumerable.Range(0, pc.Clauses.Count).Count(k => spec.Impossible(k, bounds.Lower));
                double worst = Enumerable.Range(0, linear.Thresholds.Length).Select(r => bounds.Lower[r] - linear.Thresholds[r]).DefaultIfEmpty(double.NaN).Min();
                passes.Add(new BoundPass(name, intermediate, total, PeakMegabytes(), state.UnstableCount(), ruledOut, pc.Clauses.Count, worst));
            }
            cases.Add(new CaseBounds(cases.Count, passes));
        }
        return new BoundsReport(loaded.Graph.Source, loaded.Property.Source, analyzer.Activations.Sum(a => a.Size), cases);
    }

    private static double PeakMegabytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    private static void Print(BoundsReport report)
    {
        Console.WriteLine($"model      {report.Model}");
        Console.WriteLine($"property   {report.Property}");
        Console.WriteLine($"neurons    {report.ActivationNeurons:N0} in activation layers");
        foreach (var c in report.Cases)
        {
            if (report.Cases.Count > 1) Console.WriteLine($"box {c.Case}");
            Console.WriteLine($"  {"mode",-12} {"seconds",9} {"(layers)",9} {"peak MiB",9} {"unstable",9} {"ruled out",10} {"worst margin",13}");
            foreach (var p in c.Passes)
                Console.WriteLine($"  {p.Mode,-12} {p.Seconds,9:F3} {p.IntermediateSeconds,9:F3} {p.PeakMegabytes,9:F0} {p.Unstable,9:N0} {$"{p.ClausesRuledOut}/{p.Clauses}",10} {p.WorstMargin,13:G6}");
        }
    }

    private sealed record BoundPass(string Mode, double IntermediateSeconds, double Seconds, double PeakMegabytes, int Unstable,
        int ClausesRuledOut, int Clauses, double WorstMargin);
    private sealed record CaseBounds(int Case, IReadOnlyList<BoundPass> Passes);
    private sealed record BoundsReport(string Model, string Property, int ActivationNeurons, IReadOnlyList<CaseBounds> Cases);
}
