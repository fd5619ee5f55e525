using System.Diagnostics;
using Verifier.Core.Analysis;
using Verifier.Core.Bounds;
using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;

namespace Verifier.Complete;

/// <summary>
/// Complete verification by branch and bound. Per property case: falsify first, then bound the spec rows on the
/// whole box, then split (input dimensions for low-dimensional inputs, ReLUs otherwise) until every sub-domain is
/// closed by sound bounds or by the exact solver, or a validated counterexample is found, or time runs out.
/// The exact solver, the falsifier and the LP solver (for <see cref="CompleteOptions.RootLp"/>) are injected; without
/// them bounds and point checks alone decide what they can.
/// </summary>
public sealed class CompleteVerifier(IExactSolver? solver, IFalsifier? falsifier, ILinearProgramSolver? linearSolver = null)
{
    public CompleteResult Verify(NetworkGraph graph, SafetyProperty property, CompleteOptions options, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var analyzer = new BoundAnalyzer(graph);
        if (property.InputCount != analyzer.InputSize || property.OutputCount != analyzer.OutputSize)
            throw new InputException(property.Source,
                $"the property has {property.InputCount} inputs and {property.OutputCount} outputs, the network {analyzer.InputSize} and {analyzer.OutputSize}");
        using var run = new Search(graph, property, analyzer, options, solver, falsifier, linearSolver, clock, cancellation);

        if (falsifier is not null)
            for (int c = 0; c < property.Cases.Count && !run.OutOfTime; c++)
            {
                var total = options.Timeout * options.FalsifierShare;
                var cap = options.SplitsInputs(analyzer.InputSize) ? options.InputSplitFalsifierCap : options.FalsifierCap;
                var budget = (total < cap ? total : cap) / property.Cases.Count;
                run.Report(c);
                if (run.Falsify(property.Cases[c], new FalsifierOptions(options.Seed, Budget: budget)) is { } witness)
                    return run.Result(Verdict.Falsified, witness, $"falsifier found a counterexample in case {c}");
            }

        var undecided = new List<string>();
        bool timedOut = false;
        for (int c = 0; c < property.Cases.Count; c++)
        {
            var (verdict, witness, detail) = run.Case(c);
            if (verdict == Verdict.Falsified) return run.Result(verdict, witness, detail);
            if (verdict == Verdict.Verified) continue;
            timedOut |= verdict == Verdict.Timeout;
            undecided.Add($"case {c}: {detail}");
        }
        if (undecided.Count == 0) return run.Result(Verdict.Verified, null, "every sub-domain of every case closed");
        return run.Result(timedOut ? Verdict.Timeout : Verdict.Unknown, null, string.Join("; ", undecided));
    }
}
