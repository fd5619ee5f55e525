namespace Verifier.Complete;

/// <summary>What the complete verifier is doing, as a live display shows it.</summary>
public enum SearchStage { Attack, Bounds, BranchAndBound }

/// <summary>
/// A snapshot of the search: <paramref name="LowestMargin"/> is the least lower bound of the spec margin over the
/// open sub-domains (the property is proven once it is above 0 everywhere), null before the first bound.
/// </summary>
public sealed record SearchProgress(SearchStage Stage, int Case, int Cases, long Domains, int Open, int MaxDepth, double? LowestMargin, TimeSpan Elapsed);
