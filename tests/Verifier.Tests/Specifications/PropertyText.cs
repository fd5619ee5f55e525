using Verifier.Core.Specifications;

namespace Verifier.Tests.Specifications;

/// <summary>A property as canonical text with exact values, so two properties compare with one Assert.Equal.</summary>
internal static class PropertyText
{
    public static string Canonical(SafetyProperty p) =>
        $"{p.InputCount} inputs, {p.OutputCount} outputs\n" + string.Join("\n", p.Cases.Select(Canonical));

    public static string Canonical(PropertyCase c) =>
        "box " + string.Join(" ", Enumerable.Range(0, c.Box.Dimension).Select(i => $"[{c.Box.Lower[i].Exact}, {c.Box.Upper[i].Exact}]"))
        + string.Concat(c.Clauses.Select(cl => "\n  or " + string.Join(" & ", cl.Rows.Select(Canonical))));

    private static string Canonical(OutputConstraint r) =>
        string.Join(" + ", r.Coefficients.Where(kv => !kv.Value.Exact.Numerator.IsZero).OrderBy(kv => kv.Key).Select(kv => $"{kv.Value.Exact}*Y_{kv.Key}")) + $" <= {r.Bound.Exact}";
}
