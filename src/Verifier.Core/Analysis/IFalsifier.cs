using Verifier.Core.Graph;
using Verifier.Core.Specifications;

namespace Verifier.Core.Analysis;

/// <summary>
/// Searches for counterexamples (attacks, sampling). Never proves anything: a returned point is only a
/// candidate until <see cref="Results.WitnessCheck"/> validates it.
/// </summary>
public interface IFalsifier
{
    /// <summary>Returns a candidate input inside the case's box whose outputs satisfy a clause, or null.</summary>
    double[]? Search(NetworkGraph graph, PropertyCase problem, FalsifierOptions options, CancellationToken cancellation);
}

/// <param name="Start">Where the first restart starts (clamped into the box; default: the box centre).</param>
public sealed record FalsifierOptions(int Seed = 0, int Restarts = 10, int Steps = 50, TimeSpan? Budget = null, double[]? Start = null);
