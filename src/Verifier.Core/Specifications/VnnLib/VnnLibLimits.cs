namespace Verifier.Core.Specifications.VnnLib;

/// <summary>
/// Limits that keep hostile files from exhausting memory or the stack. The defaults are far above every
/// VNN-COMP benchmark (the largest boxes have ~150,000 inputs; the largest DNFs a few thousand disjuncts).
/// </summary>
/// <param name="MaxFileChars">Largest property file, in bytes (and characters).</param>
/// <param name="MaxDepth">Deepest parenthesis nesting.</param>
/// <param name="MaxClauses">Most disjuncts after distributing every assert into DNF.</param>
/// <param name="MaxClauseTerms">Most terms over all disjuncts: shared conjunctions while distributing, output rows after.</param>
/// <param name="MaxBoxEntries">Most work over all distinct input boxes: their inputs plus their input atoms.</param>
public sealed record VnnLibLimits(
    long MaxFileChars = 64L << 20,
    int MaxDepth = 64,
    int MaxClauses = 100_000,
    long MaxClauseTerms = 10_000_000,
    long MaxBoxEntries = 4_000_000)
{
    public static readonly VnnLibLimits Default = new();
}
