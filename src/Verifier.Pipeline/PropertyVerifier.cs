using System.Diagnostics;
using Verifier.Complete;
using Verifier.Compute.Attacks;
using Verifier.Core.Analysis;
using Verifier.Core.Bounds;
using Verifier.Core.Results;
using Verifier.Lp;
using Verifier.Smt;

namespace Verifier.Pipeline;

/// <summary>What one property check found, with the validated witness when falsified.</summary>
public sealed record VerificationOutcome(Verdict Verdict, Witness? Witness, TimeSpan Elapsed, string Method, string? Detail = null);

/// <summary>The analyses a check may run.</summary>
public enum AnalysisMethod
{
    /// <summary>Spec-margin PGD: can only falsify.</summary>
    Attack,

    /// <summary>Bounds, branch and bound and Z3: can verify and falsify.</summary>
    Complete,
}

public sealed record VerificationSettings(TimeSpan Timeout, int Seed, IReadOnlyList<AnalysisMethod>? Methods = null)
{
    /// <summary>Told where the complete verifier stands, for a live display.</summary>
    public Action<SearchProgress>? Progress { get; init; }

    /// <summary>Tighten the root's intermediate bounds by LP first (<see cref="CompleteOptions.RootLp"/>).</summary>
    public bool RootLp { get; init; }

    public IReadOnlyList<AnalysisMethod> MethodOrder => Methods ?? [AnalysisMethod.Attack, AnalysisMethod.Complete];
}

/// <summary>
/// The composition root of the analyses: the attack first (cheap, and it gives testers counterexamples), then
/// the complete verifier. Applies the soundness rules once more at the end: a falsified answer must carry a
/// witness that re-validates at zero tolerance here, else it is reported as unknown.
/// </summary>
public static class PropertyVerifier
{
    /// <summary>Time limit of one root LP (GLOP takes 0.1-0.2 s per LP on MNIST-FC 256x4).</summary>
    private static readonly TimeSpan RootLpPerProgram = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs the analyses with a hard deadline: if they have not returned by the budget plus a grace of 5 % (at
    /// most 1 s) — a native Z3 call can ignore its own timeout and interrupt — the answer is `timeout` and the
    /// worker, which runs on a background thread, is abandoned (cancelled, and ended with the process).
    /// </summary>
    public static VerificationOutcome Run(ModelAndProperty input, VerificationSettings settings, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var worker = Task.Factory.StartNew(() => RunAnalyses(input, settings, abandon.Token), abandon.Token,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var grace = TimeSpan.FromSeconds(Math.Min(1.0, settings.Timeout.TotalSeconds * 0.05));
        try
        {
            if (worker.Wait(settings.Timeout + grace, cancellation)) return worker.Result;
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        abandon.Cancel();
        return new VerificationOutcome(Verdict.Timeout, null, clock.Elapsed, "complete", "the analysis did not return by its deadline and was abandoned");
    }

    private static VerificationOutcome RunAnalyses(ModelAndProperty input, VerificationSettings settings, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var methods = settings.MethodOrder;
        IFalsifier? falsifier = methods.Contains(AnalysisMethod.Attack) ? new SpecMarginPgd() : null;
        try
        {
            VerificationOutcome outcome;
            if (methods.Contains(AnalysisMethod.Complete))
            {
                var options = new CompleteOptions
                {
                    Timeout = settings.Timeout, Seed = settings.Seed, Progress = settings.Progress,
                    RootLp = settings.RootLp ? new LpTighteningOptions(RootLpPerProgram, Parallelism: 2) : null,
                };
                var result = new CompleteVerifier(new Z3ExactSolver(), falsifier, new OrToolsLpSolver()).Verify(input.Graph, input.Property, options, cancellation);
                var s = result.Statistics;
                string method = result.Detail.StartsWith("falsifier", StringComparison.Ordinal) ? "attack" : "complete";
                string lp = s.RootLp is { } r
                    ? $", root LP: {r.Programs} LPs in {r.Elapsed.TotalSeconds:F1} s, {r.Tightened} neurons tightened, {r.Stabilised} stabilised" : "";
                outcome = new VerificationOutcome(result.Verdict, result.Witness, clock.Elapsed, method,
                    $"{result.Detail} ({s.Domains} sub-domains, {s.SolverCalls} Z3 calls, depth {s.MaxDepth}{lp})");
            }
            else
                outcome = AttackOnly(input, falsifier!, settings, clock, cancellation);
            return Revalidated(input, outcome);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new VerificationOutcome(Verdict.Timeout, null, clock.Elapsed, methods.Contains(AnalysisMethod.Complete) ? "complete" : "attack");
        }
    }

    private static VerificationOutcome AttackOnly(ModelAndProperty input, IFalsifier falsifier, VerificationSettings settings, Stopwatch clock,
        CancellationToken cancellation)
    {
        using var budget = new Deadline(settings.Timeout, cancellation);
        var cases = input.Property.Cases;
        for (int c = 0; c < cases.Count && !budget.IsCancellationRequested; c++)
        {
            var share = (settings.Timeout - clock.Elapsed) / (cases.Count - c);
            var candidate = falsifier.Search(input.Graph, cases[c], new FalsifierOptions(settings.Seed, Budget: share), budget.Token);
            if (candidate is not null && WitnessCheck.ClampAndValidate(input.Graph, input.Property, candidate, out _) is { } witness)
                return new VerificationOutcome(Verdict.Falsified, witness, clock.Elapsed, "attack");
        }
        return new VerificationOutcome(Verdict.Unknown, null, clock.Elapsed, "attack", "no counterexample found by the attack; attacks cannot prove a property");
    }

    /// <summary>Defence in depth: the witness behind a falsified answer is re-executed once more, here.</summary>
    private static VerificationOutcome Revalidated(ModelAndProperty input, VerificationOutcome outcome)
    {
        if (outcome.Verdict != Verdict.Falsified) return outcome;
        if (outcome.Witness is { } w && WitnessCheck.Validate(input.Graph, input.Property, w.Input, out _) is not null) return outcome;
        return outcome with { Verdict = Verdict.Unknown, Witness = null, Detail = "a counterexample failed re-validation and was discarded" };
    }
}
