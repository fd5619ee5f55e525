using Verifier.Core.Analysis;

namespace Verifier.Tests.Lp;

/// <summary>
/// A solver that lies: it claims an optimum far better than the true one and returns perturbed duals (scaled,
/// shifted, some of the wrong sign). Bounds taken from its claims would cut off real values.
/// </summary>
internal sealed class LyingLpSolver(ILinearProgramSolver inner, int seed) : ILinearProgramSolver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ILinearProgramSession Load(LinearProgram program) => new Session(this, inner.Load(program), new Random(seed));

    private sealed class Session(LyingLpSolver owner, ILinearProgramSession inner, Random random) : ILinearProgramSession
    {
        public LinearProgramSolution Minimize(IReadOnlyList<(int Column, double Coefficient)> objective, TimeSpan limit, CancellationToken cancellation)
        {
            var truth = inner.Minimize(objective, limit, cancellation);
            Interlocked.Increment(ref owner._calls);
            var duals = truth.RowDuals.Select(y => random.Next(4) switch
            {
                0 => -y,
                1 => y * (1 + random.NextDouble()),
                _ => y + (random.NextDouble() - 0.5) * 1e-3,
            }).ToArray();
            return truth with { Objective = truth.Objective + 100, RowDuals = duals };
        }

        public void Dispose() => inner.Dispose();
    }
}
