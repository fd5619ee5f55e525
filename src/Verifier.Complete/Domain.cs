using Verifier.Core.Bounds;

namespace Verifier.Complete;

/// <summary>
/// One sub-problem of the search: an input sub-box, ReLU split decisions, and the clauses of the case that are
/// not yet proven impossible on it. <see cref="Parent"/> is the bound state of the domain it was split from (its
/// bounds hold here too), <see cref="ReusedSteps"/> how many of the parent's steps a ReLU split leaves unchanged,
/// <see cref="Warm"/> the parent's optimised relaxation per spec row (the starting point of this domain's).
/// </summary>
internal sealed record Domain(double[] Lower, double[] Upper, ReluSplits Splits, int Depth, int[] OpenClauses)
{
    public BoundState? Parent { get; init; }
    public int ReusedSteps { get; init; }
    public RowRelaxation?[]? Warm { get; init; }

    /// <summary>A root whose intermediate bounds are to be tightened (<see cref="CompleteOptions.RootTightening"/>).</summary>
    public bool Tighten { get; init; }

    /// <summary>This domain's bounds, already computed (a root restarted for tightening), with its searches done.</summary>
    public BoundedRoot? Bounded { get; init; }
}

/// <summary>A bounded domain (kept for a root): its bound state, spec bounds and the clauses they leave open.</summary>
internal sealed record BoundedRoot(BoundState State, SpecBounds Bounds, int[] Open);

/// <summary>The result of bounding one domain.</summary>
internal abstract record Outcome
{
    /// <summary>Closed by sound reasoning (bounds, infeasible splits, the exact solver).</summary>
    public sealed record Closed : Outcome;

    /// <summary>Split into children, with the priority of each (lower is processed first).</summary>
    public sealed record Branched(IReadOnlyList<(Domain Child, double Priority)> Children) : Outcome;

    /// <summary>A validated counterexample.</summary>
    public sealed record Violated(Verifier.Core.Results.Witness Witness) : Outcome;

    /// <summary>Neither closable nor splittable further (or out of time): the case stays undecided.</summary>
    public sealed record Stuck(string Reason) : Outcome;
}
