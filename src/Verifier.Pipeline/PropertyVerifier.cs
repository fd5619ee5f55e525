using System.Diagnostics;
using Verifier.Core.Analysis;
using Verifier.Core.Results;

namespace Verifier.Pipeline;

/// <summary>What one property check found, with the validated witness when falsified.</summary>
public sealed record VerificationOutcome(Verdict Verdict, Witness? Witness, TimeSpan Elapsed, string Method, string? Detail = null);

/// <summary>The analyses a check may run, in the order given.</summary>
public enum AnalysisMethod { Attack, Complete }

public sealed record VerificationSettings(TimeSpan Timeout, int Seed, IReadOnlyList<AnalysisMethod>? Methods = null)
{
    public IReadOnlyList<AnalysisMethod> MethodOrder => Methods ?? [AnalysisMethod.Attack, AnalysisMethod.Complete];
}

/// <summary>Runs the analyses on one property in order and applies the soundness rules to their answers.</summary>
public static class PropertyVerifier
{
    public static VerificationOutcome Run(ModelAndProperty input, VerificationSettings settings, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        budget.CancelAfter(settings.Timeout);
        try
        {
            var falsifier = new RandomSamplingFalsifier();
            var options = new FalsifierOptions(settings.Seed, Restarts: 40, Steps: 256, Budget: settings.Timeout);
            foreach (var problem in input.Property.Cases)
            {
                var candidate = falsifier.Search(input.Graph, problem, options, budget.Token);
                if (candidate is null) continue;
                var witness = WitnessCheck.ClampAndValidate(input.Graph, input.Property, candidate, out _);
                if (witness is not null) return new VerificationOutcome(Verdict.Falsified, witness, clock.Elapsed, "sampling");
            }
            return new VerificationOutcome(Verdict.Unknown, null, clock.Elapsed, "sampling", "no counterexample found by sampling; no proof attempted");
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new VerificationOutcome(Verdict.Timeout, null, clock.Elapsed, "sampling");
        }
    }
}
