using Verifier.Core.Analysis;
using Verifier.Core.Bounds;
using Verifier.Core.Encoding;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;

namespace Verifier.Smt;

/// <summary>
/// Decides one sub-problem with Z3 over the exact encoding of <see cref="NetworkEncoder"/>, which contains
/// every float32 execution: unsat is a proof for the float32 network. A sat model is only a candidate
/// (the encoding is a superset), returned for the caller to validate with <see cref="WitnessCheck"/>.
/// Each call uses its own context, so calls on different threads are independent.
/// </summary>
/// <param name="simpleSolver">Z3's plain SMT kernel (default): measured faster than its tactic front end, which is slow on
/// big-M indicators (README.md).</param>
public sealed class Z3ExactSolver(bool simpleSolver = true) : IExactSolver
{
    private sealed record Query(Z3Solver Solver, Z3EncodingSink Sink, EncodedNetwork Network);

    public ExactResult Solve(NetworkGraph graph, PropertyCase problem, NetworkBounds bounds, TimeSpan timeout, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return new ExactResult(Verdict.Timeout, Detail: "cancelled before the query started");
        using var context = new Z3Context();
        Query query;
        try { query = Build(context, graph, problem, bounds, timeout, simpleSolver); }
        catch (NotEncodableException e) { return new ExactResult(Verdict.Unknown, Detail: e.Message); }
        var solver = query.Solver;

        Z3Status status;
        // Interrupting before Check starts is lost, hence the second look at the token; the per-query
        // timeout bounds that narrow window.
        using (cancellation.Register(solver.Interrupt))
            status = cancellation.IsCancellationRequested ? Z3Status.Unknown : solver.Check();

        switch (status)
        {
            case Z3Status.Unsat:
                return new ExactResult(Verdict.Verified);
            case Z3Status.Sat:
                var x = query.Network.Input.Variables!.Select(v => solver.Value(query.Sink[v]).ToDouble()).ToArray();
                return new ExactResult(Verdict.Falsified, problem.Box.Clamp(x));
            default:
                var reason = cancellation.IsCancellationRequested ? "cancelled" : solver.ReasonUnknown;
                bool outOfTime = cancellation.IsCancellationRequested || reason.Contains("timeout") || reason.Contains("cancel") || reason.Contains("interrupt");
                return new ExactResult(outOfTime ? Verdict.Timeout : Verdict.Unknown, Detail: $"z3: {reason}");
        }
    }

    /// <summary>The query Solve would check, as SMT-LIB2 (for debugging, or for an external z3).</summary>
    public static string ToSmtLib(NetworkGraph graph, PropertyCase problem, NetworkBounds? bounds)
    {
        using var context = new Z3Context();
        return Build(context, graph, problem, bounds, null, simple: false).Solver.ToString();
    }

    private static Query Build(Z3Context context, NetworkGraph graph, PropertyCase problem, NetworkBounds? bounds, TimeSpan? timeout, bool simple)
    {
        var solver = context.Solver(timeout, simple);
        var sink = new Z3EncodingSink(context, solver);
        var network = NetworkEncoder.Encode(graph, sink, problem.Box, bounds);
        solver.Assert(UnsafeCondition(context, sink, network.Output, problem.Clauses));
        return new Query(solver, sink, network);
    }

    /// <summary>The disjunction of the case's clauses, each a conjunction of exact rows over the outputs.</summary>
    private static Z3Expr UnsafeCondition(Z3Context context, Z3EncodingSink sink, EncodedValue output, IReadOnlyList<OutputClause> clauses)
    {
        if (clauses.Count == 0) return context.True();
        var disjuncts = clauses.Select(clause => context.And(clause.Rows.Select(row =>
            sink.Row(row.Coefficients.Select(kv => new Term(kv.Value.Exact, output.Variables![kv.Key])).ToArray(),
                Relation.LessOrEqual, row.Bound.Exact)).ToArray())).ToArray();
        return context.Or(disjuncts);
    }
}
