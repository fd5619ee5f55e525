using Verifier.Core.Bounds;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;

namespace Verifier.Core.Analysis;

/// <summary>
/// A complete decision procedure for one sub-problem: is there x in <c>problem.Box</c> whose float32 outputs
/// satisfy one of <c>problem.Clauses</c>? <paramref name="bounds"/> are sound bounds of every graph value over the
/// sub-problem (branch-and-bound splits are expressed by tightened bounds, e.g. a ReLU input bounded below by 0
/// is fixed active) and may be asserted as constraints.
/// </summary>
public interface IExactSolver
{
    ExactResult Solve(NetworkGraph graph, PropertyCase problem, NetworkBounds bounds, TimeSpan timeout, CancellationToken cancellation);
}

/// <summary>
/// Verified: no counterexample exists in the sub-problem (sound). Falsified: <see cref="Candidate"/> is a
/// candidate input that the caller must still validate with <see cref="WitnessCheck"/>. Unknown/Timeout otherwise.
/// </summary>
public sealed record ExactResult(Verdict Verdict, double[]? Candidate = null, string? Detail = null);
